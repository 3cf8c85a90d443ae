// Copyright ESACT verification project contributors.
// SPDX-License-Identifier: Apache-2.0
//
// esact_stream_reg_assert: the rule of the output-register primitive's user: a beat is
// loaded only while the register is free (a load over a waiting beat would lose it).
// The stream rules of the register's output are checked by the user's own checker
// (its output port).

// checker code is not part of the RTL's code coverage
/* verilator coverage_off */

`include "prim_assert.svh"

module esact_stream_reg_assert (
  input logic clk_i,
  input logic rst_ni,
  input logic free_o,
  input logic load_i
);

  `ASSERT_IF(LoadOnlyWhenFree_A, free_o, load_i, clk_i, rst_ni)

endmodule

bind esact_stream_reg esact_stream_reg_assert u_esact_stream_reg_assert (.*);
