// Copyright ESACT verification project contributors.
// SPDX-License-Identifier: Apache-2.0
//
// esact_top: the ESACT layer engine.  Runs one integer BERT encoder layer, dense or
// SPLS-sparse, exactly as models/int_layer.py defines it (see docs/esact_top.md):
//
//   PRED  (sparse) HLog prediction of Q^/K^ (spls_predict), PAM rows -> topk ->
//         local_sim: keep masks, reuse map, column-needed masks
//   QKV   Q for representative rows, K/V for needed rows (gemm_core -> requant)
//   ATTN  per head: scores at needed key tiles (SDDMM), softmax over kept keys,
//         P.V over needed keys (SpMM) -> context (per-channel requant)
//   OPROJ output projection for representative rows -> INT16
//   LN1   x -> INT16 residual (requant), res1 = y_o[rep] + x_r, LayerNorm -> h1
//   FFN   FFN1 -> INT16 -> i-GELU -> per-channel requant -> g; FFN2 -> INT16
//   LN2   h1 -> INT16 residual, res2 = y_2[rep_ffn] + h1_r, LayerNorm -> out
//   OUT   the layer output streams out (tag 0)
//
// Interfaces: APB4 CSR (hdl/esact_csr.rdl, generated block), a wide load stream that
// writes the on-chip buffers (weights, per-channel parameters, input), a wide output
// stream (layer output or a debug dump of an internal buffer), and irq_o.
// Load address: region = addr[31:24], word index = addr[23:0] (docs/esact_top.md).

