// Copyright ESACT verification project contributors.
// SPDX-License-Identifier: Apache-2.0
//
// esact_ln_stage_assert (bound): the LayerNorm step's rules: the source row of the
// residual sum (a representative) never after the row, every output write inside the
// sequence and the hidden size (checked in the cycle of the write), and layernorm
// reports no error for the stage's (legal) rows.

// checker code is not part of the RTL's code coverage
/* verilator coverage_off */

`include "prim_assert.svh"

module esact_ln_stage_assert
  import esact_pkg::*;
#(
  parameter int unsigned T_MAX    = 128,
  parameter int unsigned D_MAX    = 384,
  parameter int unsigned PE_C     = 8,
  localparam int unsigned RowIdxW = $clog2(T_MAX),
  localparam int unsigned ChIdxW  = $clog2(D_MAX)
) (
  input  logic               clk_i,
  input  logic               rst_ni,
  input  cfg_t               cfg_i,
  input  logic               in_valid,
  input  logic [RowIdxW-1:0] row_o,
  input  logic [RowIdxW-1:0] src_o,
  input  logic               y_wr_o,
  input  logic [RowIdxW-1:0] y_row_o,
  input  logic [ChIdxW-1:0]  y_chunk_o,
  input  logic               out_valid,
  input  logic               out_err
);

  `ASSERT_IF(SourceNotAfterRow_A, src_o <= row_o, in_valid, clk_i, rst_ni)
  `ASSERT_IF(LnWriteInRow_A, 32'(y_row_o) < 32'(cfg_i.seq_len) && 32'(y_chunk_o) * PE_C < 32'(cfg_i.hidden),
             y_wr_o, clk_i, rst_ni)
  `ASSERT_IF(LayerNormNoError_A, !out_err, out_valid, clk_i, rst_ni)

  logic unused_cfg;  // the checker reads some fields of the configuration
  assign unused_cfg = ^cfg_i;

endmodule

bind esact_ln_stage esact_ln_stage_assert #(.T_MAX(T_MAX), .D_MAX(D_MAX), .PE_C(PE_C)) u_esact_ln_stage_assert (.*);
