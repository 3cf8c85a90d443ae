// Copyright ESACT verification project contributors.
// SPDX-License-Identifier: Apache-2.0
//
// hlog_quant: streaming HLog quantizer, LANES signed WIDTH-bit values per beat.
//
// Input stream  : in_valid_i / in_ready_o, in_data_i = LANES packed values (lane 0 in
//                 the least significant bits).
// Output stream : out_valid_o / out_ready_i, per lane the HLog code {zero, sign, exp,
//                 half} and the reconstructed value (same signed WIDTH-bit range).
// One register stage, full throughput (one beat per cycle when out_ready_i is high);
// in_ready_o depends combinationally on out_ready_i.
// Golden model: models/hlog.py.

module hlog_quant #(
  parameter int unsigned WIDTH = 8,
  parameter int unsigned LANES = 1,
  parameter bit          ROUND = 1'b0,
  localparam int unsigned ExpW = $clog2(WIDTH)
) (
  input  logic                   clk_i,
  input  logic                   rst_ni,

  input  logic                   in_valid_i,
  output logic                   in_ready_o,
  input  logic [LANES*WIDTH-1:0] in_data_i,

  output logic                   out_valid_o,
  input  logic                   out_ready_i,
  output logic [LANES-1:0]       out_zero_o,
  output logic [LANES-1:0]       out_sign_o,
  output logic [LANES*ExpW-1:0]  out_exp_o,
  output logic [LANES-1:0]       out_half_o,
  output logic [LANES*WIDTH-1:0] out_value_o
);

  logic [LANES-1:0]       zero_d, zero_q;
  logic [LANES-1:0]       sign_d, sign_q;
  logic [LANES*ExpW-1:0]  exp_d, exp_q;
  logic [LANES-1:0]       half_d, half_q;
  logic [LANES*WIDTH-1:0] value_d, value_q;
  logic                   valid_d, valid_q;
  logic                   load;

  for (genvar l = 0; l < LANES; l++) begin : g_lane
    hlog_enc #(
      .WIDTH (WIDTH),
      .ROUND (ROUND)
    ) u_enc (
      .x_i     (in_data_i[l*WIDTH +: WIDTH]),
      .zero_o  (zero_d[l]),
      .sign_o  (sign_d[l]),
      .exp_o   (exp_d[l*ExpW +: ExpW]),
      .half_o  (half_d[l]),
      .value_o (value_d[l*WIDTH +: WIDTH])
    );
  end

  assign in_ready_o = !valid_q || out_ready_i;
  assign load       = in_valid_i && in_ready_o;

  always_comb begin
    valid_d = valid_q;
    if (load) begin
      valid_d = 1'b1;
    end else if (out_ready_i) begin
      valid_d = 1'b0;
    end
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      valid_q <= 1'b0;
    end else begin
      valid_q <= valid_d;
    end
  end

  // Data flops load only with a new beat; they need no reset because out_valid_o
  // qualifies them.
  always_ff @(posedge clk_i) begin
    if (load) begin
      zero_q  <= zero_d;
      sign_q  <= sign_d;
      exp_q   <= exp_d;
      half_q  <= half_d;
      value_q <= value_d;
    end
  end

  assign out_valid_o = valid_q;
  assign out_zero_o  = zero_q;
  assign out_sign_o  = sign_q;
  assign out_exp_o   = exp_q;
  assign out_half_o  = half_q;
  assign out_value_o = value_q;

endmodule
