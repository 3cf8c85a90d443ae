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

  localparam int unsigned CodeW = LANES * (WIDTH + ExpW + 3);

  logic [LANES-1:0]       zero_d, sign_d, half_d;
  logic [LANES*ExpW-1:0]  exp_d;
  logic [LANES*WIDTH-1:0] value_d;
  logic [CodeW-1:0]       code_q;
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

  // one register stage: the output register takes a beat whenever it is free
  assign load = in_valid_i && in_ready_o;

  esact_stream_reg #(.Width(CodeW)) u_out_reg (
    .clk_i,
    .rst_ni,
    .free_o  (in_ready_o),
    .load_i  (load),
    .data_i  ({zero_d, sign_d, exp_d, half_d, value_d}),
    .valid_o (out_valid_o),
    .ready_i (out_ready_i),
    .data_o  (code_q)
  );

  assign {out_zero_o, out_sign_o, out_exp_o, out_half_o, out_value_o} = code_q;

endmodule
