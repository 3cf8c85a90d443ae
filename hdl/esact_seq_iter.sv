// Copyright ESACT verification project contributors.
// SPDX-License-Identifier: Apache-2.0
//
// esact_seq_iter: the control of a sequential iteration of STEPS steps, one per cycle
// (div_seq, isqrt_seq).  start_i while idle loads the operands (load_o) and makes the
// unit busy; every busy cycle is one step (step_o); done_o pulses in the cycle after
// the last step, when the result is ready.  start_i while busy is ignored.

module esact_seq_iter #(
  parameter int unsigned STEPS = 32,
  localparam int unsigned CntW = $clog2(STEPS + 1)
) (
  input  logic clk_i,
  input  logic rst_ni,
  input  logic start_i,
  output logic load_o,    // the operands are taken in this cycle
  output logic step_o,    // one step of the iteration in this cycle
  output logic busy_o,
  output logic done_o
);

  logic [CntW-1:0] cnt_d, cnt_q;    // steps still to do
  logic            busy_d, busy_q;
  logic            done_d, done_q;

  assign load_o = !busy_q && start_i;
  assign step_o = busy_q;

  always_comb begin
    cnt_d  = cnt_q;
    busy_d = busy_q;
    done_d = 1'b0;
    if (load_o) begin
      cnt_d  = CntW'(STEPS);
      busy_d = 1'b1;
    end else if (step_o) begin
      cnt_d = cnt_q - CntW'(1);
      if (cnt_q == CntW'(1)) begin
        busy_d = 1'b0;
        done_d = 1'b1;
      end
    end
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      busy_q <= 1'b0;
      done_q <= 1'b0;
      cnt_q  <= '0;
    end else begin
      busy_q <= busy_d;
      done_q <= done_d;
      cnt_q  <= cnt_d;
    end
  end

  assign busy_o = busy_q;
  assign done_o = done_q;

endmodule
