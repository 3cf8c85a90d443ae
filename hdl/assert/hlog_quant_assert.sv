// Copyright ESACT verification project contributors.
// SPDX-License-Identifier: Apache-2.0
//
// hlog_quant_assert: port rules of hlog_quant and its functional specification: every
// output lane equals the HLog level set's choice for the input beat that produced it
// (esact_hlog_spec: largest level <= |x|, or nearest level with ties up and positive
// saturation).  The spec enumerates the level set; it shares no logic with hlog_enc's
// leading-one encoder, so `make formal` proving HlogSpecEquiv_A is an equivalence
// check of the quantizer against the level set over all inputs.

// checker code is not part of the RTL's code coverage
/* verilator coverage_off */

`include "prim_assert.svh"

module hlog_quant_assert #(
  parameter int unsigned WIDTH = 8,
  parameter int unsigned LANES = 1,
  parameter bit          ROUND = 1'b0,
  localparam int unsigned ExpW = $clog2(WIDTH)
) (
  input logic                   clk_i,
  input logic                   rst_ni,
  input logic                   in_valid_i,
  input logic                   in_ready_o,
  input logic [LANES*WIDTH-1:0] in_data_i,
  input logic                   out_valid_o,
  input logic                   out_ready_i,
  input logic [LANES-1:0]       out_zero_o,
  input logic [LANES-1:0]       out_sign_o,
  input logic [LANES*ExpW-1:0]  out_exp_o,
  input logic [LANES-1:0]       out_half_o,
  input logic [LANES*WIDTH-1:0] out_value_o
);

  esact_stream_chk #(.DataW(LANES*WIDTH), .Assumed(1'b1)) u_in_chk (
    .clk_i, .rst_ni, .valid(in_valid_i), .ready(in_ready_o), .last(1'b0), .data(in_data_i)
  );
  esact_stream_chk #(.DataW(LANES*(WIDTH+ExpW+3))) u_out_chk (
    .clk_i, .rst_ni, .valid(out_valid_o), .ready(out_ready_i), .last(1'b0),
    .data({out_zero_o, out_sign_o, out_exp_o, out_half_o, out_value_o})
  );

  // the input beat behind the output register (ghost copy)
  logic [LANES*WIDTH-1:0] x_q;
  always_ff @(posedge clk_i) begin
    if (in_valid_i && in_ready_o) x_q <= in_data_i;
  end

  logic [LANES*(WIDTH+ExpW+3)-1:0] spec, dut;
  for (genvar l = 0; l < LANES; l++) begin : g_lane
    esact_hlog_spec #(.WIDTH(WIDTH), .ROUND(ROUND)) u_spec (
      .x_i    (x_q[l*WIDTH +: WIDTH]),
      .code_o (spec[l*(WIDTH+ExpW+3) +: WIDTH+ExpW+3])
    );
    assign dut[l*(WIDTH+ExpW+3) +: WIDTH+ExpW+3] = {out_zero_o[l], out_sign_o[l], out_exp_o[l*ExpW +: ExpW],
                                                     out_half_o[l], out_value_o[l*WIDTH +: WIDTH]};
  end

  logic equiv;
  assign equiv = dut == spec;

  `ASSERT_IF(HlogSpecEquiv_A, equiv, out_valid_o, clk_i, rst_ni)
  `ASSERT_IF(InReadyWhenEmpty_A, in_ready_o, !out_valid_o, clk_i, rst_ni)
  `COVER(FullThroughput_C, in_valid_i && in_ready_o && out_valid_o && out_ready_i, clk_i, rst_ni)

endmodule

bind hlog_quant hlog_quant_assert #(.WIDTH(WIDTH), .LANES(LANES), .ROUND(ROUND)) u_hlog_quant_assert (.*);
