// Copyright ESACT verification project contributors.
// SPDX-License-Identifier: Apache-2.0
//
// esact_ln_stage: the LayerNorm step of LN1 / LN2.  Every row i goes through
// `layernorm`, PE_C channels per beat, one row at a time (esact_row_feed), with the
// residual sum r = y[src(i)] + res[i]:
//   LN1: y = Y_o, res = x_r, src(i) = the representative of i (sparse) or i
//   LN2: y = Y_2, res = h1_r, src(i) = the representative of i (sparse with FFN reuse) or i
// and the per-channel gains and biases of the LayerNorm; the outputs go to h1 (LN1) or
// to the layer output (LN2).

module esact_ln_stage
  import esact_pkg::*;
#(
  parameter int unsigned T_MAX    = 128,
  parameter int unsigned D_MAX    = 384,
  parameter int unsigned PE_C     = 8,
  localparam int unsigned RowIdxW = $clog2(T_MAX),
  localparam int unsigned ChIdxW  = $clog2(D_MAX)
) (
  input  logic               clk_i,
  input  logic               rst_ni,
  input  logic               dp_rst_ni,      // the layernorm unit's reset (also on abort)
  input  cfg_t               cfg_i,

  input  logic               run_i,          // the LayerNorm step of LN1 or LN2
  input  logic               ln1_i,          // 1: LN1, 0: LN2
  input  logic               abort_i,
  output logic               done_o,

  // the row being fed: its representative, residual sum operands and parameters
  output logic [RowIdxW-1:0] row_o,
  output logic [RowIdxW-1:0] src_o,
  output logic [ChIdxW-1:0]  chunk_o,
  input  logic [RowIdxW-1:0] rep_i,          // representative of row_o
  input  logic [PE_C*16-1:0] y_i,            // Y_o / Y_2 of src_o
  input  logic [PE_C*16-1:0] res_i,          // x_r / h1_r of row_o
  input  logic [PE_C*16-1:0] g_i,
  input  logic [PE_C*32-1:0] b_i,

  // outputs of a chunk of the row in flight
  output logic               y_wr_o,
  output logic [RowIdxW-1:0] y_row_o,
  output logic [ChIdxW-1:0]  y_chunk_o,
  output logic [PE_C*8-1:0]  y_data_o
);

  localparam int unsigned Chunks = D_MAX / PE_C;
  localparam int unsigned ChunkW = $clog2(Chunks + 1);

  logic               in_valid, in_ready, in_last;
  logic [ChunkW-1:0]  feed_chunk, out_chunk;
  logic [PE_C*18-1:0] r;
  logic               out_valid, out_err, out_last;

  esact_row_feed #(.T_MAX(T_MAX), .CHUNKS(Chunks)) u_feed (
    .clk_i,
    .rst_ni,
    .run_i,
    .abort_i,
    .rows_last_i   (32'(cfg_i.seq_len) - 1),
    .chunks_last_i (32'(cfg_i.hidden) / PE_C - 1),
    .row_en_i      (1'b1),
    .done_o,
    .in_valid_o    (in_valid),
    .in_ready_i    (in_ready),
    .in_last_o     (in_last),
    .feed_row_o    (row_o),
    .feed_chunk_o  (feed_chunk),
    .out_valid_i   (out_valid),
    .out_last_i    (out_last),
    .out_row_o     (y_row_o),
    .out_chunk_o   (out_chunk)
  );

  assign chunk_o   = ChIdxW'(feed_chunk);
  assign y_chunk_o = ChIdxW'(out_chunk);
  assign src_o     = (ln1_i ? cfg_i.sparse : (cfg_i.sparse && cfg_i.ffn_reuse)) ? rep_i : row_o;

  // the residual sum of the chunk
  always_comb begin
    r = '0;
    if (run_i) begin  // (simulation speed)
      for (int unsigned l = 0; l < PE_C; l++) begin
        r[l*18 +: 18] = 18'($signed(y_i[l*16 +: 16])) + 18'($signed(res_i[l*16 +: 16]));
      end
    end
  end

  layernorm #(.N_MAX(D_MAX), .LANES(PE_C), .IN_W(18), .G_W(16), .B_W(32)) u_layernorm (
    .clk_i,
    .rst_ni      (dp_rst_ni),
    .in_valid_i  (in_valid),
    .in_ready_o  (in_ready),
    .in_r_i      (r),
    .in_g_i      (g_i),
    .in_b_i      (b_i),
    .in_len_i    (($clog2(D_MAX + 1))'(cfg_i.hidden)),
    .in_gf_i     (ln1_i ? cfg_i.ln1_gf : cfg_i.ln2_gf),
    .in_last_i   (in_last),
    .out_valid_o (out_valid),
    .out_ready_i (1'b1),
    .out_y_o     (y_data_o),
    .out_err_o   (out_err),
    .out_last_o  (out_last)
  );

  assign y_wr_o = out_valid && !out_err;

  logic unused_cfg;
  assign unused_cfg = ^cfg_i;  // (the stage reads some fields of cfg_i)

endmodule
