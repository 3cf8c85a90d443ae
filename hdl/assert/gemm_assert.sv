// Copyright ESACT verification project contributors.
// SPDX-License-Identifier: Apache-2.0
//
// gemm_assert: port rules of the gemm wrapper's operand load stream (its command and
// result streams are gemm_core's, checked by gemm_core_assert), and the wrapper's rule
// that no operand is written while a job runs (the engine reads them combinationally).

// checker code is not part of the RTL's code coverage
/* verilator coverage_off */

`include "prim_assert.svh"

module gemm_assert #(
  parameter int unsigned PE_C    = 8,
  parameter int unsigned LdRowW  = 7,
  parameter int unsigned LdWordW = 4
) (
  input logic               clk_i,
  input logic               rst_ni,
  input logic               ld_valid_i,
  input logic               ld_ready_o,
  input logic               ld_sel_i,
  input logic [LdRowW-1:0]  ld_row_i,
  input logic [LdWordW-1:0] ld_word_i,
  input logic [PE_C*8-1:0]  ld_data_i,
  input logic               busy
);

  esact_stream_chk #(.DataW(1+LdRowW+LdWordW+PE_C*8), .Assumed(1'b1)) u_ld_chk (
    .clk_i, .rst_ni, .valid(ld_valid_i), .ready(ld_ready_o), .last(1'b0),
    .data({ld_sel_i, ld_row_i, ld_word_i, ld_data_i})
  );

  `ASSERT_IF(NoLoadWhileBusy_A, !busy, ld_valid_i && ld_ready_o, clk_i, rst_ni)
  `COVER(LoadHeldByJob_C, ld_valid_i && busy, clk_i, rst_ni)

endmodule

bind gemm gemm_assert #(.PE_C(PE_C), .LdRowW(LdRowW), .LdWordW(LdWordW)) u_gemm_assert (.*);
