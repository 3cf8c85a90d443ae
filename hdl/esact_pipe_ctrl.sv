// Copyright ESACT verification project contributors.
// SPDX-License-Identifier: Apache-2.0
//
// esact_pipe_ctrl: the control of a fixed-depth stalling pipeline, shared by the units
// whose datapath is STAGES register stages of one beat each (gelu, requant).  The whole
// pipeline advances (en_o) unless its last stage holds a beat the sink does not take;
// the unit clocks its own stage registers with en_o.  A beat's valid, last and TAG_W-bit
// sideband tag travel here, alongside the unit's data; out_last_o is set only with
// out_valid_o.  Only the valid flops have a reset: valid qualifies last and tag, which
// load with every advance.  One beat per cycle; the latency is STAGES cycles.

module esact_pipe_ctrl #(
  parameter int unsigned STAGES = 2,
  parameter int unsigned TAG_W  = 1
) (
  input  logic             clk_i,
  input  logic             rst_ni,

  input  logic             in_valid_i,
  output logic             in_ready_o,
  input  logic             in_last_i,
  input  logic [TAG_W-1:0] in_tag_i,

  output logic             en_o,      // the stage registers load in this cycle

  output logic             out_valid_o,
  input  logic             out_ready_i,
  output logic             out_last_o,
  output logic [TAG_W-1:0] out_tag_o
);

  localparam int unsigned SideW = TAG_W + 1;  // {last, tag} of a beat

  logic                      en;
  logic [STAGES-1:0]         valid_d, valid_q;
  logic [STAGES*SideW-1:0]   side_d, side_q;
  logic [SideW-1:0]          side_out;

  assign en = !valid_q[STAGES-1] || out_ready_i;

  // stage s takes stage s-1 (stage 0 the input) when the pipeline advances
  assign valid_d = en ? STAGES'({valid_q, in_valid_i}) : valid_q;
  assign side_d  = en ? (STAGES*SideW)'({side_q, in_last_i, in_tag_i}) : side_q;

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      valid_q <= '0;
    end else begin
      valid_q <= valid_d;
    end
  end

  always_ff @(posedge clk_i) begin
    side_q <= side_d;
  end

  assign side_out    = side_q[(STAGES-1)*SideW +: SideW];
  assign en_o        = en;
  assign in_ready_o  = en;
  assign out_valid_o = valid_q[STAGES-1];
  assign out_last_o  = valid_q[STAGES-1] && side_out[TAG_W];  // last only with valid
  assign out_tag_o   = side_out[TAG_W-1:0];

endmodule
