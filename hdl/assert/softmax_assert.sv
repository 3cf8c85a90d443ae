// Copyright ESACT verification project contributors.
// SPDX-License-Identifier: Apache-2.0
//
// softmax_assert: port rules of softmax and its invariants: the chunk being
// exponentiated inside the row (so the e_q write index is inside the buffer, checked
// before the write), a legal row length while a row is processed and when its output
// starts, a non-zero sum reaching the divider, the error beat ends its packet, and a
// packet is output only while the row FSM waits in Load (the input held).  The output
// side's own rules are esact_row_out_assert's, the input side's shape checks
// esact_row_in's.

// checker code is not part of the RTL's code coverage
/* verilator coverage_off */

`include "prim_assert.svh"

module softmax_assert #(
  parameter int unsigned T_MAX = 128,
  parameter int unsigned LANES = 8,
  parameter int unsigned IN_W  = 32,
  localparam int unsigned LenW = $clog2(T_MAX + 1),
  localparam int unsigned Chunks = (T_MAX + LANES - 1) / LANES,
  localparam int unsigned ChW    = $clog2(Chunks + 1),
  localparam int unsigned SumW   = 16 + LenW
) (
  input logic                   clk_i,
  input logic                   rst_ni,
  input logic                   in_valid_i,
  input logic                   in_ready_o,
  input logic [LANES*IN_W-1:0]  in_score_i,
  input logic [LANES-1:0]       in_keep_i,
  input logic [LenW-1:0]        in_len_i,
  input logic [14:0]            in_mult_i,
  input logic [5:0]             in_shift_i,
  input logic                   in_last_i,
  input logic                   out_valid_o,
  input logic                   out_ready_i,
  input logic [LANES*8-1:0]     out_p_o,
  input logic                   out_err_o,
  input logic                   out_last_o,
  input logic [1:0]             state_q,
  input logic [ChW-1:0]         chunk_q,
  input logic [ChW-1:0]         nbeats,
  input logic [LenW-1:0]        len_q,
  input logic [SumW-1:0]        sum_q,
  input logic                   div_start,
  input logic                   emit_start,
  input logic                   emit_busy
);

  localparam logic [1:0] Load = 2'd0, Exp = 2'd1, Div = 2'd2;

  esact_stream_chk #(.DataW(LANES*(IN_W+1)+LenW+21), .HasLast(1'b1), .LastGated(1'b0), .Assumed(1'b1))
  u_in_chk (
    .clk_i, .rst_ni, .valid(in_valid_i), .ready(in_ready_o), .last(in_last_i),
    .data({in_score_i, in_keep_i, in_len_i, in_mult_i, in_shift_i})
  );
  esact_stream_chk #(.DataW(LANES*8+1), .HasLast(1'b1)) u_out_chk (
    .clk_i, .rst_ni, .valid(out_valid_o), .ready(out_ready_i), .last(out_last_o),
    .data({out_p_o, out_err_o})
  );

  logic busy_row;
  assign busy_row = state_q == Exp || state_q == Div || emit_start;

  `ASSERT(StateLegal_A, state_q <= Div, clk_i, rst_ni)
  `ASSERT_IF(EmitOnlyInLoad_A, state_q == Load && !in_ready_o, emit_busy, clk_i, rst_ni)
  `ASSERT_IF(RowLenLegal_A, len_q != '0 && 32'(len_q) <= T_MAX, busy_row, clk_i, rst_ni)
  `ASSERT_IF(ExpChunkInRow_A, chunk_q < nbeats, state_q == Exp, clk_i, rst_ni)
  `ASSERT_IF(DivisorNonZero_A, sum_q != '0, div_start, clk_i, rst_ni)
  `ASSERT_IF(ErrBeatIsLast_A, out_last_o, out_valid_o && out_err_o, clk_i, rst_ni)
  `COVER(ErrorRow_C, out_valid_o && out_err_o, clk_i, rst_ni)
  `COVER(FullRow_C, state_q == Exp && 32'(nbeats) == Chunks, clk_i, rst_ni)

endmodule

bind softmax softmax_assert #(.T_MAX(T_MAX), .LANES(LANES), .IN_W(IN_W)) u_softmax_assert (.*, .state_q(state_q));
