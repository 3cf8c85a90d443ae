// Copyright ESACT verification project contributors.
// SPDX-License-Identifier: Apache-2.0
//
// esact_row_out_assert (bound): the rules of the row emitter's user and its own: a
// packet starts only while the emitter is idle and is of one kind (row or error), a row
// has at least one beat and its beat count holds until the row is done, the beat being
// output stays inside the row (the engine's payload index is inside its buffer), and the
// state is legal.  The stream rules of the output are checked by the engine's checker.
// Covers: a one-beat row, a row stalled by the sink, an error beat stalled by the sink.
// Assumed = 1 makes the user's rules assumptions (formal: the emitter proven alone).

// checker code is not part of the RTL's code coverage
/* verilator coverage_off */

`include "prim_assert.svh"

module esact_row_out_assert #(
  parameter int unsigned ChW     = 4,
  parameter bit          Assumed = 1'b0
) (
  input logic           clk_i,
  input logic           rst_ni,
  input logic           start_i,
  input logic           err_i,
  input logic [ChW-1:0] nbeats_i,
  input logic [1:0]     state_q,
  input logic [ChW-1:0] beat_q,
  input logic           reg_free
);

  localparam logic [1:0] Idle = 2'd0, Row = 2'd1, ErrBeat = 2'd2;

  // the beat count of the previous cycle (in a row's first cycle: the count at its start)
  logic [ChW-1:0] nbeats_q;
  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      nbeats_q <= '0;
    end else begin
      nbeats_q <= nbeats_i;
    end
  end

  `ASSERT(StateLegal_A, state_q <= ErrBeat, clk_i, rst_ni)
  if (Assumed) begin : g_user_assumed
    `ASSUME_IF(StartWhenIdle_M, state_q == Idle, start_i || err_i, clk_i, rst_ni)
    `ASSUME_IF(StartOneKind_M, !(start_i && err_i), start_i || err_i, clk_i, rst_ni)
    `ASSUME_IF(RowNotEmpty_M, nbeats_i != '0, start_i, clk_i, rst_ni)
    `ASSUME_IF(BeatsStable_M, nbeats_i == nbeats_q, state_q == Row, clk_i, rst_ni)
  end else begin : g_user_asserted
    `ASSERT_IF(StartWhenIdle_A, state_q == Idle, start_i || err_i, clk_i, rst_ni)
    `ASSERT_IF(StartOneKind_A, !(start_i && err_i), start_i || err_i, clk_i, rst_ni)
    `ASSERT_IF(RowNotEmpty_A, nbeats_i != '0, start_i, clk_i, rst_ni)
    `ASSERT_IF(BeatsStable_A, nbeats_i == nbeats_q, state_q == Row, clk_i, rst_ni)
  end
  `ASSERT_IF(BeatInRow_A, beat_q < nbeats_i, state_q == Row, clk_i, rst_ni)

  `COVER(OneBeatRow_C, start_i && nbeats_i == ChW'(1), clk_i, rst_ni)
  `COVER(RowStalled_C, state_q == Row && !reg_free, clk_i, rst_ni)
  `COVER(ErrStalled_C, state_q == ErrBeat && !reg_free, clk_i, rst_ni)

endmodule

bind esact_row_out esact_row_out_assert #(.ChW(ChW)) u_esact_row_out_assert (.*, .state_q(state_q));
