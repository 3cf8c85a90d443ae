// Copyright ESACT verification project contributors.
// SPDX-License-Identifier: Apache-2.0
//
// div_seq_assert: the divider's rules: it is started only while idle (a rule of its
// users: softmax, layernorm), and the quotient it delivers is floor(num / den) of the
// operands latched at start (all ones for den = 0).  The step counter's rules are
// esact_seq_iter_assert's.

// checker code is not part of the RTL's code coverage
/* verilator coverage_off */

`include "prim_assert.svh"

module div_seq_assert #(
  parameter int unsigned NUM_W = 64,
  parameter int unsigned DEN_W = 32
) (
  input logic             clk_i,
  input logic             rst_ni,
  input logic             start_i,
  input logic [NUM_W-1:0] num_i,
  input logic [DEN_W-1:0] den_i,
  input logic             busy_o,
  input logic             done_o,
  input logic [NUM_W-1:0] quo_o
);

  logic [NUM_W-1:0] num_g;   // operands of the running division (ghost)
  logic [DEN_W-1:0] den_g;
  always_ff @(posedge clk_i) begin
    if (start_i && !busy_o) begin
      num_g <= num_i;
      den_g <= den_i;
    end
  end

  logic [NUM_W-1:0] expect_quo;
  assign expect_quo = (den_g == '0) ? '1 : num_g / NUM_W'(den_g);

  `ASSUME_IF(StartOnlyWhenIdle_M, !busy_o && !done_o, start_i, clk_i, rst_ni)
  `ASSERT_IF(QuotientCorrect_A, quo_o == expect_quo, done_o, clk_i, rst_ni)
  `COVER(DivideByZero_C, done_o && den_g == '0, clk_i, rst_ni)

endmodule

bind div_seq div_seq_assert #(.NUM_W(NUM_W), .DEN_W(DEN_W)) u_div_seq_assert (.*);
