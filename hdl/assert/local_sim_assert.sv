// Copyright ESACT verification project contributors.
// SPDX-License-Identifier: Apache-2.0
//
// local_sim_assert: port rules of local_sim and its invariants: legal FSM state, the
// column-mask index inside the heads (buffer index checked before the read), and the
// reuse map's rules: a representative never follows its row, and a reused row lies
// inside the window of its representative; an illegal sequence (a beat past the last
// head) stays an error to its end and makes no representative.  Covers: a skipped
// (reused) row and reuse at the window edge (i - r = W - 1).

// checker code is not part of the RTL's code coverage
/* verilator coverage_off */

`include "prim_assert.svh"

module local_sim_assert #(
  parameter int unsigned T_MAX = 128,
  parameter int unsigned H_MAX = 12,
  localparam int unsigned IdxW = $clog2(T_MAX + 1),
  localparam int unsigned HW   = $clog2(H_MAX + 2),
  localparam int unsigned OvW  = $clog2(H_MAX * T_MAX + 1)
) (
  input logic              clk_i,
  input logic              rst_ni,
  input logic              in_valid_i,
  input logic              in_ready_o,
  input logic [T_MAX-1:0]  in_mask_i,
  input logic              in_head_last_i,
  input logic              in_last_i,
  input logic [IdxW-1:0]   in_window_i,
  input logic [OvW-1:0]    in_thr_i,
  input logic [HW-1:0]     in_heads_i,
  input logic              out_valid_o,
  input logic              out_ready_i,
  input logic              out_kind_o,
  input logic [IdxW-1:0]   out_row_o,
  input logic [IdxW-1:0]   out_rep_o,
  input logic [OvW-1:0]    out_overlap_o,
  input logic [T_MAX-1:0]  out_mask_o,
  input logic              out_err_o,
  input logic              out_last_o,
  input logic [1:0]        state_q,
  input logic [HW-1:0]     col_idx_q,
  input logic [HW-1:0]     heads_q,
  input logic [IdxW-1:0]   window_q,
  input logic              accept,
  input logic [HW-1:0]     cur_head,
  input logic              first_q,
  input logic              err_d,
  input logic              err_q,
  input logic              new_rep
);

  localparam logic [1:0] Cols = 2'd1, Err = 2'd2;

  esact_stream_chk #(.DataW(T_MAX+1+IdxW+OvW+HW), .HasLast(1'b1), .LastGated(1'b0), .Assumed(1'b1)) u_in_chk (
    .clk_i, .rst_ni, .valid(in_valid_i), .ready(in_ready_o), .last(in_last_i),
    .data({in_mask_i, in_head_last_i, in_window_i, in_thr_i, in_heads_i})
  );
  esact_stream_chk #(.DataW(2+2*IdxW+OvW+T_MAX), .HasLast(1'b1)) u_out_chk (
    .clk_i, .rst_ni, .valid(out_valid_o), .ready(out_ready_i), .last(out_last_o),
    .data({out_kind_o, out_row_o, out_rep_o, out_overlap_o, out_mask_o, out_err_o})
  );

  logic row_beat;   // a row result (kind 0) leaves
  assign row_beat = out_valid_o && !out_kind_o && !out_err_o;

  `ASSERT(StateLegal_A, state_q <= Err, clk_i, rst_ni)
  `ASSERT_IF(ColIdxInHeads_A, col_idx_q < heads_q && heads_q != '0 && 32'(heads_q) <= H_MAX,
             state_q == Cols, clk_i, rst_ni)
  `ASSERT_IF(RepNotAfterRow_A, out_rep_o <= out_row_o, row_beat, clk_i, rst_ni)
  `ASSERT_IF(ReuseInsideWindow_A, out_row_o - out_rep_o < window_q, row_beat && out_rep_o != out_row_o, clk_i,
             rst_ni)
  `ASSERT_IF(ErrBeatIsLast_A, out_last_o, out_valid_o && out_err_o, clk_i, rst_ni)
  // an illegal sequence stays illegal to its end: a beat past the last head is an error,
  // the error is held until the next sequence, and only an error-free row becomes a
  // representative (so a row mask is read only after every head of its row wrote it)
  `ASSERT_IF(HeadPastMaxErr_A, err_d, accept && 32'(cur_head) >= H_MAX, clk_i, rst_ni)
  `ASSERT_IF(ErrHeldInSequence_A, err_d, err_q && !first_q, clk_i, rst_ni)
  `ASSERT_IF(NewRepOnlyLegal_A, !err_d, new_rep, clk_i, rst_ni)
  `COVER(SkippedRow_C, row_beat && out_rep_o != out_row_o, clk_i, rst_ni)
  `COVER(ReuseAtWindowEdge_C, row_beat && out_rep_o != out_row_o && out_row_o - out_rep_o == window_q - 1,
         clk_i, rst_ni)

endmodule

bind local_sim local_sim_assert #(.T_MAX(T_MAX), .H_MAX(H_MAX)) u_local_sim_assert (.*, .state_q(state_q));
