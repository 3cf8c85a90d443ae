// Copyright ESACT verification project contributors.
// SPDX-License-Identifier: Apache-2.0
//
// esact_softmax_stage_assert (bound): the softmax step's rules: no key outside the
// sequence is kept, every probability write lies inside the sequence (row and chunk,
// checked in the cycle of the write), and softmax reports no error for the stage's
// (legal) rows.

// checker code is not part of the RTL's code coverage
/* verilator coverage_off */

`include "prim_assert.svh"

module esact_softmax_stage_assert
  import esact_pkg::*;
#(
  parameter int unsigned T_MAX    = 128,
  parameter int unsigned D_MAX    = 384,
  parameter int unsigned PE_C     = 8,
  localparam int unsigned RowIdxW = $clog2(T_MAX),
  localparam int unsigned ChIdxW  = $clog2(D_MAX),
  localparam int unsigned ChunkW  = $clog2((T_MAX + PE_C - 1) / PE_C + 1)
) (
  input  logic               clk_i,
  input  logic               rst_ni,
  input  cfg_t               cfg_i,
  input  logic               in_valid,
  input  logic [ChunkW-1:0]  feed_chunk,
  input  logic [PE_C-1:0]    keep,
  input  logic               prob_wr_o,
  input  logic [RowIdxW-1:0] prob_wr_row_o,
  input  logic [ChIdxW-1:0]  prob_wr_chunk_o,
  input  logic               out_valid,
  input  logic               out_err
);

  logic [PE_C-1:0] beyond;   // lanes of the chunk past the sequence
  always_comb begin
    for (int unsigned l = 0; l < PE_C; l++) begin
      beyond[l] = 32'(feed_chunk) * PE_C + l >= 32'(cfg_i.seq_len);
    end
  end

  `ASSERT_IF(KeepInsideSequence_A, (keep & beyond) == '0, in_valid, clk_i, rst_ni)
  `ASSERT_IF(ProbWriteInRow_A,
             32'(prob_wr_row_o) < 32'(cfg_i.seq_len) && 32'(prob_wr_chunk_o) * PE_C < 32'(cfg_i.seq_len),
             prob_wr_o, clk_i, rst_ni)
  `ASSERT_IF(SoftmaxNoError_A, !out_err, out_valid, clk_i, rst_ni)

  logic unused_cfg;  // the checker reads some fields of the configuration
  assign unused_cfg = ^cfg_i;

endmodule

bind esact_softmax_stage esact_softmax_stage_assert #(.T_MAX(T_MAX), .D_MAX(D_MAX), .PE_C(PE_C))
  u_esact_softmax_stage_assert (.*);
