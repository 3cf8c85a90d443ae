// Copyright ESACT verification project contributors.
// SPDX-License-Identifier: Apache-2.0
//
// hlog_mul: product of two HLog-coded values with shifts and additions only
// (golden model: models/hlog.py, hlog_product):
//   (2^pa + ha 2^(pa-1)) (2^pb + hb 2^(pb-1))
//     = 2^(pa+pb) + (ha + hb) 2^(pa+pb-1) + ha hb 2^(pa+pb-2)
// The half bits are 0 whenever their exponent is 0 (hlog_enc guarantees it), so no
// shift amount is negative when its term is non-zero.

module hlog_mul #(
  parameter int unsigned WIDTH = 8,
  localparam int unsigned ExpW  = $clog2(WIDTH),
  localparam int unsigned ProdW = 2 * WIDTH
) (
  input  logic              a_zero_i,
  input  logic              a_sign_i,
  input  logic [ExpW-1:0]   a_exp_i,
  input  logic              a_half_i,
  input  logic              b_zero_i,
  input  logic              b_sign_i,
  input  logic [ExpW-1:0]   b_exp_i,
  input  logic              b_half_i,
  output logic [ProdW-1:0]  prod_o
);

  logic [ExpW:0]    s;
  logic [ProdW-1:0] mag;
  logic [ProdW-1:0] t_one, t_ha, t_hb, t_hh;

  always_comb begin
    s     = {1'b0, a_exp_i} + {1'b0, b_exp_i};
    t_one = ProdW'(1) << s;
    t_ha  = a_half_i ? (ProdW'(1) << (s - (ExpW+1)'(1))) : '0;
    t_hb  = b_half_i ? (ProdW'(1) << (s - (ExpW+1)'(1))) : '0;
    t_hh  = (a_half_i && b_half_i) ? (ProdW'(1) << (s - (ExpW+1)'(2))) : '0;
    mag   = t_one + t_ha + t_hb + t_hh;
    if (a_zero_i || b_zero_i) begin
      prod_o = '0;
    end else if (a_sign_i ^ b_sign_i) begin
      prod_o = -mag;
    end else begin
      prod_o = mag;
    end
  end

endmodule
