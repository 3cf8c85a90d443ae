// Copyright ESACT verification project contributors.
// SPDX-License-Identifier: Apache-2.0
//
// esact_pipe_ctrl_assert (bound): the pipeline control loses and duplicates no beat --
// the beats taken and not yet delivered are exactly the valid stages -- and a full
// pipeline is stalled by the sink (cover).  The stream rules of the ports are checked
// by the user unit's checker.

// checker code is not part of the RTL's code coverage
/* verilator coverage_off */

`include "prim_assert.svh"

module esact_pipe_ctrl_assert #(
  parameter int unsigned STAGES = 2
) (
  input logic              clk_i,
  input logic              rst_ni,
  input logic              in_valid_i,
  input logic              in_ready_o,
  input logic              out_valid_o,
  input logic              out_ready_i,
  input logic [STAGES-1:0] valid_q
);

  localparam int unsigned OccW = $clog2(STAGES + 1) + 1;

  logic [OccW-1:0] occ_q;
  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      occ_q <= '0;
    end else begin
      occ_q <= occ_q + OccW'(in_valid_i && in_ready_o) - OccW'(out_valid_o && out_ready_i);
    end
  end

  `ASSERT(NoBeatLostOrDuplicated_A, 32'(occ_q) == 32'($countones(valid_q)), clk_i, rst_ni)
  `COVER(PipelineFull_C, (&valid_q) && !out_ready_i, clk_i, rst_ni)

endmodule

bind esact_pipe_ctrl esact_pipe_ctrl_assert #(.STAGES(STAGES)) u_esact_pipe_ctrl_assert (.*);
