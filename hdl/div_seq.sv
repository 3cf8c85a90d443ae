// Copyright ESACT verification project contributors.
// SPDX-License-Identifier: Apache-2.0
//
// div_seq: sequential unsigned restoring divider, one quotient bit per cycle.
// start_i (one cycle, while idle) latches dividend/divisor; done_o pulses when the
// quotient is ready (NUM_W cycles later).  A zero divisor gives an all-ones quotient;
// the units using this divider never divide by zero (they check first).  The start /
// step / done control is esact_seq_iter's.

module div_seq #(
  parameter int unsigned NUM_W = 64,
  parameter int unsigned DEN_W = 32
) (
  input  logic             clk_i,
  input  logic             rst_ni,
  input  logic             start_i,
  input  logic [NUM_W-1:0] num_i,
  input  logic [DEN_W-1:0] den_i,
  output logic             busy_o,
  output logic             done_o,
  output logic [NUM_W-1:0] quo_o
);

  logic             load, step;
  logic [NUM_W-1:0] quo_d, quo_q;
  logic [DEN_W:0]   rem_d, rem_q;
  logic [DEN_W-1:0] den_d, den_q;
  logic [DEN_W:0]   trial;

  esact_seq_iter #(.STEPS(NUM_W)) u_iter (
    .clk_i, .rst_ni, .start_i, .load_o (load), .step_o (step), .busy_o, .done_o
  );

  always_comb begin
    quo_d = quo_q;
    rem_d = rem_q;
    den_d = den_q;
    trial = '0;
    if (load) begin
      quo_d = num_i;
      rem_d = '0;
      den_d = den_i;
    end else if (step) begin
      // shift the next dividend bit into the partial remainder
      trial = {rem_q[DEN_W-1:0], quo_q[NUM_W-1]};
      if (trial >= {1'b0, den_q}) begin
        rem_d = trial - {1'b0, den_q};
        quo_d = {quo_q[NUM_W-2:0], 1'b1};
      end else begin
        rem_d = trial;
        quo_d = {quo_q[NUM_W-2:0], 1'b0};
      end
    end
  end

  always_ff @(posedge clk_i) begin
    quo_q <= quo_d;
    rem_q <= rem_d;
    den_q <= den_d;
  end

  assign quo_o = quo_q;

endmodule
