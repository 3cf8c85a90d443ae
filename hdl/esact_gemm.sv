// Copyright ESACT verification project contributors.
// SPDX-License-Identifier: Apache-2.0
//
// esact_gemm: the GEMM engine -- the job issuer (esact_gemm_jobs), gemm_core with its
// operand reads, and the result path -- and the residual pass of LN1 / LN2:
//   scores (DstS)          the engine's INT32 results, straight to the score buffer
//   FFN1 (DstF)            requant A -> INT16 -> gelu -> requant B (per channel) -> g
//   other destinations     requant A (per-channel bias and multiplier) -> Q, K, V,
//                          context, Y_o, Y_2
//   residual pass          x (LN1) or h1 (LN2) -> requant B -> INT16 x_r / h1_r, every
//                          row; started by res_req_i, done with its last result
// A job step of the sequencer holds job_req_i with the job; job_done_o: its last result
// is written.  Buffers are read and written through the ports of esact_param_buf and
// esact_act_buf; the routing of the running job (a_src_o .. off_o) selects them.

module esact_gemm
  import esact_pkg::*;
#(
  parameter int unsigned T_MAX     = 128,
  parameter int unsigned D_MAX     = 384,
  parameter int unsigned F_MAX     = 1536,
  parameter int unsigned H_MAX     = 12,
  parameter int unsigned HEAD_DIM  = 32,
  parameter int unsigned PE_R      = 8,
  parameter int unsigned PE_C      = 8,
  localparam int unsigned RowIdxW  = $clog2(T_MAX),
  localparam int unsigned ChIdxW   = $clog2(D_MAX),
  localparam int unsigned HeadCntW = $clog2(H_MAX + 1),
  localparam int unsigned GemmN    = F_MAX,               // gemm_core maxima (N_MAX = K_MAX)
  localparam int unsigned GemmK    = F_MAX,
  localparam int unsigned Tiles    = GemmN / PE_C,
  localparam int unsigned MCntW    = $clog2(T_MAX + 1),
  localparam int unsigned NCntW    = $clog2(GemmN + 1),
  localparam int unsigned KCntW    = $clog2(GemmK + 1),
  localparam int unsigned KIdxW    = $clog2(GemmK),
  localparam int unsigned TileIdxW = $clog2(Tiles),
  localparam int unsigned TileCntW = $clog2(Tiles + 1),
  localparam int unsigned MacCntW  = $clog2(PE_R * PE_C + 1),
  localparam int unsigned TagW     = RowIdxW + TileIdxW + 1       // {nothing computed, row, column tile}
) (
  input  logic                    clk_i,
  input  logic                    rst_ni,
  input  logic                    dp_rst_ni,     // the units' reset (also on abort)
  input  cfg_t                    cfg_i,

  // jobs
  input  logic                    job_req_i,     // a job step of the sequencer
  input  gemm_job_e               job_i,
  input  logic                    abort_i,       // the run is aborted: forget the job
  output logic                    job_done_o,    // the job's last result is written
  input  logic [HeadCntW-1:0]     head_i,        // head of the attention jobs
  input  logic [T_MAX-1:0]        head_cols_i,   // ... its column-needed mask
  input  logic [T_MAX-1:0]        rep_mask_i,    // representative rows
  input  logic [T_MAX-1:0]        kv_mask_i,     // rows some head needs
  output a_src_e                  a_src_o,       // routing of the running job
  output b_src_e                  b_src_o,
  output dst_e                    dst_o,
  output logic [ChIdxW-1:0]       off_o,

  // operand reads: A (x from the parameter buffers, else the activation buffers),
  // B (weights from the parameter buffers, K^T / V from the activation buffers)
  output logic [PE_R*RowIdxW-1:0] a_row_o,
  output logic [KIdxW-1:0]        a_k_o,
  input  logic [PE_R*8-1:0]       a_x_i,
  input  logic [PE_R*8-1:0]       a_act_i,
  output logic [KIdxW-1:0]        b_k_o,
  output logic [TileIdxW-1:0]     b_tile_o,
  input  logic [PE_C*8-1:0]       b_w_i,
  input  logic [PE_C*8-1:0]       b_act_i,

  // requantization parameters: requant A (GEMM results), requant B (GELU / residual)
  output logic [TileCntW-1:0]     rqa_tile_o,
  input  logic [PE_C*15-1:0]      rqa_mult_i,
  input  logic [PE_C*6-1:0]       rqa_shift_i,
  input  logic [PE_C*32-1:0]      rqa_bias_i,
  output logic                    rqb_res_o,     // requant B runs the residual pass
  output logic [TileIdxW-1:0]     rqb_tile_o,
  input  logic [PE_C*15-1:0]      rqb_mult_i,
  input  logic [PE_C*6-1:0]       rqb_shift_i,

  // residual pass
  input  logic                    res_req_i,     // the residual step of LN1 / LN2
  input  logic                    res_ln1_i,     // 1: x -> x_r (LN1), 0: h1 -> h1_r (LN2)
  output logic                    res_done_o,
  output logic [RowIdxW-1:0]      res_row_o,
  input  logic [PE_C*8-1:0]       res_x_i,
  input  logic [PE_C*8-1:0]       res_h1_i,

  // results
  output logic                    score_wr_o,        // scores
  output logic [RowIdxW-1:0]      score_wr_row_o,
  output logic [TileCntW-1:0]     score_wr_tile_o,
  output logic [PE_C*32-1:0]      score_wr_data_o,
  output logic                    rqa_wr_o,       // requant A: Q, K, V, context, Y_o, Y_2
  output logic [RowIdxW-1:0]      rqa_wr_row_o,
  output logic [TileIdxW-1:0]     rqa_wr_tile_o,
  output logic [PE_C*16-1:0]      rqa_wr_data_o,
  output logic                    rqb_wr_o,       // requant B: g, or x_r / h1_r (rqb_res_o)
  output logic [RowIdxW-1:0]      rqb_wr_row_o,
  output logic [TileIdxW-1:0]     rqb_wr_tile_o,
  output logic [PE_C*16-1:0]      rqb_wr_data_o,

  output logic [MacCntW-1:0]      macs_o,        // MACs executed this cycle
  output logic                    busy_o         // a job runs in gemm_core
);

  // job issuer
  logic             cmd_valid, cmd_ready, cmd_a_unsigned;
  logic [MCntW-1:0] cmd_m;
  logic [NCntW-1:0] cmd_n;
  logic [KCntW-1:0] cmd_k;
  logic [T_MAX-1:0] cmd_row_mask;
  logic [Tiles-1:0] cmd_ctile_mask;
  logic [GemmK-1:0] cmd_k_mask;
  a_src_e           a_src;
  b_src_e           b_src;
  dst_e             dst;
  logic             job_last;       // the running job's last result is written
  // gemm_core
  logic [PE_R*8-1:0]   a_data;
  logic [PE_C*8-1:0]   b_data;
  logic                core_out_valid, core_out_ready, core_out_none, core_out_err, core_out_last;
  logic [MCntW-1:0]    core_out_row;
  logic [TileCntW-1:0] core_out_tile;
  logic [PE_C*32-1:0]  core_out_data;
  // requant A
  logic               rqa_in_valid, rqa_in_ready;
  logic [PE_C*52-1:0] rqa_acc;
  logic               rqa_out16;
  logic [TagW-1:0]    rqa_tag_in, rqa_tag;
  logic               rqa_out_valid, rqa_out_ready, rqa_last;
  // GELU
  logic               gelu_in_ready, gelu_out_valid, gelu_out_ready, gelu_last, gelu_err;
  logic [PE_C*52-1:0] gelu_t;
  logic [TagW-1:0]    gelu_tag;
  // requant B
  logic               rqb_in_valid, rqb_in_ready, rqb_out_valid, rqb_last;
  logic [PE_C*52-1:0] rqb_acc;
  logic [TagW-1:0]    rqb_tag;
  // residual pass
  logic                res_active_d, res_active_q;  // requant B belongs to the residual pass
  logic                res_valid_d, res_valid_q;
  logic [RowIdxW-1:0]  res_row_d, res_row_q;
  logic [TileIdxW-1:0] res_tile_d, res_tile_q;
  logic                res_last;

  // ---------------------------------------------------------------------------------
  // Jobs and the GEMM engine
  // ---------------------------------------------------------------------------------
  esact_gemm_jobs #(
    .T_MAX (T_MAX), .D_MAX (D_MAX), .F_MAX (F_MAX), .H_MAX (H_MAX), .HEAD_DIM (HEAD_DIM), .PE_C (PE_C)
  ) u_jobs (
    .clk_i,
    .rst_ni,
    .cfg_i,
    .req_i            (job_req_i),
    .job_i,
    .abort_i,
    .done_o           (job_done_o),
    .last_i           (job_last),
    .head_i,
    .head_cols_i,
    .rep_mask_i,
    .kv_mask_i,
    .cmd_valid_o      (cmd_valid),
    .cmd_ready_i      (cmd_ready),
    .cmd_m_o          (cmd_m),
    .cmd_n_o          (cmd_n),
    .cmd_k_o          (cmd_k),
    .cmd_a_unsigned_o (cmd_a_unsigned),
    .cmd_row_mask_o   (cmd_row_mask),
    .cmd_ctile_mask_o (cmd_ctile_mask),
    .cmd_k_mask_o     (cmd_k_mask),
    .a_src_o          (a_src),
    .b_src_o          (b_src),
    .dst_o            (dst),
    .off_o
  );

  assign a_src_o = a_src;
  assign b_src_o = b_src;
  assign dst_o   = dst;
  assign a_data  = (a_src == ASrcX) ? a_x_i : a_act_i;
  assign b_data  = (b_src == BSrcKt || b_src == BSrcV) ? b_act_i : b_w_i;

  gemm_core #(.PE_R(PE_R), .PE_C(PE_C), .M_MAX(T_MAX), .N_MAX(GemmN), .K_MAX(GemmK)) u_gemm_core (
    .clk_i,
    .rst_ni           (dp_rst_ni),
    .a_rd_row_o       (a_row_o),
    .a_rd_k_o         (a_k_o),
    .a_rd_data_i      (a_data),
    .b_rd_k_o         (b_k_o),
    .b_rd_tile_o      (b_tile_o),
    .b_rd_data_i      (b_data),
    .busy_o,
    .macs_o,
    .cmd_valid_i      (cmd_valid),
    .cmd_ready_o      (cmd_ready),
    .cmd_m_i          (cmd_m),
    .cmd_n_i          (cmd_n),
    .cmd_k_i          (cmd_k),
    .cmd_a_unsigned_i (cmd_a_unsigned),
    .cmd_row_mask_i   (cmd_row_mask),
    .cmd_ctile_mask_i (cmd_ctile_mask),
    .cmd_k_mask_i     (cmd_k_mask),
    .out_valid_o      (core_out_valid),
    .out_ready_i      (core_out_ready),
    .out_row_o        (core_out_row),
    .out_ctile_o      (core_out_tile),
    .out_data_o       (core_out_data),
    .out_none_o       (core_out_none),
    .out_err_o        (core_out_err),
    .out_last_o       (core_out_last)
  );

  // scores go straight to their buffer; every other result goes through requant A
  assign core_out_ready  = (dst == DstS) ? 1'b1 : rqa_in_ready;
  assign score_wr_o      = core_out_valid && core_out_ready && dst == DstS && !core_out_none;
  assign score_wr_row_o  = RowIdxW'(core_out_row);
  assign score_wr_tile_o = core_out_tile;
  assign score_wr_data_o = core_out_data;

  // ---------------------------------------------------------------------------------
  // Requant A: GEMM results -> INT8 / INT16 with per-channel bias and multiplier
  // ---------------------------------------------------------------------------------
  always_comb begin
    for (int unsigned c = 0; c < PE_C; c++) begin
      rqa_acc[c*52 +: 52] = 52'($signed(core_out_data[c*32 +: 32]));
    end
  end

  assign rqa_tile_o   = core_out_tile;
  assign rqa_out16    = (dst == DstYo) || (dst == DstF) || (dst == DstY2);
  assign rqa_tag_in   = {core_out_none, RowIdxW'(core_out_row), TileIdxW'(core_out_tile)};
  assign rqa_in_valid = core_out_valid && (dst != DstS);

  requant #(.LANES(PE_C), .IN_W(52), .BIAS_W(32), .MULT_W(15), .SH_W(6), .TAG_W(TagW)) u_requant_a (
    .clk_i,
    .rst_ni      (dp_rst_ni),
    .in_valid_i  (rqa_in_valid),
    .in_ready_o  (rqa_in_ready),
    .in_acc_i    (rqa_acc),
    .in_bias_i   (rqa_bias_i),
    .in_mult_i   (rqa_mult_i),
    .in_shift_i  (rqa_shift_i),
    .in_out16_i  (rqa_out16),
    .in_last_i   (core_out_last),
    .in_tag_i    (rqa_tag_in),
    .out_valid_o (rqa_out_valid),
    .out_ready_i (rqa_out_ready),
    .out_data_o  (rqa_wr_data_o),
    .out_last_o  (rqa_last),
    .out_tag_o   (rqa_tag)
  );

  // FFN1 results continue into the GELU; the others are written
  assign rqa_out_ready = (dst == DstF) ? gelu_in_ready : 1'b1;
  assign rqa_wr_o      = rqa_out_valid && rqa_out_ready && dst != DstF && !rqa_tag[TagW-1];
  assign rqa_wr_row_o  = rqa_tag[TileIdxW +: RowIdxW];
  assign rqa_wr_tile_o = rqa_tag[TileIdxW-1:0];

  // ---------------------------------------------------------------------------------
  // GELU and requant B (GELU output, or the residual pass)
  // ---------------------------------------------------------------------------------
  gelu #(.LANES(PE_C), .IN_W(16), .QB_W(18), .QC_W(32), .TAG_W(TagW)) u_gelu (
    .clk_i,
    .rst_ni      (dp_rst_ni),
    .in_valid_i  (rqa_out_valid && dst == DstF),
    .in_ready_o  (gelu_in_ready),
    .in_q_i      (rqa_wr_data_o),
    .in_qb_i     (cfg_i.gelu_qb),
    .in_qc_i     (cfg_i.gelu_qc),
    .in_last_i   (rqa_last),
    .in_tag_i    (rqa_tag),
    .out_valid_o (gelu_out_valid),
    .out_ready_i (gelu_out_ready),
    .out_t_o     (gelu_t),
    .out_err_o   (gelu_err),
    .out_last_o  (gelu_last),
    .out_tag_o   (gelu_tag)
  );

  assign gelu_out_ready = !res_active_q && rqb_in_ready;
  assign rqb_res_o      = res_active_q;
  assign rqb_tile_o     = res_active_q ? res_tile_q : gelu_tag[TileIdxW-1:0];
  assign rqb_in_valid   = res_active_q ? res_valid_q : gelu_out_valid;

  always_comb begin
    for (int unsigned c = 0; c < PE_C; c++) begin
      if (res_active_q) begin
        rqb_acc[c*52 +: 52] = res_ln1_i ? 52'($signed(res_x_i[c*8 +: 8])) : 52'($signed(res_h1_i[c*8 +: 8]));
      end else begin
        rqb_acc[c*52 +: 52] = gelu_t[c*52 +: 52];
      end
    end
  end

  requant #(.LANES(PE_C), .IN_W(52), .BIAS_W(32), .MULT_W(15), .SH_W(6), .TAG_W(TagW)) u_requant_b (
    .clk_i,
    .rst_ni      (dp_rst_ni),
    .in_valid_i  (rqb_in_valid),
    .in_ready_o  (rqb_in_ready),
    .in_acc_i    (rqb_acc),
    .in_bias_i   ('0),
    .in_mult_i   (rqb_mult_i),
    .in_shift_i  (rqb_shift_i),
    .in_out16_i  (res_active_q),
    .in_last_i   (res_active_q ? res_last : gelu_last),
    .in_tag_i    (res_active_q ? {1'b0, res_row_q, res_tile_q} : gelu_tag),
    .out_valid_o (rqb_out_valid),
    .out_ready_i (1'b1),
    .out_data_o  (rqb_wr_data_o),
    .out_last_o  (rqb_last),
    .out_tag_o   (rqb_tag)
  );

  assign rqb_wr_o      = rqb_out_valid && !rqb_tag[TagW-1];
  assign rqb_wr_row_o  = rqb_tag[TileIdxW +: RowIdxW];
  assign rqb_wr_tile_o = rqb_tag[TileIdxW-1:0];

  // the running job's last result: per destination, the beat that writes it
  assign job_last = (dst == DstS && core_out_valid && core_out_ready && core_out_last) ||
                    (dst == DstF && rqb_out_valid && rqb_last && !res_active_q) ||
                    (dst != DstS && dst != DstF && rqa_out_valid && rqa_out_ready && rqa_last);

  // ---------------------------------------------------------------------------------
  // Residual pass: every row's x (LN1) or h1 (LN2) -> INT16, a column tile per beat
  // ---------------------------------------------------------------------------------
  assign res_last   = (32'(res_row_q) == 32'(cfg_i.seq_len) - 1) &&
                      (32'(res_tile_q) == 32'(cfg_i.hidden) / PE_C - 1);
  assign res_done_o = res_active_q && rqb_out_valid && rqb_last;
  assign res_row_o  = res_row_q;

  always_comb begin
    res_active_d = res_active_q;
    res_valid_d  = res_valid_q;
    res_row_d    = res_row_q;
    res_tile_d   = res_tile_q;
    if (!res_active_q) begin
      if (res_req_i) begin
        res_active_d = 1'b1;
        res_valid_d  = 1'b1;
        res_row_d    = '0;
        res_tile_d   = '0;
      end
    end else begin
      if (res_valid_q && rqb_in_ready) begin
        if (32'(res_tile_q) == 32'(cfg_i.hidden) / PE_C - 1) begin
          res_tile_d = '0;
          if (32'(res_row_q) == 32'(cfg_i.seq_len) - 1) res_valid_d = 1'b0;
          else res_row_d = res_row_q + RowIdxW'(1);
        end else begin
          res_tile_d = res_tile_q + TileIdxW'(1);
        end
      end
      if (res_done_o) res_active_d = 1'b0;
    end
    if (abort_i) begin
      res_active_d = 1'b0;
      res_valid_d  = 1'b0;
    end
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      res_active_q <= 1'b0;
      res_valid_q  <= 1'b0;
      res_row_q    <= '0;
      res_tile_q   <= '0;
    end else begin
      res_active_q <= res_active_d;
      res_valid_q  <= res_valid_d;
      res_row_q    <= res_row_d;
      res_tile_q   <= res_tile_d;
    end
  end

  logic unused_gemm;
  assign unused_gemm = ^{core_out_err, gelu_err, core_out_row[MCntW-1]};

endmodule
