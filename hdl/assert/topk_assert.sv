// Copyright ESACT verification project contributors.
// SPDX-License-Identifier: Apache-2.0
//
// topk_assert: port rules of topk and its invariants: legal FSM state, the radix
// search's bit counter inside 1..W, the fill chunk inside the row buffer (checked before
// the keep write), an over-long row flagged the moment its first extra beat arrives (the
// key write of that beat is dropped), and the result: a legal row keeps exactly k
// entries, all below len; an error beat keeps none.

// checker code is not part of the RTL's code coverage
/* verilator coverage_off */

`include "prim_assert.svh"

module topk_assert #(
  parameter int unsigned T_MAX = 128,
  parameter int unsigned LANES = 8,
  parameter int unsigned W     = 24,
  localparam int unsigned LenW = $clog2(T_MAX + 1),
  localparam int unsigned Chunks = (T_MAX + LANES - 1) / LANES,
  localparam int unsigned ChW    = $clog2(Chunks + 1),
  localparam int unsigned BitW   = $clog2(W + 1)
) (
  input logic                 clk_i,
  input logic                 rst_ni,
  input logic                 in_valid_i,
  input logic                 in_ready_o,
  input logic [LANES*W-1:0]   in_data_i,
  input logic [LenW-1:0]      in_len_i,
  input logic [LenW-1:0]      in_k_i,
  input logic                 in_last_i,
  input logic                 out_valid_o,
  input logic                 out_ready_i,
  input logic [T_MAX-1:0]     out_keep_o,
  input logic                 out_err_o,
  input logic [2:0]           state_q,
  input logic [BitW-1:0]      bit_q,
  input logic [ChW-1:0]       chunk_q,
  input logic [ChW-1:0]       beats_q,
  input logic                 first_q,
  input logic                 err_d,
  input logic                 accept,
  input logic [LenW-1:0]      len_q,
  input logic [LenW-1:0]      k_q
);

  localparam logic [2:0] Search = 3'd1, Fill = 3'd2, Out = 3'd3;

  esact_stream_chk #(.DataW(LANES*W+2*LenW), .HasLast(1'b1), .LastGated(1'b0), .Assumed(1'b1)) u_in_chk (
    .clk_i, .rst_ni, .valid(in_valid_i), .ready(in_ready_o), .last(in_last_i),
    .data({in_data_i, in_len_i, in_k_i})
  );
  esact_stream_chk #(.DataW(T_MAX+1)) u_out_chk (
    .clk_i, .rst_ni, .valid(out_valid_o), .ready(out_ready_i), .last(1'b0),
    .data({out_keep_o, out_err_o})
  );

  // wide checks reduced to one bit each (an assertion samples every signal it names)
  logic [T_MAX-1:0] beyond_len;
  logic             count_is_k, inside_len, keeps_none;
  always_comb begin
    for (int unsigned i = 0; i < T_MAX; i++) beyond_len[i] = LenW'(i) >= len_q;
  end
  assign count_is_k = $countones(out_keep_o) == 32'(k_q);
  assign inside_len = (out_keep_o & beyond_len) == '0;
  assign keeps_none = out_keep_o == '0;

  `ASSERT(StateLegal_A, state_q <= Out, clk_i, rst_ni)
  `ASSERT_IF(SearchBitInRange_A, bit_q != '0 && 32'(bit_q) <= W, state_q == Search, clk_i, rst_ni)
  `ASSERT_IF(FillChunkInDepth_A, 32'(chunk_q) < Chunks, state_q == Fill, clk_i, rst_ni)
  `ASSERT_IF(OverlongRowFlagged_A, err_d, accept && !first_q && 32'(beats_q) >= Chunks, clk_i, rst_ni)
  `ASSERT_IF(KeepCountIsK_A, count_is_k, out_valid_o && !out_err_o, clk_i, rst_ni)
  `ASSERT_IF(KeepInsideLen_A, inside_len, out_valid_o && !out_err_o, clk_i, rst_ni)
  `ASSERT_IF(ErrKeepsNothing_A, keeps_none, out_valid_o && out_err_o, clk_i, rst_ni)
  `COVER(KeepAll_C, out_valid_o && !out_err_o && k_q == len_q, clk_i, rst_ni)

endmodule

bind topk topk_assert #(.T_MAX(T_MAX), .LANES(LANES), .W(W)) u_topk_assert (.*, .state_q(state_q));
