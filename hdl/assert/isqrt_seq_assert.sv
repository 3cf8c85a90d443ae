// Copyright ESACT verification project contributors.
// SPDX-License-Identifier: Apache-2.0
//
// isqrt_seq_assert: the square root's rules: started only while idle, and the root it
// delivers is floor(sqrt(rad)) of the radicand latched at start:
// root^2 <= rad < (root + 1)^2.  The step counter's rules are esact_seq_iter_assert's.

// checker code is not part of the RTL's code coverage
/* verilator coverage_off */

`include "prim_assert.svh"

module isqrt_seq_assert #(
  parameter int unsigned RAD_W = 64,
  localparam int unsigned RootW = RAD_W / 2
) (
  input logic             clk_i,
  input logic             rst_ni,
  input logic             start_i,
  input logic [RAD_W-1:0] rad_i,
  input logic             busy_o,
  input logic             done_o,
  input logic [RootW-1:0] root_o
);

  logic [RAD_W-1:0] rad_g;
  always_ff @(posedge clk_i) begin
    if (start_i && !busy_o) rad_g <= rad_i;
  end

  logic [RAD_W+1:0] lo, hi;
  assign lo = (RAD_W+2)'(root_o) * (RAD_W+2)'(root_o);
  assign hi = ((RAD_W+2)'(root_o) + 1) * ((RAD_W+2)'(root_o) + 1);

  `ASSERT_INIT(RadWidthEven_A, RAD_W % 2 == 0 && RAD_W >= 4)
  `ASSUME_IF(StartOnlyWhenIdle_M, !busy_o && !done_o, start_i, clk_i, rst_ni)
  `ASSERT_IF(RootCorrect_A, lo <= (RAD_W+2)'(rad_g) && (RAD_W+2)'(rad_g) < hi, done_o, clk_i, rst_ni)
  `COVER(PerfectSquare_C, done_o && lo == (RAD_W+2)'(rad_g) && rad_g != '0, clk_i, rst_ni)

endmodule

bind isqrt_seq isqrt_seq_assert #(.RAD_W(RAD_W)) u_isqrt_seq_assert (.*);
