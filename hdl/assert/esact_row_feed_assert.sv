// Copyright ESACT verification project contributors.
// SPDX-License-Identifier: Apache-2.0
//
// esact_row_feed_assert (bound): the row feeder's rules: its stream into the row unit
// (valid held, row and chunk stable while stalled; last is decoded from the chunk
// counter, not gated by valid: LastGated = 0), one row in flight (a row starts only
// when the previous one has come back), the row being fed inside the rows of the run,
// and every output beat of the unit inside its row (the write index is checked in the
// cycle of the write).

// checker code is not part of the RTL's code coverage
/* verilator coverage_off */

`include "prim_assert.svh"

module esact_row_feed_assert #(
  parameter int unsigned T_MAX    = 128,
  parameter int unsigned CHUNKS   = 16,
  localparam int unsigned RowIdxW = $clog2(T_MAX),
  localparam int unsigned ChunkW  = $clog2(CHUNKS + 1)
) (
  input  logic               clk_i,
  input  logic               rst_ni,
  input  logic [31:0]        rows_last_i,
  input  logic [31:0]        chunks_last_i,
  input  logic               in_valid_o,
  input  logic               in_ready_i,
  input  logic               in_last_o,
  input  logic [RowIdxW-1:0] feed_row_o,
  input  logic [ChunkW-1:0]  feed_chunk_o,
  input  logic               out_valid_i,
  input  logic [RowIdxW-1:0] out_row_o,
  input  logic [ChunkW-1:0]  out_chunk_o,
  input  logic               busy_q
);

  esact_stream_chk #(.DataW(RowIdxW+ChunkW), .HasLast(1'b1), .LastGated(1'b0)) u_in_chk (
    .clk_i, .rst_ni, .valid(in_valid_o), .ready(in_ready_i), .last(in_last_o), .data({feed_row_o, feed_chunk_o})
  );

  `ASSERT_IF(OneRowInFlight_A, !busy_q, in_valid_o && in_ready_i && feed_chunk_o == '0, clk_i, rst_ni)
  `ASSERT_IF(FeedInRows_A, 32'(feed_row_o) <= rows_last_i && 32'(feed_chunk_o) <= chunks_last_i, in_valid_o,
             clk_i, rst_ni)
  `ASSERT_IF(OutBeatInRow_A, busy_q && 32'(out_row_o) <= rows_last_i && 32'(out_chunk_o) <= chunks_last_i,
             out_valid_i, clk_i, rst_ni)

endmodule

bind esact_row_feed esact_row_feed_assert #(.T_MAX(T_MAX), .CHUNKS(CHUNKS)) u_esact_row_feed_assert (.*);