module esact_top #(
  parameter int unsigned T_MAX      = 128,
  parameter int unsigned D_MAX      = 384,
  parameter int unsigned F_MAX      = 1536,
  parameter int unsigned H_MAX      = 12,
  parameter int unsigned HEAD_DIM   = 32,
  parameter int unsigned PE_R       = 8,
  parameter int unsigned PE_C       = 8,
  parameter int unsigned PRED_LANES = 16,
  parameter int unsigned PRED_ELEMS = 8,
  localparam int unsigned LdBytes   = 64,
  localparam int unsigned LdW       = LdBytes * 8,
  localparam int unsigned CsrAw     = 7
) (
  input  logic               clk_i,
  input  logic               rst_ni,

  // APB4 register interface
  input  logic               psel_i,
  input  logic               penable_i,
  input  logic               pwrite_i,
  input  logic [2:0]         pprot_i,
  input  logic [CsrAw-1:0]   paddr_i,
  input  logic [31:0]        pwdata_i,
  input  logic [3:0]         pstrb_i,
  output logic               pready_o,
  output logic [31:0]        prdata_o,
  output logic               pslverr_o,

  // buffer load stream
  input  logic               ld_valid_i,
  output logic               ld_ready_o,
  input  logic [31:0]        ld_addr_i,
  input  logic [LdW-1:0]     ld_data_i,

  // output stream: layer output (tag 0) or a debug dump (tag = DEBUG.sel + 1)
  output logic               out_valid_o,
  input  logic               out_ready_i,
  output logic [LdW-1:0]     out_data_o,
  output logic [7:0]         out_tag_o,
  output logic               out_last_o,

  output logic               irq_o
);

  // ---------------------------------------------------------------------------------
  // Sizes
  // ---------------------------------------------------------------------------------
  localparam int unsigned TW    = $clog2(T_MAX + 1);      // counts up to T_MAX
  localparam int unsigned TI    = $clog2(T_MAX);          // row index
  localparam int unsigned OI    = $clog2(H_MAX * T_MAX);  // streamed row index
  localparam int unsigned DI    = $clog2(D_MAX);          // hidden channel index
  localparam int unsigned FI    = $clog2(F_MAX);          // FFN channel index
  localparam int unsigned HW    = $clog2(H_MAX + 1);
  localparam int unsigned HI    = (H_MAX > 1) ? $clog2(H_MAX) : 1;  // head index
  localparam int unsigned DT    = D_MAX / PE_C;           // column tiles of the hidden size
  localparam int unsigned FT    = F_MAX / PE_C;
  localparam int unsigned DtI   = $clog2(DT);             // column-tile index (hidden)
  localparam int unsigned GK    = F_MAX;                  // gemm_core maxima
  localparam int unsigned GN    = F_MAX;
  localparam int unsigned GNT   = GN / PE_C;
  localparam int unsigned GMW   = $clog2(T_MAX + 1);
  localparam int unsigned GNW   = $clog2(GN + 1);
  localparam int unsigned GKW   = $clog2(GK + 1);
  localparam int unsigned GKI   = $clog2(GK);
  localparam int unsigned GTI   = $clog2(GNT);
  localparam int unsigned GTW   = $clog2(GNT + 1);
  localparam int unsigned MacW  = $clog2(PE_R * PE_C + 1);
  localparam int unsigned TagW  = TI + GTI + 1;
  localparam int unsigned OvW   = $clog2(H_MAX * T_MAX + 1);
  // load geometry: words of LdBytes per row, row strides rounded to powers of two
  localparam int unsigned DWd   = (D_MAX + LdBytes - 1) / LdBytes;
  localparam int unsigned FWd   = (F_MAX + LdBytes - 1) / LdBytes;
  localparam int unsigned DSh   = $clog2(DWd);
  localparam int unsigned FSh   = $clog2(FWd);
  localparam int unsigned TpW   = LdBytes / PE_C;         // tiles per load word
  localparam int unsigned VpW   = LdBytes / 4;            // 32-bit values per load word

  // regions of the load address space
  localparam logic [7:0] RegX = 8'd0, RegWq = 8'd1, RegWk = 8'd2, RegWv = 8'd3, RegWo = 8'd4,
                         RegW1 = 8'd5, RegW2 = 8'd6;
  localparam logic [7:0] RegBq = 8'd8, RegBk = 8'd9, RegBv = 8'd10, RegBo = 8'd11, RegB1 = 8'd12,
                         RegB2 = 8'd13;
  localparam logic [7:0] RegMq = 8'd16, RegMk = 8'd17, RegMv = 8'd18, RegMctx = 8'd19, RegMo = 8'd20,
                         RegMxr = 8'd21, RegMf1 = 8'd22, RegMg = 8'd23, RegMf2 = 8'd24, RegMhr = 8'd25;
  localparam logic [7:0] RegPq = 8'd26, RegPk = 8'd27;
  localparam logic [7:0] RegLn1G = 8'd28, RegLn1B = 8'd29, RegLn2G = 8'd30, RegLn2B = 8'd31;

  // ---------------------------------------------------------------------------------
  // Buffers
  // ---------------------------------------------------------------------------------
  logic [7:0]        x_mem   [T_MAX][D_MAX];
  logic [PE_C*8-1:0] wq_mem  [D_MAX][DT];
  logic [PE_C*8-1:0] wk_mem  [D_MAX][DT];
  logic [PE_C*8-1:0] wv_mem  [D_MAX][DT];
  logic [PE_C*8-1:0] wo_mem  [D_MAX][DT];
  logic [PE_C*8-1:0] w1_mem  [D_MAX][FT];
  logic [PE_C*8-1:0] w2_mem  [F_MAX][DT];
  logic [31:0]       bq_mem [D_MAX], bk_mem [D_MAX], bv_mem [D_MAX], bo_mem [D_MAX], b2_mem [D_MAX];
  logic [31:0]       b1_mem [F_MAX];
  // requantization parameters {shift[5:0], mult[14:0]}
  logic [20:0]       mq_mem [D_MAX], mk_mem [D_MAX], mv_mem [D_MAX], mctx_mem [D_MAX], mo_mem [D_MAX];
  logic [20:0]       mxr_mem [D_MAX], mf2_mem [D_MAX], mhr_mem [D_MAX];
  logic [20:0]       mf1_mem [F_MAX], mg_mem [F_MAX];
  logic [4:0]        pq_mem [D_MAX], pk_mem [D_MAX];
  logic [15:0]       ln1g_mem [D_MAX], ln2g_mem [D_MAX];
  logic [31:0]       ln1b_mem [D_MAX], ln2b_mem [D_MAX];
  logic [7:0]        qh_mem  [T_MAX][D_MAX];
  logic [7:0]        kh_mem  [T_MAX][D_MAX];
  logic [T_MAX-1:0]  keep_mem [H_MAX][T_MAX];
  logic [TI-1:0]     rep_mem [T_MAX];
  logic [T_MAX-1:0]  col_mem [H_MAX];
  logic [T_MAX-1:0]  rep_mask_q;          // row i is a representative
  logic [T_MAX-1:0]  kv_mask_q;           // row i is needed by some head
  logic [7:0]        q_mem   [T_MAX][D_MAX];
  logic [7:0]        k_mem   [T_MAX][D_MAX];
  logic [7:0]        v_mem   [T_MAX][D_MAX];
  logic [31:0]       s_mem   [T_MAX][T_MAX];
  logic [7:0]        p_mem   [T_MAX][T_MAX];
  logic [7:0]        ctx_mem [T_MAX][D_MAX];
  logic [15:0]       yo_mem  [T_MAX][D_MAX];
  logic [15:0]       xr_mem  [T_MAX][D_MAX];
  logic [7:0]        h1_mem  [T_MAX][D_MAX];
  logic [7:0]        g_mem   [T_MAX][F_MAX];
  logic [15:0]       y2_mem  [T_MAX][D_MAX];
  logic [7:0]        out_mem [T_MAX][D_MAX];

  // ---------------------------------------------------------------------------------
  // CSR block
  // ---------------------------------------------------------------------------------
  esact_csr_pkg::esact_csr__in_t  hwif_in;
  esact_csr_pkg::esact_csr__out_t hwif_out;

  esact_csr u_csr (
    .clk           (clk_i),
    .rst_n         (rst_ni),
    .s_apb_psel    (psel_i),
    .s_apb_penable (penable_i),
    .s_apb_pwrite  (pwrite_i),
    .s_apb_pprot   (pprot_i),
    .s_apb_paddr   (paddr_i),
    .s_apb_pwdata  (pwdata_i),
    .s_apb_pstrb   (pstrb_i),
    .s_apb_pready  (pready_o),
    .s_apb_prdata  (prdata_o),
    .s_apb_pslverr (pslverr_o),
    .hwif_in       (hwif_in),
    .hwif_out      (hwif_out)
  );

  // configuration, latched at start
  logic [15:0] cfg_t, cfg_d, cfg_f;
  logic [TW-1:0] cfg_k;
  logic [7:0]  cfg_h;
  logic [TW-1:0] cfg_w;
  logic [OvW-1:0] cfg_thr;
  logic        cfg_sparse, cfg_ffn_reuse;
  logic [14:0] cfg_sm_mult;
  logic [5:0]  cfg_sm_shift;
  logic [17:0] cfg_qb;
  logic [31:0] cfg_qc;
  logic [3:0]  cfg_gf1, cfg_gf2;

  // ---------------------------------------------------------------------------------
  // Controller state
  // ---------------------------------------------------------------------------------
  typedef enum logic [3:0] {
    SIdle  = 4'd0, SPred = 4'd1, SQkv = 4'd2, SAttn = 4'd3, SOproj = 4'd4, SLn1 = 4'd5,
    SFfn   = 4'd6, SLn2  = 4'd7, SOut = 4'd8, SDump = 4'd9
  } stage_e;

  stage_e      stage_q;
  logic [3:0]  step_q;         // step within a stage
  logic [2:0]  bg_step_q;      // background K/V generation during PRED (overlap mode)
  logic        pred_done_q;    // PRED: the reuse map is complete
  logic        cfg_overlap;
  logic [HW-1:0] head_q;       // attention head
  logic        start, dump_req;
  logic        cfg_bad;
  logic [5:0]  err_bits;       // seq_len hidden heads ffn topk window
  logic        busy;
  logic        done_pulse;
  logic [31:0] cycles_q;
  logic [63:0] exec_macs_q;
  logic [31:0] stage_cyc_q [8];
  logic [7:0]  dump_sel_q;

  // An aborted job leaves the datapath units mid-packet: they get a one-cycle
  // synchronous reset of their control state so the next job starts clean.
  logic abort_q;
  logic dp_rst_n;
  assign dp_rst_n = rst_ni && !abort_q;

  assign start    = hwif_out.ctrl.start.value;
  assign dump_req = hwif_out.ctrl.dump.value;
  assign busy     = (stage_q != SIdle);

  // ---------------------------------------------------------------------------------
  // Load stream
  // ---------------------------------------------------------------------------------
  logic [7:0]  ld_region;
  logic [23:0] ld_idx;
  logic        ld_fire;
  logic        ld_bad;

  assign ld_ready_o = !busy;
  assign ld_fire    = ld_valid_i && ld_ready_o;
  assign ld_region  = ld_addr_i[31:24];
  assign ld_idx     = ld_addr_i[23:0];

  // a beat addressing no buffer is dropped and flagged
  always_comb begin
    unique case (ld_region)
      RegX:                       ld_bad = (32'(ld_idx >> DSh) >= T_MAX) || (32'(ld_idx) % (1 << DSh) >= DWd);
      RegWq, RegWk, RegWv, RegWo: ld_bad = (32'(ld_idx >> DSh) >= D_MAX) || (32'(ld_idx) % (1 << DSh) >= DWd);
      RegW1:                      ld_bad = (32'(ld_idx >> FSh) >= D_MAX) || (32'(ld_idx) % (1 << FSh) >= FWd);
      RegW2:                      ld_bad = (32'(ld_idx >> DSh) >= F_MAX) || (32'(ld_idx) % (1 << DSh) >= DWd);
      RegB1, RegMf1, RegMg:       ld_bad = 32'(ld_idx) * VpW >= F_MAX;
      RegBq, RegBk, RegBv, RegBo, RegB2, RegMq, RegMk, RegMv, RegMctx, RegMo, RegMxr, RegMf2,
      RegMhr, RegPq, RegPk, RegLn1G, RegLn1B, RegLn2G, RegLn2B:
                                  ld_bad = 32'(ld_idx) * VpW >= D_MAX;
      default:                    ld_bad = 1'b1;
    endcase
  end

  always_ff @(posedge clk_i) begin
    if (ld_fire && !ld_bad) begin
      unique case (ld_region)
        // each write index is computed once and range-checked before use (an index past
        // the end must drop the write: Verilator would wrap it on power-of-two arrays)
        RegX: begin
          for (int unsigned b = 0; b < LdBytes; b++) begin
            logic [31:0] col;
            col = 32'(ld_idx[DSh-1:0]) * LdBytes + b;
            if (col < D_MAX) begin
              x_mem[TI'(ld_idx >> DSh)][DI'(col)] <= ld_data_i[b*8 +: 8];
            end
          end
        end
        RegWq, RegWk, RegWv, RegWo, RegW2: begin
          for (int unsigned t = 0; t < TpW; t++) begin
            logic [31:0] col;
            col = 32'(ld_idx[DSh-1:0]) * TpW + t;
            if (col < DT) begin
              unique case (ld_region)
                RegWq: wq_mem[DI'(ld_idx >> DSh)][col] <= ld_data_i[t*PE_C*8 +: PE_C*8];
                RegWk: wk_mem[DI'(ld_idx >> DSh)][col] <= ld_data_i[t*PE_C*8 +: PE_C*8];
                RegWv: wv_mem[DI'(ld_idx >> DSh)][col] <= ld_data_i[t*PE_C*8 +: PE_C*8];
                RegWo: wo_mem[DI'(ld_idx >> DSh)][col] <= ld_data_i[t*PE_C*8 +: PE_C*8];
                default: w2_mem[FI'(ld_idx >> DSh)][col] <= ld_data_i[t*PE_C*8 +: PE_C*8];
              endcase
            end
          end
        end
        RegW1: begin
          for (int unsigned t = 0; t < TpW; t++) begin
            logic [31:0] col;
            col = 32'(ld_idx[FSh-1:0]) * TpW + t;
            if (col < FT) begin
              w1_mem[DI'(ld_idx >> FSh)][col] <= ld_data_i[t*PE_C*8 +: PE_C*8];
            end
          end
        end
        default: begin
          for (int unsigned e = 0; e < VpW; e++) begin
            logic [31:0] v;
            logic [31:0] ch;
            v  = ld_data_i[e*32 +: 32];
            ch = 32'(ld_idx) * VpW + e;
            if (ch < F_MAX) begin
              unique case (ld_region)
                RegB1:  b1_mem[FI'(ch)]  <= v;
                RegMf1: mf1_mem[FI'(ch)] <= {v[21:16], v[14:0]};
                RegMg:  mg_mem[FI'(ch)]  <= {v[21:16], v[14:0]};
                default: ;
              endcase
            end
            if (ch < D_MAX) begin
              unique case (ld_region)
                RegBq:   bq_mem[DI'(ch)]   <= v;
                RegBk:   bk_mem[DI'(ch)]   <= v;
                RegBv:   bv_mem[DI'(ch)]   <= v;
                RegBo:   bo_mem[DI'(ch)]   <= v;
                RegB2:   b2_mem[DI'(ch)]   <= v;
                RegMq:   mq_mem[DI'(ch)]   <= {v[21:16], v[14:0]};
                RegMk:   mk_mem[DI'(ch)]   <= {v[21:16], v[14:0]};
                RegMv:   mv_mem[DI'(ch)]   <= {v[21:16], v[14:0]};
                RegMctx: mctx_mem[DI'(ch)] <= {v[21:16], v[14:0]};
                RegMo:   mo_mem[DI'(ch)]   <= {v[21:16], v[14:0]};
                RegMxr:  mxr_mem[DI'(ch)]  <= {v[21:16], v[14:0]};
                RegMf2:  mf2_mem[DI'(ch)]  <= {v[21:16], v[14:0]};
                RegMhr:  mhr_mem[DI'(ch)]  <= {v[21:16], v[14:0]};
                RegPq:   pq_mem[DI'(ch)]   <= v[4:0];
                RegPk:   pk_mem[DI'(ch)]   <= v[4:0];
                RegLn1G: ln1g_mem[DI'(ch)] <= v[15:0];
                RegLn1B: ln1b_mem[DI'(ch)] <= v;
                RegLn2G: ln2g_mem[DI'(ch)] <= v[15:0];
                RegLn2B: ln2b_mem[DI'(ch)] <= v;
                default: ;
              endcase
            end
          end
        end
      endcase
    end
  end

  // ---------------------------------------------------------------------------------
  // GEMM engine and its output path
  // ---------------------------------------------------------------------------------
  typedef enum logic [2:0] {ASrcX, ASrcQ, ASrcP, ASrcCtx, ASrcH1, ASrcG} asrc_e;
  typedef enum logic [2:0] {BSrcWq, BSrcWk, BSrcWv, BSrcWo, BSrcW1, BSrcW2, BSrcKt, BSrcV} bsrc_e;
  typedef enum logic [2:0] {DstQ, DstK, DstV, DstS, DstCtx, DstYo, DstF, DstY2} dst_e;

  asrc_e            job_a_q;
  bsrc_e            job_b_q;
  dst_e             job_dst_q;
  logic [DI-1:0]    job_off_q;        // head offset (scores, P.V, context)
  logic             job_go;           // issue the prepared command this cycle
  logic             job_issued_q;     // the command was accepted
  logic             job_done;         // the job's last result has been written

  logic             g_cmd_valid, g_cmd_ready;
  logic [GMW-1:0]   g_m;
  logic [GNW-1:0]   g_n;
  logic [GKW-1:0]   g_k;
  logic             g_aus;
  logic [T_MAX-1:0] g_row_mask;
  logic [GNT-1:0]   g_ct_mask;
  logic [GK-1:0]    g_k_mask;
  logic [PE_R*TI-1:0] g_a_row;
  logic [GKI-1:0]   g_a_k;
  logic [PE_R*8-1:0] g_a_data;
  logic [GKI-1:0]   g_b_k;
  logic [GTI-1:0]   g_b_tile;
  logic [PE_C*8-1:0] g_b_data;
  logic             g_busy;
  logic [MacW-1:0]  g_macs;
  logic             g_out_valid, g_out_ready;
  logic [GMW-1:0]   g_out_row;
  logic [GTW-1:0]   g_out_ct;
  logic [PE_C*32-1:0] g_out_data;
  logic             g_out_none, g_out_err, g_out_last;

  gemm_core #(
    .PE_R (PE_R), .PE_C (PE_C), .M_MAX (T_MAX), .N_MAX (GN), .K_MAX (GK)
  ) u_gemm (
    .clk_i,
    .rst_ni (dp_rst_n),
    .a_rd_row_o       (g_a_row),
    .a_rd_k_o         (g_a_k),
    .a_rd_data_i      (g_a_data),
    .b_rd_k_o         (g_b_k),
    .b_rd_tile_o      (g_b_tile),
    .b_rd_data_i      (g_b_data),
    .busy_o           (g_busy),
    .macs_o           (g_macs),
    .cmd_valid_i      (g_cmd_valid),
    .cmd_ready_o      (g_cmd_ready),
    .cmd_m_i          (g_m),
    .cmd_n_i          (g_n),
    .cmd_k_i          (g_k),
    .cmd_a_unsigned_i (g_aus),
    .cmd_row_mask_i   (g_row_mask),
    .cmd_ctile_mask_i (g_ct_mask),
    .cmd_k_mask_i     (g_k_mask),
    .out_valid_o      (g_out_valid),
    .out_ready_i      (g_out_ready),
    .out_row_o        (g_out_row),
    .out_ctile_o      (g_out_ct),
    .out_data_o       (g_out_data),
    .out_none_o       (g_out_none),
    .out_err_o        (g_out_err),
    .out_last_o       (g_out_last)
  );

  assign g_cmd_valid = job_go;

  // operand A: PE_R rows at column k (plus the head offset for Q)
  always_comb begin
    for (int unsigned r = 0; r < PE_R; r++) begin
      logic [TI-1:0] row;
      row = g_a_row[r*TI +: TI];
      unique case (job_a_q)
        ASrcX:   g_a_data[r*8 +: 8] = x_mem[row][DI'(g_a_k)];
        ASrcQ:   g_a_data[r*8 +: 8] = q_mem[row][DI'(g_a_k) + job_off_q];
        ASrcP:   g_a_data[r*8 +: 8] = p_mem[row][TI'(g_a_k)];
        ASrcCtx: g_a_data[r*8 +: 8] = ctx_mem[row][DI'(g_a_k)];
        ASrcH1:  g_a_data[r*8 +: 8] = h1_mem[row][DI'(g_a_k)];
        default: g_a_data[r*8 +: 8] = g_mem[row][FI'(g_a_k)];
      endcase
    end
  end

  // operand B: PE_C columns of tile b_tile at row k
  always_comb begin
    g_b_data = '0;
    unique case (job_b_q)
      BSrcWq: g_b_data = wq_mem[DI'(g_b_k)][DtI'(g_b_tile)];
      BSrcWk: g_b_data = wk_mem[DI'(g_b_k)][DtI'(g_b_tile)];
      BSrcWv: g_b_data = wv_mem[DI'(g_b_k)][DtI'(g_b_tile)];
      BSrcWo: g_b_data = wo_mem[DI'(g_b_k)][DtI'(g_b_tile)];
      BSrcW1: g_b_data = w1_mem[DI'(g_b_k)][g_b_tile];
      BSrcW2: g_b_data = w2_mem[FI'(g_b_k)][DtI'(g_b_tile)];
      BSrcKt: begin
        for (int unsigned c = 0; c < PE_C; c++) begin
          g_b_data[c*8 +: 8] = k_mem[TI'(32'(g_b_tile) * PE_C + c)][DI'(g_b_k) + job_off_q];
        end
      end
      default: begin  // V: row = key k, columns = the head's channels
        for (int unsigned c = 0; c < PE_C; c++) begin
          g_b_data[c*8 +: 8] = v_mem[TI'(g_b_k)][DI'(32'(g_b_tile) * PE_C + c) + job_off_q];
        end
      end
    endcase
  end

  // requant A: GEMM results -> INT8/INT16 with per-channel bias and multiplier
  logic                 ra_in_valid, ra_in_ready;
  logic [PE_C*52-1:0]   ra_acc;
  logic [PE_C*32-1:0]   ra_bias;
  logic [PE_C*15-1:0]   ra_mult;
  logic [PE_C*6-1:0]    ra_shift;
  logic                 ra_out16;
  logic [TagW-1:0]      ra_tag_in, ra_tag;
  logic                 ra_out_valid, ra_out_ready, ra_last;
  logic [PE_C*16-1:0]   ra_y;

  always_comb begin
    for (int unsigned c = 0; c < PE_C; c++) begin
      logic [FI-1:0] ch;
      logic [20:0]  m;
      logic [31:0]  b;
      ch = FI'(32'(g_out_ct) * PE_C + c);
      unique case (job_dst_q)
        DstQ:    begin m = mq_mem[DI'(ch)];               b = bq_mem[DI'(ch)]; end
        DstK:    begin m = mk_mem[DI'(ch)];               b = bk_mem[DI'(ch)]; end
        DstV:    begin m = mv_mem[DI'(ch)];               b = bv_mem[DI'(ch)]; end
        DstCtx:  begin m = mctx_mem[DI'(ch) + job_off_q]; b = '0;              end
        DstYo:   begin m = mo_mem[DI'(ch)];               b = bo_mem[DI'(ch)]; end
        DstF:    begin m = mf1_mem[FI'(ch)];              b = b1_mem[FI'(ch)]; end
        default: begin m = mf2_mem[DI'(ch)];              b = b2_mem[DI'(ch)]; end
      endcase
      ra_acc[c*52 +: 52]  = 52'($signed(g_out_data[c*32 +: 32]));
      ra_bias[c*32 +: 32] = b;
      ra_mult[c*15 +: 15] = m[14:0];
      ra_shift[c*6 +: 6]  = m[20:15];
    end
  end

  assign ra_out16    = (job_dst_q == DstYo) || (job_dst_q == DstF) || (job_dst_q == DstY2);
  assign ra_tag_in   = {g_out_none, TI'(g_out_row), GTI'(g_out_ct)};
  assign ra_in_valid = g_out_valid && (job_dst_q != DstS);
  assign g_out_ready = (job_dst_q == DstS) ? 1'b1 : ra_in_ready;

  requant #(.LANES(PE_C), .IN_W(52), .BIAS_W(32), .MULT_W(15), .SH_W(6), .TAG_W(TagW)) u_rq_a (
    .clk_i, .rst_ni (dp_rst_n),
    .in_valid_i (ra_in_valid), .in_ready_o (ra_in_ready), .in_acc_i (ra_acc), .in_bias_i (ra_bias),
    .in_mult_i (ra_mult), .in_shift_i (ra_shift), .in_out16_i (ra_out16), .in_last_i (g_out_last),
    .in_tag_i (ra_tag_in),
    .out_valid_o (ra_out_valid), .out_ready_i (ra_out_ready), .out_data_o (ra_y), .out_last_o (ra_last),
    .out_tag_o (ra_tag)
  );

  // GELU and requant B (GELU output; also the residual passes of LN1/LN2)
  logic                 gl_in_ready, gl_out_valid, gl_out_ready, gl_last, gl_err;
  logic [PE_C*52-1:0]   gl_t;
  logic [TagW-1:0]      gl_tag;
  logic                 rb_in_valid, rb_in_ready, rb_last;
  logic [PE_C*52-1:0]   rb_acc;
  logic [PE_C*15-1:0]   rb_mult;
  logic [PE_C*6-1:0]    rb_shift;
  logic                 rb_out16;
  logic [TagW-1:0]      rb_tag_in, rb_tag;
  logic                 rb_out_valid;
  logic [PE_C*16-1:0]   rb_y;
  // residual pass feeder (LN1/LN2)
  logic                 rp_valid;
  logic [TI-1:0]        rp_row;
  logic [GTI-1:0]       rp_ct;
  logic                 rp_last;
  logic                 rp_mode;        // 1: residual pass drives requant B

  assign ra_out_ready = (job_dst_q == DstF) ? gl_in_ready : 1'b1;
  assign rp_last      = (32'(rp_row) == 32'(cfg_t) - 1) && (32'(rp_ct) == 32'(cfg_d) / PE_C - 1);

  gelu #(.LANES(PE_C), .IN_W(16), .QB_W(18), .QC_W(32), .TAG_W(TagW)) u_gelu (
    .clk_i, .rst_ni (dp_rst_n),
    .in_valid_i (ra_out_valid && (job_dst_q == DstF)), .in_ready_o (gl_in_ready), .in_q_i (ra_y),
    .in_qb_i (cfg_qb), .in_qc_i (cfg_qc), .in_last_i (ra_last), .in_tag_i (ra_tag),
    .out_valid_o (gl_out_valid), .out_ready_i (gl_out_ready), .out_t_o (gl_t), .out_err_o (gl_err),
    .out_last_o (gl_last), .out_tag_o (gl_tag)
  );

  assign gl_out_ready = !rp_mode && rb_in_ready;

  always_comb begin
    for (int unsigned c = 0; c < PE_C; c++) begin
      logic [FI-1:0] ch;
      logic [20:0]  m;
      if (rp_mode) begin
        ch = FI'(32'(rp_ct) * PE_C + c);
        m  = (stage_q == SLn1) ? mxr_mem[DI'(ch)] : mhr_mem[DI'(ch)];
        rb_acc[c*52 +: 52] = (stage_q == SLn1) ? 52'($signed(x_mem[rp_row][DI'(ch)]))
                                               : 52'($signed(h1_mem[rp_row][DI'(ch)]));
      end else begin
        ch = FI'(32'(gl_tag[GTI-1:0]) * PE_C + c);
        m  = mg_mem[FI'(ch)];
        rb_acc[c*52 +: 52] = gl_t[c*52 +: 52];
      end
      rb_mult[c*15 +: 15] = m[14:0];
      rb_shift[c*6 +: 6]  = m[20:15];
    end
  end

  assign rb_in_valid = rp_mode ? rp_valid : gl_out_valid;
  assign rb_out16    = rp_mode;
  assign rb_tag_in   = rp_mode ? {1'b0, rp_row, rp_ct} : gl_tag;

  requant #(.LANES(PE_C), .IN_W(52), .BIAS_W(32), .MULT_W(15), .SH_W(6), .TAG_W(TagW)) u_rq_b (
    .clk_i, .rst_ni (dp_rst_n),
    .in_valid_i (rb_in_valid), .in_ready_o (rb_in_ready), .in_acc_i (rb_acc), .in_bias_i ('0),
    .in_mult_i (rb_mult), .in_shift_i (rb_shift), .in_out16_i (rb_out16),
    .in_last_i (rp_mode ? rp_last : gl_last), .in_tag_i (rb_tag_in),
    .out_valid_o (rb_out_valid), .out_ready_i (1'b1), .out_data_o (rb_y), .out_last_o (rb_last),
    .out_tag_o (rb_tag)
  );

  // write-back of GEMM-path results; job completion
  always_ff @(posedge clk_i) begin
    // scores: straight from the engine
    if (g_out_valid && g_out_ready && job_dst_q == DstS && !g_out_none) begin
      for (int unsigned c = 0; c < PE_C; c++) begin
        if (32'(g_out_ct) * PE_C + c < T_MAX) begin
          s_mem[TI'(g_out_row)][TI'(32'(g_out_ct) * PE_C + c)] <= g_out_data[c*32 +: 32];
        end
      end
    end
    // requant A results
    if (ra_out_valid && ra_out_ready && job_dst_q != DstF && !ra_tag[TagW-1]) begin
      for (int unsigned c = 0; c < PE_C; c++) begin
        logic [TI-1:0] row;
        logic [31:0]   ch;
        row = ra_tag[GTI +: TI];
        ch  = 32'(ra_tag[GTI-1:0]) * PE_C + c;
        if (ch < D_MAX) begin
          unique case (job_dst_q)
            DstQ:   q_mem[row][DI'(ch)] <= ra_y[c*16 +: 8];
            DstK:   k_mem[row][DI'(ch)] <= ra_y[c*16 +: 8];
            DstV:   v_mem[row][DI'(ch)] <= ra_y[c*16 +: 8];
            DstCtx: ctx_mem[row][DI'(ch) + job_off_q] <= ra_y[c*16 +: 8];
            DstYo:  yo_mem[row][DI'(ch)] <= ra_y[c*16 +: 16];
            DstY2:  y2_mem[row][DI'(ch)] <= ra_y[c*16 +: 16];
            default: ;
          endcase
        end
      end
    end
    // requant B results: GELU output or a residual pass
    if (rb_out_valid && !rb_tag[TagW-1]) begin
      for (int unsigned c = 0; c < PE_C; c++) begin
        logic [TI-1:0] row;
        logic [31:0]   ch;
        row = rb_tag[GTI +: TI];
        ch  = 32'(rb_tag[GTI-1:0]) * PE_C + c;
        if (rp_mode) begin
          if (ch < D_MAX) begin
            xr_mem[row][DI'(ch)] <= rb_y[c*16 +: 16];
          end
        end else if (ch < F_MAX) begin
          g_mem[row][FI'(ch)] <= rb_y[c*16 +: 8];
        end
      end
    end
  end

  assign job_done = job_issued_q && (
      (job_dst_q == DstS && g_out_valid && g_out_ready && g_out_last) ||
      (job_dst_q == DstF && rb_out_valid && rb_last && !rp_mode) ||
      (job_dst_q != DstS && job_dst_q != DstF && ra_out_valid && ra_out_ready && ra_last));

  logic unused_gemm;
  assign unused_gemm = ^{g_out_err, gl_err, g_busy, g_out_row[GMW-1]};

  // ---------------------------------------------------------------------------------
  // Prediction path: spls_predict -> (Q^/K^ or) topk -> local_sim
  // ---------------------------------------------------------------------------------
  localparam int unsigned PL = PRED_LANES;
  localparam int unsigned PE = PRED_ELEMS;

  logic                  pr_in_valid, pr_in_ready, pr_in_last;
  logic [PE*8-1:0]       pr_a;
  logic [PL*PE*8-1:0]    pr_b;
  logic                  pr_out_valid, pr_out_ready;
  logic [PL*32-1:0]      pr_sum;
  logic                  pr_pam_q;       // 0: Q^/K^ prediction, 1: PAM rows
  // feeder counters
  logic [TI-1:0]         pf_row;
  logic                  pf_sel;         // 0: Q^, 1: K^
  logic [DI-1:0]         pf_ct;          // channel group (PL channels) / key group (PAM)
  logic [HW-1:0]         pf_h;
  logic [DI-1:0]         pf_e;           // element group (PE elements)
  logic                  pf_done;
  // consumer counters (Q^/K^)
  logic [TI-1:0]         pc_row;
  logic                  pc_sel;
  logic [DI-1:0]         pc_ct;
  logic                  pc_done;

  spls_predict #(.LANES(PL), .ELEMS(PE), .ACC_W(32), .ROUND(1'b0)) u_pred (
    .clk_i, .rst_ni (dp_rst_n),
    .in_valid_i (pr_in_valid), .in_ready_o (pr_in_ready), .in_a_i (pr_a), .in_b_i (pr_b),
    .in_last_i (pr_in_last),
    .out_valid_o (pr_out_valid), .out_ready_i (pr_out_ready), .out_sum_o (pr_sum)
  );

  // operands of the current prediction beat
  always_comb begin
    pr_a = '0;
    pr_b = '0;
    for (int unsigned e = 0; e < PE; e++) begin
      logic [31:0] kk;
      logic [31:0] ch;
      logic [31:0] j;
      if (stage_q != SPred) break;  // (simulation speed: nothing to fetch otherwise)
      ch = '0;
      j  = '0;
      if (!pr_pam_q) begin
        kk = 32'(pf_e) * PE + e;                          // input channel
        if (kk < 32'(cfg_d)) begin
          pr_a[e*8 +: 8] = x_mem[pf_row][DI'(kk)];
          for (int unsigned l = 0; l < PL; l++) begin
            ch = 32'(pf_ct) * PL + l;                     // output channel
            if (ch < 32'(cfg_d)) begin
              pr_b[(l*PE+e)*8 +: 8] = pf_sel ? wk_mem[DI'(kk)][DtI'(ch / PE_C)][(ch % PE_C)*8 +: 8]
                                             : wq_mem[DI'(kk)][DtI'(ch / PE_C)][(ch % PE_C)*8 +: 8];
            end
          end
        end
      end else begin
        kk = 32'(pf_h) * HEAD_DIM + 32'(pf_e) * PE + e;   // channel of the head
        pr_a[e*8 +: 8] = qh_mem[pf_row][DI'(kk)];
        for (int unsigned l = 0; l < PL; l++) begin
          j = 32'(pf_ct) * PL + l;                        // key
          if (j < 32'(cfg_t)) begin
            pr_b[(l*PE+e)*8 +: 8] = kh_mem[TI'(j)][DI'(kk)];
          end
        end
      end
    end
  end

  logic [31:0] pf_e_last;     // element groups per packet - 1
  logic [31:0] pf_ct_last;    // channel / key groups - 1
  assign pf_e_last  = pr_pam_q ? (HEAD_DIM / PE) - 1 : (32'(cfg_d) + PE - 1) / PE - 1;
  assign pf_ct_last = pr_pam_q ? (32'(cfg_t) + PL - 1) / PL - 1 : (32'(cfg_d) + PL - 1) / PL - 1;
  assign pr_in_valid = (stage_q == SPred) && !pf_done && (step_q == 4'd1 || step_q == 4'd3);
  assign pr_in_last  = (32'(pf_e) == pf_e_last);

  // Q^/K^ results: + bias, shift-only requant to INT8
  always_ff @(posedge clk_i) begin
    if (pr_out_valid && pr_out_ready && !pr_pam_q) begin
      for (int unsigned l = 0; l < PL; l++) begin
        logic [31:0]        ch;
        logic signed [33:0] s;
        logic signed [33:0] r;
        logic [4:0]         sh;
        ch = 32'(pc_ct) * PL + l;
        if (ch < D_MAX) begin
          sh = pc_sel ? pk_mem[DI'(ch)] : pq_mem[DI'(ch)];
          s  = 34'($signed(pr_sum[l*32 +: 32])) + 34'($signed(pc_sel ? bk_mem[DI'(ch)] : bq_mem[DI'(ch)]));
          r  = (sh == '0) ? s : ((s + (34'sd1 <<< (sh - 5'd1))) >>> sh);
          if (pc_sel) begin
            kh_mem[pc_row][DI'(ch)] <= (r > 34'sd127) ? 8'sd127 : (r < -34'sd128) ? -8'sd128 : r[7:0];
          end else begin
            qh_mem[pc_row][DI'(ch)] <= (r > 34'sd127) ? 8'sd127 : (r < -34'sd128) ? -8'sd128 : r[7:0];
          end
        end
      end
    end
  end

  // top-k of PAM rows, then local similarity
  logic              tk_in_valid, tk_in_ready, tk_in_last;
  logic [DI-1:0]     tk_grp;           // key group of the next topk input beat
  logic              tk_out_valid, tk_out_ready, tk_err;
  logic [T_MAX-1:0]  tk_keep;
  logic [TI-1:0]     tk_row;           // row and head of the next topk result
  logic [HW-1:0]     tk_h;
  logic              ls_out_valid, ls_kind, ls_err, ls_last;
  logic [TW-1:0]     ls_row, ls_rep;
  logic [OvW-1:0]    ls_ov;
  logic [T_MAX-1:0]  ls_mask;
  logic              ls_in_ready;

  assign tk_in_valid  = pr_out_valid && pr_pam_q;
  assign tk_in_last   = (32'(tk_grp) == pf_ct_last);
  assign pr_out_ready = pr_pam_q ? tk_in_ready : 1'b1;

  topk #(.T_MAX(T_MAX), .LANES(PL), .W(24)) u_topk (
    .clk_i, .rst_ni (dp_rst_n),
    .in_valid_i (tk_in_valid), .in_ready_o (tk_in_ready),
    .in_data_i (pack24(pr_sum)), .in_len_i (TW'(cfg_t)), .in_k_i (cfg_k), .in_last_i (tk_in_last),
    .out_valid_o (tk_out_valid), .out_ready_i (tk_out_ready), .out_keep_o (tk_keep), .out_err_o (tk_err)
  );

  function automatic logic [PL*24-1:0] pack24(logic [PL*32-1:0] v);
    for (int unsigned l = 0; l < PL; l++) begin
      pack24[l*24 +: 24] = v[l*32 +: 24];
    end
  endfunction

  assign tk_out_ready = ls_in_ready;

  local_sim #(.T_MAX(T_MAX), .H_MAX(H_MAX)) u_lsim (
    .clk_i, .rst_ni (dp_rst_n),
    .in_valid_i (tk_out_valid), .in_ready_o (ls_in_ready), .in_mask_i (tk_keep),
    .in_head_last_i (32'(tk_h) == 32'(cfg_h) - 1),
    .in_last_i (32'(tk_h) == 32'(cfg_h) - 1 && 32'(tk_row) == 32'(cfg_t) - 1),
    .in_window_i (cfg_w), .in_thr_i (cfg_thr), .in_heads_i (($clog2(H_MAX + 2))'(cfg_h)),
    .out_valid_o (ls_out_valid), .out_ready_i (1'b1), .out_kind_o (ls_kind), .out_row_o (ls_row),
    .out_rep_o (ls_rep), .out_overlap_o (ls_ov), .out_mask_o (ls_mask), .out_err_o (ls_err),
    .out_last_o (ls_last)
  );

  always_ff @(posedge clk_i) begin
    if (tk_out_valid && tk_out_ready) begin
      keep_mem[HI'(tk_h)][tk_row] <= tk_keep;
    end
    if (ls_out_valid && !ls_err) begin
      if (!ls_kind) begin
        rep_mem[TI'(ls_row)] <= TI'(ls_rep);
      end else begin
        col_mem[HI'(ls_row)] <= ls_mask;
      end
    end
  end

  logic unused_pred;
  assign unused_pred = ^{tk_err, ls_ov};

  // ---------------------------------------------------------------------------------
  // Softmax feeder (attention)
  // ---------------------------------------------------------------------------------
  localparam int unsigned SmL = PE_C;
  logic               sm_in_valid, sm_in_ready, sm_in_last;
  logic [SmL*32-1:0]  sm_score;
  logic [SmL-1:0]     sm_keep;
  logic               sm_out_valid, sm_out_err, sm_out_last;
  logic [SmL*8-1:0]   sm_p;
  logic [TI-1:0]      sf_row;          // row being fed
  logic [DI-1:0]      sf_c;            // chunk being fed
  logic               sf_done;
  logic [TI-1:0]      sc_row;          // row being written back (one row in flight at a time)
  logic [DI-1:0]      sc_c;
  logic               sm_busy;         // a fed row has not come back yet
  logic [31:0]        sm_chunks_last;

  assign sm_chunks_last = (32'(cfg_t) + SmL - 1) / SmL - 1;

  always_comb begin
    sm_score = '0;
    sm_keep  = '0;
    for (int unsigned l = 0; l < SmL; l++) begin
      logic [31:0] j;
      if (stage_q != SAttn) break;
      j = 32'(sf_c) * SmL + l;
      sm_score[l*32 +: 32] = (j < T_MAX) ? s_mem[sf_row][TI'(j)] : '0;
      sm_keep[l] = (j < 32'(cfg_t)) && (!cfg_sparse || keep_mem[HI'(head_q)][sf_row][TI'(j)]);
    end
  end

  assign sm_in_last = (32'(sf_c) == sm_chunks_last);

  softmax #(.T_MAX(T_MAX), .LANES(SmL), .IN_W(32)) u_softmax (
    .clk_i, .rst_ni (dp_rst_n),
    .in_valid_i (sm_in_valid), .in_ready_o (sm_in_ready), .in_score_i (sm_score), .in_keep_i (sm_keep),
    .in_len_i (TW'(cfg_t)), .in_mult_i (cfg_sm_mult), .in_shift_i (cfg_sm_shift), .in_last_i (sm_in_last),
    .out_valid_o (sm_out_valid), .out_ready_i (1'b1), .out_p_o (sm_p), .out_err_o (sm_out_err),
    .out_last_o (sm_out_last)
  );

  always_ff @(posedge clk_i) begin
    if (sm_out_valid && !sm_out_err) begin
      for (int unsigned l = 0; l < SmL; l++) begin
        if (32'(sc_c) * SmL + l < T_MAX) begin
          p_mem[sc_row][TI'(32'(sc_c) * SmL + l)] <= sm_p[l*8 +: 8];
        end
      end
    end
  end

  // ---------------------------------------------------------------------------------
  // LayerNorm feeder (LN1 / LN2)
  // ---------------------------------------------------------------------------------
  localparam int unsigned LnL = PE_C;
  logic               ln_in_valid, ln_in_ready, ln_in_last;
  logic [LnL*18-1:0]  ln_r;
  logic [LnL*16-1:0]  ln_g;
  logic [LnL*32-1:0]  ln_b;
  logic               ln_out_valid, ln_out_err, ln_out_last;
  logic [LnL*8-1:0]   ln_y;
  logic [TI-1:0]      lf_row, lc_row;
  logic [DI-1:0]      lf_c, lc_c;
  logic               lf_done;
  logic               ln_busy;         // a fed row has not come back yet (one at a time)
  logic [31:0]        ln_chunks_last;
  logic [TI-1:0]      lf_src;          // row whose attention / FFN result this row uses

  assign ln_chunks_last = 32'(cfg_d) / LnL - 1;
  assign lf_src = (stage_q == SLn1) ? (cfg_sparse ? rep_mem[lf_row] : lf_row)
                                    : ((cfg_sparse && cfg_ffn_reuse) ? rep_mem[lf_row] : lf_row);

  always_comb begin
    ln_r = '0;
    ln_g = '0;
    ln_b = '0;
    for (int unsigned l = 0; l < LnL; l++) begin
      logic [DI-1:0] ch;
      logic [15:0]   y;
      if (stage_q != SLn1 && stage_q != SLn2) break;
      ch = DI'(32'(lf_c) * LnL + l);
      y  = (stage_q == SLn1) ? yo_mem[lf_src][DI'(ch)] : y2_mem[lf_src][DI'(ch)];
      ln_r[l*18 +: 18] = 18'($signed(y)) + 18'($signed(xr_mem[lf_row][DI'(ch)]));
      ln_g[l*16 +: 16] = (stage_q == SLn1) ? ln1g_mem[DI'(ch)] : ln2g_mem[DI'(ch)];
      ln_b[l*32 +: 32] = (stage_q == SLn1) ? ln1b_mem[DI'(ch)] : ln2b_mem[DI'(ch)];
    end
  end

  assign ln_in_last = (32'(lf_c) == ln_chunks_last);

  layernorm #(.N_MAX(D_MAX), .LANES(LnL), .IN_W(18), .G_W(16), .B_W(32)) u_ln (
    .clk_i, .rst_ni (dp_rst_n),
    .in_valid_i (ln_in_valid), .in_ready_o (ln_in_ready), .in_r_i (ln_r), .in_g_i (ln_g), .in_b_i (ln_b),
    .in_len_i (($clog2(D_MAX + 1))'(cfg_d)), .in_gf_i ((stage_q == SLn1) ? cfg_gf1 : cfg_gf2),
    .in_last_i (ln_in_last),
    .out_valid_o (ln_out_valid), .out_ready_i (1'b1), .out_y_o (ln_y), .out_err_o (ln_out_err),
    .out_last_o (ln_out_last)
  );

  always_ff @(posedge clk_i) begin
    if (ln_out_valid && !ln_out_err) begin
      for (int unsigned l = 0; l < LnL; l++) begin
        if (32'(lc_c) * LnL + l < D_MAX) begin
          if (stage_q == SLn1) begin
            h1_mem[lc_row][DI'(32'(lc_c) * LnL + l)] <= ln_y[l*8 +: 8];
          end else begin
            out_mem[lc_row][DI'(32'(lc_c) * LnL + l)] <= ln_y[l*8 +: 8];
          end
        end
      end
    end
  end


  // ---------------------------------------------------------------------------------
  // Output / dump streamer
  // ---------------------------------------------------------------------------------
  logic [OI-1:0]   of_row;                // up to H_MAX*T_MAX rows (keep-mask dump)
  logic [7:0]      of_w;
  logic            of_valid_q;
  logic [LdW-1:0]  of_data;
  logic [31:0]     of_rows, of_words;     // geometry of the streamed buffer
  logic [7:0]      of_tag;

  always_comb begin
    of_rows  = 32'(cfg_t);
    of_words = (32'(cfg_d) + LdBytes - 1) / LdBytes;
    of_data  = '0;
    of_tag   = (stage_q == SDump) ? dump_sel_q + 8'd1 : 8'd0;
    if (stage_q == SDump) begin
      unique case (dump_sel_q)
        8'd0: begin  // reuse map: one byte per row
          of_rows  = (32'(cfg_t) + LdBytes - 1) / LdBytes;
          of_words = 1;
        end
        8'd1, 8'd2: begin  // column-needed masks (H beats) / keep masks (H*T beats)
          of_rows  = (dump_sel_q == 8'd1) ? 32'(cfg_h) : 32'(cfg_h) * 32'(cfg_t);
          of_words = 1;
        end
        8'd9: of_words = (32'(cfg_f) + LdBytes - 1) / LdBytes;
        default: ;
      endcase
    end
    for (int unsigned b = 0; b < LdBytes; b++) begin
      logic [31:0] col;
      if (stage_q != SOut && stage_q != SDump) break;
      col = 32'(of_w) * LdBytes + b;
      if (stage_q == SOut) begin
        if (col < 32'(cfg_d)) of_data[b*8 +: 8] = out_mem[TI'(of_row)][DI'(col)];
      end else begin
        unique case (dump_sel_q)
          8'd0: begin
            if (32'(of_row) * LdBytes + b < 32'(cfg_t)) begin
              of_data[b*8 +: 8] = 8'(cfg_sparse ? rep_mem[TI'(32'(of_row) * LdBytes + b)]
                                                : TI'(32'(of_row) * LdBytes + b));
            end
          end
          8'd1: if (b < T_MAX / 8) of_data[b*8 +: 8] = cfg_sparse ? col_mem[HI'(of_row)][b*8 +: 8] : 8'hff;
          8'd2: if (b < T_MAX / 8) of_data[b*8 +: 8] =
                    keep_mem[HI'(32'(of_row) / 32'(cfg_t))][TI'(32'(of_row) % 32'(cfg_t))][b*8 +: 8];
          8'd3: if (col < 32'(cfg_d)) of_data[b*8 +: 8] = q_mem[TI'(of_row)][DI'(col)];
          8'd4: if (col < 32'(cfg_d)) of_data[b*8 +: 8] = k_mem[TI'(of_row)][DI'(col)];
          8'd5: if (col < 32'(cfg_d)) of_data[b*8 +: 8] = v_mem[TI'(of_row)][DI'(col)];
          8'd6: if (col < 32'(cfg_d)) of_data[b*8 +: 8] = ctx_mem[TI'(of_row)][DI'(col)];
          8'd7: if (col < 32'(cfg_d)) of_data[b*8 +: 8] = h1_mem[TI'(of_row)][DI'(col)];
          8'd8: if (col < 32'(cfg_d)) of_data[b*8 +: 8] = out_mem[TI'(of_row)][DI'(col)];
          8'd9: if (col < 32'(cfg_f)) of_data[b*8 +: 8] = g_mem[TI'(of_row)][FI'(col)];
          8'd10: if (col < 32'(cfg_d)) of_data[b*8 +: 8] = qh_mem[TI'(of_row)][DI'(col)];
          8'd11: if (col < 32'(cfg_d)) of_data[b*8 +: 8] = kh_mem[TI'(of_row)][DI'(col)];
          default: ;
        endcase
      end
    end
  end

  assign out_valid_o = of_valid_q;
  assign out_tag_o   = of_tag;
  assign out_last_o  = (32'(of_row) == of_rows - 1) && (32'(of_w) == of_words - 1);

  assign out_data_o = of_data;

  // ---------------------------------------------------------------------------------
  // Controller
  // ---------------------------------------------------------------------------------
  logic [T_MAX-1:0] all_rows;
  logic [T_MAX-1:0] ffn_rows;
  logic [GNT-1:0]   head_ct_mask;      // key tiles some representative keeps (this head)
  logic [GK-1:0]    head_k_mask;

  always_comb begin
    for (int unsigned i = 0; i < T_MAX; i++) begin
      all_rows[i] = (32'(i) < 32'(cfg_t));
    end
    ffn_rows = (cfg_sparse && cfg_ffn_reuse) ? (rep_mask_q & all_rows) : all_rows;
    head_ct_mask = '0;
    head_k_mask  = '0;
    for (int unsigned j = 0; j < T_MAX; j++) begin
      if (stage_q != SAttn) break;
      if (32'(j) < 32'(cfg_t) && (!cfg_sparse || col_mem[HI'(head_q)][j])) begin
        head_ct_mask[j / PE_C] = 1'b1;
        head_k_mask[j]         = 1'b1;
      end
    end
  end

  // configuration check of a start request
  always_comb begin
    err_bits    = '0;
    err_bits[0] = (hwif_out.dim0.seq_len.value == '0) || (32'(hwif_out.dim0.seq_len.value) > T_MAX);
    err_bits[1] = (hwif_out.dim0.hidden.value == '0) || (32'(hwif_out.dim0.hidden.value) > D_MAX) ||
                  (32'(hwif_out.dim0.hidden.value) != 32'(hwif_out.dim1.heads.value) * HEAD_DIM);
    err_bits[2] = (hwif_out.dim1.heads.value == '0) || (32'(hwif_out.dim1.heads.value) > H_MAX);
    err_bits[3] = (hwif_out.dim1.ffn.value == '0) || (32'(hwif_out.dim1.ffn.value) > F_MAX) ||
                  (32'(hwif_out.dim1.ffn.value) % PE_C != 0);
    err_bits[4] = hwif_out.ctrl.sparse.value &&
                  ((hwif_out.spls0.topk.value == '0) || (hwif_out.spls0.topk.value > hwif_out.dim0.seq_len.value));
    err_bits[5] = hwif_out.ctrl.sparse.value && (hwif_out.spls0.window.value == '0);
  end
  assign cfg_bad = |err_bits[5:0];

  // per-stage progress (each stage is a short sequence of steps)
  logic [31:0] rp_rows_last;
  assign rp_rows_last = 32'(cfg_t) - 1;

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      stage_q      <= SIdle;
      step_q       <= '0;
      head_q       <= '0;
      job_issued_q <= 1'b0;
      of_valid_q   <= 1'b0;
      rp_valid     <= 1'b0;
      rp_mode      <= 1'b0;
      sm_in_valid  <= 1'b0;
      ln_in_valid  <= 1'b0;
      cycles_q     <= '0;
      exec_macs_q  <= '0;
      rep_mask_q   <= '0;
      kv_mask_q    <= '0;
      abort_q      <= 1'b0;
      bg_step_q    <= '0;
      pred_done_q  <= 1'b0;
      for (int unsigned s = 0; s < 8; s++) stage_cyc_q[s] <= '0;
    end else begin
      // ------------------------------------------------------------- counters
      if (busy && stage_q != SOut && stage_q != SDump) begin
        cycles_q <= cycles_q + 32'd1;
      end
      if (busy && stage_q != SDump && 32'(stage_q) >= 1 && 32'(stage_q) <= 8) begin
        stage_cyc_q[3'(32'(stage_q) - 1)] <= stage_cyc_q[3'(32'(stage_q) - 1)] + 32'd1;
      end
      exec_macs_q <= exec_macs_q + 64'(g_macs);
      // representative / needed-row masks follow the local-similarity results
      if (ls_out_valid && !ls_err) begin
        if (!ls_kind) begin
          rep_mask_q[TI'(ls_row)] <= (ls_rep == ls_row);
        end else begin
          kv_mask_q <= kv_mask_q | ls_mask;
        end
      end

      // ------------------------------------------------------------- start / abort
      abort_q <= 1'b0;
      if ((start || dump_req) && busy && stage_q != SOut && stage_q != SDump) begin
        abort_q      <= 1'b1;
        bg_step_q    <= '0;
        stage_q      <= SIdle;          // abort a computation: nothing is streamed
        of_valid_q   <= 1'b0;
        job_issued_q <= 1'b0;
        rp_valid     <= 1'b0;
        rp_mode      <= 1'b0;
        sm_in_valid  <= 1'b0;
        ln_in_valid  <= 1'b0;
      end else if (stage_q == SIdle && start && !cfg_bad) begin
        cfg_t         <= hwif_out.dim0.seq_len.value;
        cfg_d         <= hwif_out.dim0.hidden.value;
        cfg_h         <= hwif_out.dim1.heads.value;
        cfg_f         <= hwif_out.dim1.ffn.value;
        cfg_k         <= TW'(hwif_out.spls0.topk.value);
        // windows and thresholds beyond what T_MAX rows can reach saturate (same meaning)
        cfg_w         <= (32'(hwif_out.spls0.window.value) > T_MAX) ? TW'(T_MAX) : TW'(hwif_out.spls0.window.value);
        cfg_thr       <= (32'(hwif_out.spls1.thr.value) >= (1 << OvW)) ? '1 : OvW'(hwif_out.spls1.thr.value);
        cfg_sparse    <= hwif_out.ctrl.sparse.value;
        cfg_ffn_reuse <= hwif_out.ctrl.ffn_reuse.value;
        cfg_overlap   <= hwif_out.ctrl.overlap.value;
        cfg_sm_mult   <= hwif_out.softmax.mult.value;
        cfg_sm_shift  <= hwif_out.softmax.shift.value;
        cfg_qb        <= hwif_out.gelu0.qb.value;
        cfg_qc        <= hwif_out.gelu1.qc.value;
        cfg_gf1       <= hwif_out.ln.ln1_gf.value;
        cfg_gf2       <= hwif_out.ln.ln2_gf.value;
        cycles_q      <= '0;
        exec_macs_q   <= '0;
        for (int unsigned s = 0; s < 8; s++) stage_cyc_q[s] <= '0;
        rep_mask_q    <= '0;
        kv_mask_q     <= '0;
        stage_q       <= hwif_out.ctrl.sparse.value ? SPred : SQkv;
        pred_done_q   <= 1'b0;
        bg_step_q     <= (hwif_out.ctrl.sparse.value && hwif_out.ctrl.overlap.value) ? 3'd1 : 3'd0;
        step_q        <= '0;
        if (!hwif_out.ctrl.sparse.value) begin
          rep_mask_q <= '1;
          kv_mask_q  <= '1;
        end
      end else if (stage_q == SIdle && dump_req && !hwif_out.debug.sel.value[7] &&
                   hwif_out.debug.sel.value <= 8'd11) begin
        dump_sel_q <= hwif_out.debug.sel.value;
        stage_q    <= SDump;
        step_q     <= '0;
        of_row     <= '0;
        of_w       <= '0;
      end else begin
        unique case (stage_q)
          // ----------------------------------------------------------- prediction
          SPred: begin
            // progressive generation (CTRL.overlap): the GEMM engine generates K and V
            // for every row while the prediction unit works; they do not depend on it
            unique case (bg_step_q)
              3'd1, 3'd3: begin
                job_a_q   <= ASrcX;
                job_b_q   <= (bg_step_q == 3'd1) ? BSrcWk : BSrcWv;
                job_dst_q <= (bg_step_q == 3'd1) ? DstK : DstV;
                job_off_q <= '0;
                g_m <= GMW'(cfg_t); g_n <= GNW'(cfg_d); g_k <= GKW'(cfg_d); g_aus <= 1'b0;
                g_row_mask <= all_rows; g_ct_mask <= '1; g_k_mask <= '1;
                bg_step_q <= bg_step_q + 3'd1;
              end
              3'd2, 3'd4: begin
                if (job_go && g_cmd_ready) job_issued_q <= 1'b1;
                if (job_done) begin
                  job_issued_q <= 1'b0;
                  bg_step_q    <= bg_step_q + 3'd1;
                end
              end
              default: ;
            endcase
            if (pred_done_q && (!cfg_overlap || bg_step_q == 3'd5)) begin
              stage_q <= SQkv;
              step_q  <= '0;
            end
            unique case (step_q)
              4'd0: begin  // Q^/K^ prediction
                pr_pam_q <= 1'b0;
                {pf_row, pf_sel, pf_ct, pf_e, pf_h, pf_done} <= '0;
                {pc_row, pc_sel, pc_ct, pc_done} <= '0;
                step_q <= 4'd1;
              end
              4'd1: begin
                if (pr_in_valid && pr_in_ready) begin
                  // element group -> channel group -> Q/K -> row
                  if (32'(pf_e) == pf_e_last) begin
                    pf_e <= '0;
                    if (32'(pf_ct) == pf_ct_last) begin
                      pf_ct <= '0;
                      pf_sel <= !pf_sel;
                      if (pf_sel) begin
                        if (32'(pf_row) == 32'(cfg_t) - 1) pf_done <= 1'b1;
                        else pf_row <= pf_row + TI'(1);
                      end
                    end else begin
                      pf_ct <= pf_ct + DI'(1);
                    end
                  end else begin
                    pf_e <= pf_e + DI'(1);
                  end
                end
                if (pr_out_valid && pr_out_ready) begin
                  if (32'(pc_ct) == pf_ct_last) begin
                    pc_ct  <= '0;
                    pc_sel <= !pc_sel;
                    if (pc_sel) begin
                      if (32'(pc_row) == 32'(cfg_t) - 1) pc_done <= 1'b1;
                      else pc_row <= pc_row + TI'(1);
                    end
                  end else begin
                    pc_ct <= pc_ct + DI'(1);
                  end
                end
                if (pc_done) step_q <= 4'd2;
              end
              4'd2: begin  // PAM rows -> topk -> local similarity
                pr_pam_q <= 1'b1;
                {pf_row, pf_ct, pf_e, pf_h, pf_done} <= '0;
                tk_grp <= '0;
                {tk_row, tk_h} <= '0;
                step_q <= 4'd3;
              end
              4'd3: begin
                if (pr_in_valid && pr_in_ready) begin
                  // element group -> key group -> head -> row
                  if (32'(pf_e) == pf_e_last) begin
                    pf_e <= '0;
                    if (32'(pf_ct) == pf_ct_last) begin
                      pf_ct <= '0;
                      if (32'(pf_h) == 32'(cfg_h) - 1) begin
                        pf_h <= '0;
                        if (32'(pf_row) == 32'(cfg_t) - 1) pf_done <= 1'b1;
                        else pf_row <= pf_row + TI'(1);
                      end else begin
                        pf_h <= pf_h + HW'(1);
                      end
                    end else begin
                      pf_ct <= pf_ct + DI'(1);
                    end
                  end else begin
                    pf_e <= pf_e + DI'(1);
                  end
                end
                if (tk_in_valid && tk_in_ready) begin
                  tk_grp <= (32'(tk_grp) == pf_ct_last) ? '0 : tk_grp + DI'(1);
                end
                if (tk_out_valid && tk_out_ready) begin
                  if (32'(tk_h) == 32'(cfg_h) - 1) begin
                    tk_h <= '0;
                    tk_row <= tk_row + TI'(1);
                  end else begin
                    tk_h <= tk_h + HW'(1);
                  end
                end
                if (ls_out_valid && ls_last) begin
                  pred_done_q <= 1'b1;
                  step_q      <= 4'd4;
                end
              end
              4'd4: ;  // prediction done, background generation may still run
              default: step_q <= '0;
            endcase
          end
          // ----------------------------------------------------------- Q, K, V
          SQkv: begin
            unique case (step_q)
              4'd0, 4'd2, 4'd4: begin
                job_a_q   <= ASrcX;
                job_b_q   <= (step_q == 4'd0) ? BSrcWq : (step_q == 4'd2) ? BSrcWk : BSrcWv;
                job_dst_q <= (step_q == 4'd0) ? DstQ : (step_q == 4'd2) ? DstK : DstV;
                job_off_q <= '0;
                g_m <= GMW'(cfg_t); g_n <= GNW'(cfg_d); g_k <= GKW'(cfg_d); g_aus <= 1'b0;
                g_row_mask <= (step_q == 4'd0) ? (rep_mask_q & all_rows) : (kv_mask_q & all_rows);
                g_ct_mask <= '1; g_k_mask <= '1;
                step_q <= step_q + 4'd1;
              end
              4'd1, 4'd3, 4'd5: begin
                if (job_go && g_cmd_ready) job_issued_q <= 1'b1;
                if (job_done) begin
                  job_issued_q <= 1'b0;
                  if (step_q == 4'd5 || (step_q == 4'd1 && cfg_sparse && cfg_overlap)) begin
                    stage_q <= SAttn;
                    step_q  <= '0;
                    head_q  <= '0;
                  end else begin
                    step_q <= step_q + 4'd1;
                  end
                end
              end
              default: step_q <= '0;
            endcase
          end
          // ----------------------------------------------------------- attention
          SAttn: begin
            unique case (step_q)
              4'd0: begin  // scores of this head at needed key tiles
                job_a_q <= ASrcQ; job_b_q <= BSrcKt; job_dst_q <= DstS;
                job_off_q <= DI'(32'(head_q) * HEAD_DIM);
                g_m <= GMW'(cfg_t); g_n <= GNW'(cfg_t); g_k <= GKW'(HEAD_DIM); g_aus <= 1'b0;
                g_row_mask <= rep_mask_q & all_rows;
                g_ct_mask <= head_ct_mask; g_k_mask <= '1;
                step_q <= 4'd1;
              end
              4'd1: begin
                if (job_go && g_cmd_ready) job_issued_q <= 1'b1;
                if (job_done) begin
                  job_issued_q <= 1'b0;
                  step_q  <= 4'd2;
                  sf_row  <= '0; sf_c <= '0; sf_done <= 1'b0;
                  sc_row  <= '0; sc_c <= '0; sm_busy <= 1'b0;
                end
              end
              4'd2: begin  // softmax of every representative row (the unit takes one row at a time)
                if (!sf_done && !sm_in_valid && !sm_busy) begin
                  if (rep_mask_q[sf_row]) begin
                    sm_in_valid <= 1'b1;
                  end else if (32'(sf_row) == 32'(cfg_t) - 1) begin
                    sf_done <= 1'b1;
                  end else begin
                    sf_row <= sf_row + TI'(1);
                  end
                end
                if (sm_in_valid && sm_in_ready) begin
                  if (sf_c == '0) begin
                    sc_row  <= sf_row;
                    sc_c    <= '0;
                    sm_busy <= 1'b1;
                  end
                  if (sm_in_last) begin
                    sm_in_valid <= 1'b0;
                    sf_c <= '0;
                    if (32'(sf_row) == 32'(cfg_t) - 1) sf_done <= 1'b1;
                    else sf_row <= sf_row + TI'(1);
                  end else begin
                    sf_c <= sf_c + DI'(1);
                  end
                end
                if (sm_out_valid) begin
                  sc_c <= sc_c + DI'(1);
                  if (sm_out_last) sm_busy <= 1'b0;
                end
                if (sf_done && !sm_busy && !sm_in_valid) step_q <= 4'd3;
              end
              4'd3: begin  // P.V over needed keys -> context
                job_a_q <= ASrcP; job_b_q <= BSrcV; job_dst_q <= DstCtx;
                job_off_q <= DI'(32'(head_q) * HEAD_DIM);
                g_m <= GMW'(cfg_t); g_n <= GNW'(HEAD_DIM); g_k <= GKW'(cfg_t); g_aus <= 1'b1;
                g_row_mask <= rep_mask_q & all_rows;
                g_ct_mask <= '1; g_k_mask <= head_k_mask;
                step_q <= 4'd4;
              end
              4'd4: begin
                if (job_go && g_cmd_ready) job_issued_q <= 1'b1;
                if (job_done) begin
                  job_issued_q <= 1'b0;
                  if (32'(head_q) == 32'(cfg_h) - 1) begin
                    stage_q <= SOproj;
                    step_q  <= '0;
                  end else begin
                    head_q <= head_q + HW'(1);
                    step_q <= 4'd0;
                  end
                end
              end
              default: step_q <= '0;
            endcase
          end
          // ----------------------------------------------------------- output projection
          SOproj: begin
            unique case (step_q)
              4'd0: begin
                job_a_q <= ASrcCtx; job_b_q <= BSrcWo; job_dst_q <= DstYo; job_off_q <= '0;
                g_m <= GMW'(cfg_t); g_n <= GNW'(cfg_d); g_k <= GKW'(cfg_d); g_aus <= 1'b0;
                g_row_mask <= rep_mask_q & all_rows; g_ct_mask <= '1; g_k_mask <= '1;
                step_q <= 4'd1;
              end
              4'd1: begin
                if (job_go && g_cmd_ready) job_issued_q <= 1'b1;
                if (job_done) begin
                  job_issued_q <= 1'b0;
                  stage_q <= SLn1;
                  step_q  <= '0;
                end
              end
              default: step_q <= '0;
            endcase
          end
          // ----------------------------------------------------------- residual + LayerNorm
          SLn1, SLn2: begin
            unique case (step_q)
              4'd0: begin  // residual requantization pass (x or h1 -> INT16)
                rp_mode  <= 1'b1;
                rp_valid <= 1'b1;
                rp_row   <= '0;
                rp_ct    <= '0;
                step_q   <= 4'd1;
              end
              4'd1: begin
                if (rp_valid && rb_in_ready) begin
                  if (32'(rp_ct) == 32'(cfg_d) / PE_C - 1) begin
                    rp_ct <= '0;
                    if (32'(rp_row) == rp_rows_last) rp_valid <= 1'b0;
                    else rp_row <= rp_row + TI'(1);
                  end else begin
                    rp_ct <= rp_ct + GTI'(1);
                  end
                end
                if (rb_out_valid && rb_last) begin
                  rp_mode <= 1'b0;
                  step_q  <= 4'd2;
                  lf_row <= '0; lf_c <= '0; lf_done <= 1'b0;
                  lc_row <= '0; lc_c <= '0; ln_busy <= 1'b0;
                end
              end
              4'd2: begin  // LayerNorm of every row
                if (!lf_done && !ln_in_valid && !ln_busy) ln_in_valid <= 1'b1;
                if (ln_in_valid && ln_in_ready) begin
                  if (lf_c == '0) begin
                    lc_row  <= lf_row;
                    lc_c    <= '0;
                    ln_busy <= 1'b1;
                  end
                  if (ln_in_last) begin
                    ln_in_valid <= 1'b0;
                    lf_c <= '0;
                    if (32'(lf_row) == 32'(cfg_t) - 1) lf_done <= 1'b1;
                    else lf_row <= lf_row + TI'(1);
                  end else begin
                    lf_c <= lf_c + DI'(1);
                  end
                end
                if (ln_out_valid) begin
                  lc_c <= lc_c + DI'(1);
                  if (ln_out_last) ln_busy <= 1'b0;
                end
                if (lf_done && !ln_busy && !ln_in_valid) begin
                  stage_q <= (stage_q == SLn1) ? SFfn : SOut;
                  step_q  <= '0;
                  of_row  <= '0;
                  of_w    <= '0;
                end
              end
              default: step_q <= '0;
            endcase
          end
          // ----------------------------------------------------------- FFN
          SFfn: begin
            unique case (step_q)
              4'd0: begin  // FFN1 -> GELU -> g
                job_a_q <= ASrcH1; job_b_q <= BSrcW1; job_dst_q <= DstF; job_off_q <= '0;
                g_m <= GMW'(cfg_t); g_n <= GNW'(cfg_f); g_k <= GKW'(cfg_d); g_aus <= 1'b0;
                g_row_mask <= ffn_rows; g_ct_mask <= '1; g_k_mask <= '1;
                step_q <= 4'd1;
              end
              4'd2: begin  // FFN2 -> y_2
                job_a_q <= ASrcG; job_b_q <= BSrcW2; job_dst_q <= DstY2; job_off_q <= '0;
                g_m <= GMW'(cfg_t); g_n <= GNW'(cfg_d); g_k <= GKW'(cfg_f); g_aus <= 1'b0;
                g_row_mask <= ffn_rows; g_ct_mask <= '1; g_k_mask <= '1;
                step_q <= 4'd3;
              end
              4'd1, 4'd3: begin
                if (job_go && g_cmd_ready) job_issued_q <= 1'b1;
                if (job_done) begin
                  job_issued_q <= 1'b0;
                  if (step_q == 4'd3) begin
                    stage_q <= SLn2;
                    step_q  <= '0;
                  end else begin
                    step_q <= 4'd2;
                  end
                end
              end
              default: step_q <= '0;
            endcase
          end
          // ----------------------------------------------------------- output / dump streaming
          SOut, SDump: begin
            if (!of_valid_q) begin
              of_valid_q <= 1'b1;
            end else if (out_ready_i) begin
              if (out_last_o) begin
                of_valid_q <= 1'b0;
                stage_q    <= SIdle;
              end else if (32'(of_w) == of_words - 1) begin
                of_w   <= '0;
                of_row <= of_row + OI'(1);
              end else begin
                of_w <= of_w + 8'd1;
              end
            end
          end
          default: stage_q <= SIdle;
        endcase
      end
    end
  end

  // a command is offered in the cycle after it was prepared, until accepted
  assign job_go = !job_issued_q && (
      (stage_q == SPred && (bg_step_q == 3'd2 || bg_step_q == 3'd4)) ||
      (stage_q == SQkv && (step_q == 4'd1 || step_q == 4'd3 || step_q == 4'd5)) ||
      (stage_q == SAttn && (step_q == 4'd1 || step_q == 4'd4)) ||
      (stage_q == SOproj && step_q == 4'd1) ||
      (stage_q == SFfn && (step_q == 4'd1 || step_q == 4'd3)));

  // ---------------------------------------------------------------------------------
  // Status, counters, errors, interrupt
  // ---------------------------------------------------------------------------------
  logic done_q;
  assign done_pulse = (stage_q == SLn2) && step_q == 4'd2 && lf_done && !ln_busy && !ln_in_valid;

  logic [63:0] dense_macs;
  always_comb begin
    logic [63:0] t, d, f, h;
    t = 64'(cfg_t); d = 64'(cfg_d); f = 64'(cfg_f); h = 64'(cfg_h);
    dense_macs = t * (4 * d * d + 2 * d * f) + 2 * h * t * t * 64'(HEAD_DIM);
  end

  always_comb begin
    hwif_in.status.busy.next  = busy;
    hwif_in.status.done.hwset = done_pulse;
    hwif_in.status.error.next = |{hwif_out.error.seq_len.value, hwif_out.error.hidden.value,
                                  hwif_out.error.heads.value, hwif_out.error.ffn.value,
                                  hwif_out.error.topk.value, hwif_out.error.window.value,
                                  hwif_out.error.start_busy.value, hwif_out.error.load_addr.value,
                                  hwif_out.error.dump_sel.value};
    hwif_in.status.stage.next = stage_q;
    hwif_in.error.seq_len.hwset    = start && !busy && err_bits[0];
    hwif_in.error.hidden.hwset     = start && !busy && err_bits[1];
    hwif_in.error.heads.hwset      = start && !busy && err_bits[2];
    hwif_in.error.ffn.hwset        = start && !busy && err_bits[3];
    hwif_in.error.topk.hwset       = start && !busy && err_bits[4];
    hwif_in.error.window.hwset     = start && !busy && err_bits[5];
    hwif_in.error.start_busy.hwset = (start || dump_req) && busy;
    hwif_in.error.load_addr.hwset  = ld_fire && ld_bad;
    hwif_in.error.dump_sel.hwset   = dump_req && !busy && (hwif_out.debug.sel.value > 8'd11);
    hwif_in.cycles.count.next       = cycles_q;
    hwif_in.exec_macs_lo.count.next = exec_macs_q[31:0];
    hwif_in.exec_macs_hi.count.next = exec_macs_q[63:32];
    hwif_in.skip_macs_lo.count.next = 32'(dense_macs - exec_macs_q);
    hwif_in.skip_macs_hi.count.next = 32'((dense_macs - exec_macs_q) >> 32);
    for (int unsigned s = 0; s < 8; s++) begin
      hwif_in.stage_cycles[s].count.next = stage_cyc_q[s];
    end
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) done_q <= 1'b0;
    else done_q <= hwif_out.status.done.value;
  end

  assign irq_o = done_q && hwif_out.ctrl.irq_en.value;


endmodule
