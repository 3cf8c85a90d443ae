// Copyright ESACT verification project contributors.
// SPDX-License-Identifier: Apache-2.0
//
// esact_gemm_jobs: the GEMM job issuer.  A job step of the sequencer holds req_i with
// the job (gemm_job_e); the issuer prepares the job's command in one cycle -- sizes,
// row mask (every row, the representatives, the rows some head needs, or the FFN
// rows), column-tile and k masks of the head (SDDMM / SpMM), operand sources,
// destination and head offset -- offers it to gemm_core until it is taken, and reports
// done_o when the job's last result has been written (last_i from the GEMM result
// path).  The routing of the running job (a_src_o .. off_o) stays until the next job.

module esact_gemm_jobs
  import esact_pkg::*;
#(
  parameter int unsigned T_MAX     = 128,
  parameter int unsigned D_MAX     = 384,
  parameter int unsigned F_MAX     = 1536,
  parameter int unsigned H_MAX     = 12,
  parameter int unsigned HEAD_DIM  = 32,
  parameter int unsigned PE_C      = 8,
  localparam int unsigned ChIdxW   = $clog2(D_MAX),
  localparam int unsigned HeadCntW = $clog2(H_MAX + 1),
  localparam int unsigned GemmN    = F_MAX,                // gemm_core maxima (N_MAX = K_MAX)
  localparam int unsigned GemmK    = F_MAX,
  localparam int unsigned Tiles    = GemmN / PE_C,
  localparam int unsigned KeyTiles = (T_MAX + PE_C - 1) / PE_C,  // column tiles a key reaches
  localparam int unsigned MCntW    = $clog2(T_MAX + 1),
  localparam int unsigned NCntW    = $clog2(GemmN + 1),
  localparam int unsigned KCntW    = $clog2(GemmK + 1)
) (
  input  logic                clk_i,
  input  logic                rst_ni,
  input  cfg_t                cfg_i,

  input  logic                req_i,          // a job step
  input  gemm_job_e           job_i,          // ... of this job
  input  logic                abort_i,        // the run is aborted: forget the job
  output logic                done_o,         // the job's last result is written
  input  logic                last_i,         // the running job's last result (GEMM result path)

  input  logic [HeadCntW-1:0] head_i,         // head of the attention jobs
  input  logic [T_MAX-1:0]    head_cols_i,    // ... its column-needed mask (sparse)
  input  logic [T_MAX-1:0]    rep_mask_i,     // representative rows
  input  logic [T_MAX-1:0]    kv_mask_i,      // rows some head needs

  // command to gemm_core
  output logic                cmd_valid_o,
  input  logic                cmd_ready_i,
  output logic [MCntW-1:0]    cmd_m_o,
  output logic [NCntW-1:0]    cmd_n_o,
  output logic [KCntW-1:0]    cmd_k_o,
  output logic                cmd_a_unsigned_o,
  output logic [T_MAX-1:0]    cmd_row_mask_o,
  output logic [Tiles-1:0]    cmd_ctile_mask_o,
  output logic [GemmK-1:0]    cmd_k_mask_o,

  // routing of the running job: operand sources, destination, head offset
  output a_src_e              a_src_o,
  output b_src_e              b_src_o,
  output dst_e                dst_o,
  output logic [ChIdxW-1:0]   off_o
);

  typedef enum logic [1:0] {
    JobIdle,   // a request prepares the command
    JobOffer,  // the command is offered to gemm_core
    JobRun     // the command was taken: wait for the last result
  } state_e;

  state_e state_d, state_q;
  logic   prep;              // the command of job_i is prepared this cycle
  // the prepared command and routing
  a_src_e            a_src_d, a_src_q;
  b_src_e            b_src_d, b_src_q;
  dst_e              dst_d, dst_q;
  logic [ChIdxW-1:0] off_d, off_q;
  logic [MCntW-1:0]  m_d, m_q;
  logic [NCntW-1:0]  n_d, n_q;
  logic [KCntW-1:0]  k_d, k_q;
  logic              aus_d, aus_q;
  logic [T_MAX-1:0]  rows_d, rows_q;
  logic [Tiles-1:0]  ctiles_d, ctiles_q;
  logic [GemmK-1:0]  kmask_d, kmask_q;
  // row and key masks of the job
  logic [T_MAX-1:0] all_rows;          // rows of the sequence
  logic [T_MAX-1:0] ffn_rows;          // rows the FFN computes
  // keys and key tiles some representative keeps (this head): only the first T_MAX keys
  // (KeyTiles tiles) exist, the command's wider masks take them zero-extended
  logic [KeyTiles-1:0] head_tiles;
  logic [T_MAX-1:0]    head_keys;

  always_comb begin
    for (int unsigned i = 0; i < T_MAX; i++) begin
      all_rows[i] = (32'(i) < 32'(cfg_i.seq_len));
    end
    ffn_rows = (cfg_i.sparse && cfg_i.ffn_reuse) ? (rep_mask_i & all_rows) : all_rows;
  end

  always_comb begin
    head_tiles = '0;
    head_keys  = '0;
    for (int unsigned j = 0; j < T_MAX; j++) begin
      if (job_i != JobScores && job_i != JobPv) break;  // (simulation speed)
      if (32'(j) < 32'(cfg_i.seq_len) && (!cfg_i.sparse || head_cols_i[j])) begin
        head_tiles[j / PE_C] = 1'b1;
        head_keys[j]         = 1'b1;
      end
    end
  end

  // the command of each job
  always_comb begin
    a_src_d  = ASrcX;
    b_src_d  = BSrcWq;
    dst_d    = DstQ;
    off_d    = '0;
    m_d      = MCntW'(cfg_i.seq_len);
    n_d      = NCntW'(cfg_i.hidden);
    k_d      = KCntW'(cfg_i.hidden);
    aus_d    = 1'b0;
    rows_d   = rep_mask_i & all_rows;
    ctiles_d = '1;
    kmask_d  = '1;
    unique case (job_i)
      JobKAll:   begin b_src_d = BSrcWk; dst_d = DstK; rows_d = all_rows; end
      JobVAll:   begin b_src_d = BSrcWv; dst_d = DstV; rows_d = all_rows; end
      JobQ:      ;
      JobK:      begin b_src_d = BSrcWk; dst_d = DstK; rows_d = kv_mask_i & all_rows; end
      JobV:      begin b_src_d = BSrcWv; dst_d = DstV; rows_d = kv_mask_i & all_rows; end
      JobScores: begin
        a_src_d  = ASrcQ;
        b_src_d  = BSrcKt;
        dst_d    = DstS;
        off_d    = ChIdxW'(32'(head_i) * HEAD_DIM);
        n_d      = NCntW'(cfg_i.seq_len);
        k_d      = KCntW'(HEAD_DIM);
        ctiles_d = Tiles'(head_tiles);
      end
      JobPv: begin
        a_src_d = ASrcP;
        b_src_d = BSrcV;
        dst_d   = DstCtx;
        off_d   = ChIdxW'(32'(head_i) * HEAD_DIM);
        n_d     = NCntW'(HEAD_DIM);
        k_d     = KCntW'(cfg_i.seq_len);
        aus_d   = 1'b1;
        kmask_d = GemmK'(head_keys);
      end
      JobOproj:  begin a_src_d = ASrcCtx; b_src_d = BSrcWo; dst_d = DstYo; end
      JobFfn1:   begin a_src_d = ASrcH1; b_src_d = BSrcW1; dst_d = DstF; n_d = NCntW'(cfg_i.ffn); rows_d = ffn_rows; end
      JobFfn2:   begin a_src_d = ASrcG; b_src_d = BSrcW2; dst_d = DstY2; k_d = KCntW'(cfg_i.ffn); rows_d = ffn_rows; end
      default:   ;
    endcase
  end

  // prepare -> offer -> run
  assign prep   = (state_q == JobIdle) && req_i;
  assign done_o = (state_q == JobRun) && last_i;

  always_comb begin
    state_d = state_q;
    unique case (state_q)
      JobIdle:  if (req_i) state_d = JobOffer;
      JobOffer: if (cmd_ready_i) state_d = JobRun;
      JobRun:   if (last_i) state_d = JobIdle;
      default:  state_d = JobIdle;
    endcase
    if (abort_i) state_d = JobIdle;
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      state_q <= JobIdle;
    end else begin
      state_q <= state_d;
    end
  end

  always_ff @(posedge clk_i) begin
    if (prep) begin
      a_src_q  <= a_src_d;
      b_src_q  <= b_src_d;
      dst_q    <= dst_d;
      off_q    <= off_d;
      m_q      <= m_d;
      n_q      <= n_d;
      k_q      <= k_d;
      aus_q    <= aus_d;
      rows_q   <= rows_d;
      ctiles_q <= ctiles_d;
      kmask_q  <= kmask_d;
    end
  end

  assign cmd_valid_o      = (state_q == JobOffer);
  assign cmd_m_o          = m_q;
  assign cmd_n_o          = n_q;
  assign cmd_k_o          = k_q;
  assign cmd_a_unsigned_o = aus_q;
  assign cmd_row_mask_o   = rows_q;
  assign cmd_ctile_mask_o = ctiles_q;
  assign cmd_k_mask_o     = kmask_q;
  assign a_src_o          = a_src_q;
  assign b_src_o          = b_src_q;
  assign dst_o            = dst_q;
  assign off_o            = off_q;

  logic unused_cfg;
  assign unused_cfg = ^cfg_i;  // (the issuer reads some fields of cfg_i)

endmodule
