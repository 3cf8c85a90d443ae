// Copyright ESACT verification project contributors.
// SPDX-License-Identifier: Apache-2.0
//
// hlog_enc_fpv: FPV testbench of the combinational HLog encoder.  The input is free
// every cycle; the encoder's code and value must equal the HLog level set's choice
// (esact_hlog_spec) for every input, and the code must be one hlog_mul can take (no half
// bit at exponent 0, an all-zero code for zero).

`include "prim_assert.svh"

module hlog_enc_fpv #(
  parameter int unsigned WIDTH = 8,
  parameter bit          ROUND = 1'b0,
  localparam int unsigned ExpW = $clog2(WIDTH)
) (
  input logic             clk_i,
  input logic             rst_ni,
  input logic [WIDTH-1:0] x_i
);

  logic             zero, sign, half;
  logic [ExpW-1:0]  exp_v;
  logic [WIDTH-1:0] value;
  logic [WIDTH+ExpW+2:0] spec;

  hlog_enc #(.WIDTH(WIDTH), .ROUND(ROUND)) u_dut (
    .x_i, .zero_o(zero), .sign_o(sign), .exp_o(exp_v), .half_o(half), .value_o(value)
  );

  esact_hlog_spec #(.WIDTH(WIDTH), .ROUND(ROUND)) u_spec (.x_i, .code_o(spec));

  `ASSERT(HlogEncSpecEquiv_A, {zero, sign, exp_v, half, value} == spec, clk_i, rst_ni)
  `ASSERT_IF(NoHalfAtExpZero_A, !half, exp_v == '0, clk_i, rst_ni)
  `ASSERT_IF(ZeroCodeClean_A, exp_v == '0 && !half && value == '0, zero, clk_i, rst_ni)
  if (ROUND) begin : g_round
    `COVER(Saturated_C, !x_i[WIDTH-1] && exp_v == ExpW'(WIDTH - 2) && half && x_i > WIDTH'(3 << (WIDTH - 3)),
           clk_i, rst_ni)
  end

endmodule
