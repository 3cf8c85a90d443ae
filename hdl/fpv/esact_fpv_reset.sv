// Copyright ESACT verification project contributors.
// SPDX-License-Identifier: Apache-2.0
//
// esact_fpv_reset: the reset constraint of every FPV testbench (`make formal` binds it
// into the unit under proof): reset is asserted in the first cycle, so no property is
// checked from the unconstrained power-up state.  Reset may be asserted again later
// (the units reset synchronously), which the proofs cover too.

module esact_fpv_reset (
  input logic clk_i,
  input logic rst_ni
);

  logic f_init = 1'b1;

  always_ff @(posedge clk_i) begin
    f_init <= 1'b0;
  end

  always_comb begin
    if (f_init) assume (!rst_ni);
  end

endmodule
