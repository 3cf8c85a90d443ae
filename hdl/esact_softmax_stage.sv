// Copyright ESACT verification project contributors.
// SPDX-License-Identifier: Apache-2.0
//
// esact_softmax_stage: the softmax step of one attention head.  Every representative
// row of the head's scores goes through `softmax` over the keys the row keeps (all
// keys of the sequence in a dense run), PE_C scores per beat, one row at a time
// (esact_row_feed); the probabilities go to the P buffer.

module esact_softmax_stage
  import esact_pkg::*;
#(
  parameter int unsigned T_MAX    = 128,
  parameter int unsigned D_MAX    = 384,
  parameter int unsigned PE_C     = 8,
  localparam int unsigned LenW    = $clog2(T_MAX + 1),
  localparam int unsigned RowIdxW = $clog2(T_MAX),
  localparam int unsigned ChIdxW  = $clog2(D_MAX)
) (
  input  logic               clk_i,
  input  logic               rst_ni,
  input  logic               dp_rst_ni,      // the softmax unit's reset (also on abort)
  input  cfg_t               cfg_i,

  input  logic               run_i,          // the softmax step of the current head
  input  logic               abort_i,
  output logic               done_o,

  // the row being fed: its scores, and the head's keep mask of that row
  input  logic [T_MAX-1:0]   rep_mask_i,     // representative rows
  output logic [RowIdxW-1:0] row_o,
  output logic [ChIdxW-1:0]  chunk_o,
  input  logic [PE_C*32-1:0] score_i,
  input  logic [T_MAX-1:0]   keep_i,

  // probabilities of a chunk of the row in flight
  output logic               prob_wr_o,
  output logic [RowIdxW-1:0] prob_wr_row_o,
  output logic [ChIdxW-1:0]  prob_wr_chunk_o,
  output logic [PE_C*8-1:0]  prob_wr_data_o
);

  localparam int unsigned Chunks = (T_MAX + PE_C - 1) / PE_C;
  localparam int unsigned ChunkW = $clog2(Chunks + 1);

  logic              in_valid, in_ready, in_last;
  logic [ChunkW-1:0] feed_chunk, out_chunk;
  logic [PE_C-1:0]   keep;
  logic              out_valid, out_err, out_last;

  esact_row_feed #(.T_MAX(T_MAX), .CHUNKS(Chunks)) u_feed (
    .clk_i,
    .rst_ni,
    .run_i,
    .abort_i,
    .rows_last_i   (32'(cfg_i.seq_len) - 1),
    .chunks_last_i ((32'(cfg_i.seq_len) + PE_C - 1) / PE_C - 1),
    .row_en_i      (rep_mask_i[row_o]),
    .done_o,
    .in_valid_o    (in_valid),
    .in_ready_i    (in_ready),
    .in_last_o     (in_last),
    .feed_row_o    (row_o),
    .feed_chunk_o  (feed_chunk),
    .out_valid_i   (out_valid),
    .out_last_i    (out_last),
    .out_row_o     (prob_wr_row_o),
    .out_chunk_o   (out_chunk)
  );

  assign chunk_o         = ChIdxW'(feed_chunk);
  assign prob_wr_chunk_o = ChIdxW'(out_chunk);

  // keys of the chunk the row keeps: inside the sequence and, in a sparse run, in the
  // head's top-k of the row
  always_comb begin
    logic [31:0] j;
    j    = '0;
    keep = '0;
    if (run_i) begin  // (simulation speed)
      for (int unsigned l = 0; l < PE_C; l++) begin
        j = 32'(feed_chunk) * PE_C + l;
        keep[l] = (j < 32'(cfg_i.seq_len)) && (!cfg_i.sparse || keep_i[RowIdxW'(j)]);
      end
    end
  end

  softmax #(.T_MAX(T_MAX), .LANES(PE_C), .IN_W(32)) u_softmax (
    .clk_i,
    .rst_ni      (dp_rst_ni),
    .in_valid_i  (in_valid),
    .in_ready_o  (in_ready),
    .in_score_i  (score_i),
    .in_keep_i   (keep),
    .in_len_i    (LenW'(cfg_i.seq_len)),
    .in_mult_i   (cfg_i.sm_mult),
    .in_shift_i  (cfg_i.sm_shift),
    .in_last_i   (in_last),
    .out_valid_o (out_valid),
    .out_ready_i (1'b1),
    .out_p_o     (prob_wr_data_o),
    .out_err_o   (out_err),
    .out_last_o  (out_last)
  );

  assign prob_wr_o = out_valid && !out_err;

  logic unused_cfg;
  assign unused_cfg = ^cfg_i;  // (the stage reads some fields of cfg_i)

endmodule
