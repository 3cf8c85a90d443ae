// Copyright ESACT verification project contributors.
// SPDX-License-Identifier: Apache-2.0
//
// hlog_mul_fpv: FPV testbench of the shift-add HLog product.  Two free WIDTH-bit values
// are HLog-encoded (every legal code pair is reachable) and the shift-add product must
// equal the exact product of the two levels (a real multiplication in the spec).

`include "prim_assert.svh"

module hlog_mul_fpv #(
  parameter int unsigned WIDTH = 8,
  parameter bit          ROUND = 1'b0,
  localparam int unsigned ExpW  = $clog2(WIDTH),
  localparam int unsigned ProdW = 2 * WIDTH
) (
  input logic             clk_i,
  input logic             rst_ni,
  input logic [WIDTH-1:0] a_i,
  input logic [WIDTH-1:0] b_i
);

  logic             a_zero, a_sign, a_half, b_zero, b_sign, b_half;
  logic [ExpW-1:0]  a_exp, b_exp;
  logic [WIDTH-1:0] a_val, b_val;
  logic [ProdW-1:0] prod;
  logic signed [ProdW-1:0] exact;

  hlog_enc #(.WIDTH(WIDTH), .ROUND(ROUND)) u_enc_a (
    .x_i(a_i), .zero_o(a_zero), .sign_o(a_sign), .exp_o(a_exp), .half_o(a_half), .value_o(a_val)
  );
  hlog_enc #(.WIDTH(WIDTH), .ROUND(ROUND)) u_enc_b (
    .x_i(b_i), .zero_o(b_zero), .sign_o(b_sign), .exp_o(b_exp), .half_o(b_half), .value_o(b_val)
  );
  hlog_mul #(.WIDTH(WIDTH)) u_dut (
    .a_zero_i(a_zero), .a_sign_i(a_sign), .a_exp_i(a_exp), .a_half_i(a_half),
    .b_zero_i(b_zero), .b_sign_i(b_sign), .b_exp_i(b_exp), .b_half_i(b_half), .prod_o(prod)
  );

  assign exact = ProdW'($signed(a_val)) * ProdW'($signed(b_val));

  `ASSERT(HlogMulExact_A, $signed(prod) == exact, clk_i, rst_ni)
  `ASSERT_IF(ZeroOperandZeroProduct_A, prod == '0, a_zero || b_zero, clk_i, rst_ni)
  `COVER(BothHalf_C, a_half && b_half && !a_zero && !b_zero, clk_i, rst_ni)
  `COVER(NegativeProduct_C, $signed(prod) < 0, clk_i, rst_ni)

endmodule
