// Copyright ESACT verification project contributors.
// SPDX-License-Identifier: Apache-2.0
//
// esact_seq_iter_assert: the iteration control's rules: the step counter stays inside
// 1..STEPS while busy and is 0 when idle (no wrap), and done follows the last step
// (never while busy).  The operand / result rules are the users' (div_seq_assert,
// isqrt_seq_assert).

// checker code is not part of the RTL's code coverage
/* verilator coverage_off */

`include "prim_assert.svh"

module esact_seq_iter_assert #(
  parameter int unsigned STEPS = 32,
  localparam int unsigned CntW = $clog2(STEPS + 1)
) (
  input logic            clk_i,
  input logic            rst_ni,
  input logic            busy_o,
  input logic            done_o,
  input logic [CntW-1:0] cnt_q
);

  `ASSERT_IF(CountInRangeBusy_A, cnt_q != '0 && 32'(cnt_q) <= STEPS, busy_o, clk_i, rst_ni)
  `ASSERT_IF(CountZeroIdle_A, cnt_q == '0, !busy_o, clk_i, rst_ni)
  `ASSERT_IF(DoneNotBusy_A, !busy_o, done_o, clk_i, rst_ni)

endmodule

bind esact_seq_iter esact_seq_iter_assert #(.STEPS(STEPS)) u_esact_seq_iter_assert (.*);
