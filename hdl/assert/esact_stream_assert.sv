// Copyright ESACT verification project contributors.
// SPDX-License-Identifier: Apache-2.0
//
// esact_stream_assert (bound): the output streamer's rules: a layer-output row inside
// the sequence, and a dump's row inside its buffer's geometry; and the invariants that
// make them inductive (`make formal`, esact_top_ctrl): valid only in the OUT or dump
// stage (a stream is never cut: abort and start wait for it), the row and word counters
// inside the streamed buffer's geometry for the whole stage (they are cleared when the
// stage starts and wrap at words - 1), and a known dump selection.

// checker code is not part of the RTL's code coverage
/* verilator coverage_off */

`include "prim_assert.svh"

module esact_stream_assert
  import esact_pkg::*;
#(
  parameter int unsigned T_MAX       = 128,
  parameter int unsigned H_MAX       = 12,
  localparam int unsigned StreamRowW = $clog2(H_MAX * T_MAX)
) (
  input  logic                  clk_i,
  input  logic                  rst_ni,
  input  cfg_t                  cfg_i,
  input  logic                  stream_i,
  input  logic                  dump_i,
  input  dump_sel_e             sel_q,
  input  logic                  out_valid_o,
  input  logic [StreamRowW-1:0] row_q,
  input  logic [7:0]            word_q,
  input  logic [31:0]           rows,
  input  logic [31:0]           words
);

  `ASSERT_IF(OutRowInSequence_A, 32'(row_q) < 32'(cfg_i.seq_len), out_valid_o && !dump_i, clk_i, rst_ni)
  `ASSERT_IF(WordInGeometry_A, 32'(row_q) < rows && 32'(word_q) < words, out_valid_o, clk_i, rst_ni)
  `ASSERT_IF(ValidOnlyWhileStreaming_A, stream_i, out_valid_o, clk_i, rst_ni)
  `ASSERT_IF(CountersInGeometry_A, 32'(row_q) < rows && 32'(word_q) < words, stream_i, clk_i, rst_ni)
  `ASSERT(DumpSelKnown_A, 8'(sel_q) <= DumpSelMax, clk_i, rst_ni)
  `COVER(DumpStream_C, out_valid_o && dump_i, clk_i, rst_ni)

  logic unused_cfg;  // the checker reads some fields of the configuration
  assign unused_cfg = ^cfg_i;

endmodule

bind esact_stream esact_stream_assert #(.T_MAX(T_MAX), .H_MAX(H_MAX)) u_esact_stream_assert (.*);
