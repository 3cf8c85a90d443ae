// Copyright ESACT verification project contributors.
// SPDX-License-Identifier: Apache-2.0
//
// isqrt_seq: sequential floor square root (digit-by-digit, one result bit per cycle)
// of an unsigned RAD_W-bit radicand (RAD_W even).  start_i latches the radicand;
// done_o pulses RAD_W/2 cycles later with root_o = floor(sqrt(rad_i)).  The start /
// step / done control is esact_seq_iter's.

module isqrt_seq #(
  parameter int unsigned RAD_W = 64,
  localparam int unsigned RootW = RAD_W / 2
) (
  input  logic             clk_i,
  input  logic             rst_ni,
  input  logic             start_i,
  input  logic [RAD_W-1:0] rad_i,
  output logic             busy_o,
  output logic             done_o,
  output logic [RootW-1:0] root_o
);

  logic             load, step;
  logic [RAD_W-1:0] rad_d, rad_q;   // radicand bits still to bring down (MSBs first)
  logic [RootW+1:0] rem_d, rem_q;   // partial remainder
  logic [RootW-1:0] root_d, root_q;
  logic [RootW+1:0] trial;
  logic [RootW+1:0] sub;

  esact_seq_iter #(.STEPS(RootW)) u_iter (
    .clk_i, .rst_ni, .start_i, .load_o (load), .step_o (step), .busy_o, .done_o
  );

  always_comb begin
    rad_d  = rad_q;
    rem_d  = rem_q;
    root_d = root_q;
    trial  = '0;
    sub    = '0;
    if (load) begin
      rad_d  = rad_i;
      rem_d  = '0;
      root_d = '0;
    end else if (step) begin
      // bring down the next two radicand bits; try root digit 1: subtract 4*root + 1
      trial = {rem_q[RootW-1:0], rad_q[RAD_W-1 -: 2]};
      sub   = {root_q, 2'b01};
      rad_d = {rad_q[RAD_W-3:0], 2'b00};
      if (trial >= sub) begin
        rem_d  = trial - sub;
        root_d = {root_q[RootW-2:0], 1'b1};
      end else begin
        rem_d  = trial;
        root_d = {root_q[RootW-2:0], 1'b0};
      end
    end
  end

  always_ff @(posedge clk_i) begin
    rad_q  <= rad_d;
    rem_q  <= rem_d;
    root_q <= root_d;
  end

  assign root_o = root_q;

endmodule
