// Copyright ESACT verification project contributors.
// SPDX-License-Identifier: Apache-2.0
//
// esact_param_buf_assert (bound): the write rules of the parameter buffers.  A decoded
// load beat (esact_load drops and flags a beat that addresses no buffer) must land
// inside its buffer: the row below the buffer's depth and the word's first column or
// tile, or the vector's first value, below the buffer's width -- checked in the cycle of
// the write, before a power-of-two array could wrap the index.  (The read ports carry
// no such rule: their enables span a whole stage, indices past the end read zero.)
// Covers: the last row and the last word of the input, the last row of W2, the last
// value group of an FFN-wide and of a hidden-wide vector.
//
// The buffers have no reset (their contents are loaded, not reset), so the rules hold in
// every cycle: the checker's reset input is tied high by the bind.

// checker code is not part of the RTL's code coverage
/* verilator coverage_off */

`include "prim_assert.svh"

module esact_param_buf_assert
  import esact_pkg::*;
#(
  parameter int unsigned T_MAX        = 128,
  parameter int unsigned D_MAX        = 384,
  parameter int unsigned F_MAX        = 1536,
  parameter int unsigned PE_C         = 8,
  parameter int unsigned LdBytes      = 64,
  localparam int unsigned LdWordIdxW  = $clog2((F_MAX + LdBytes - 1) / LdBytes),
  localparam int unsigned DTiles      = D_MAX / PE_C,
  localparam int unsigned FTiles      = F_MAX / PE_C,
  localparam int unsigned TilesPerWord = LdBytes / PE_C,
  localparam int unsigned VecVals     = LdBytes / 4,
  localparam int unsigned DWords      = (D_MAX + LdBytes - 1) / LdBytes
) (
  input  logic                  clk_i,
  input  logic                  rst_ni,
  input  logic                  wr_i,
  input  ld_region_e            wr_region_i,
  input  logic [23:0]           wr_row_i,
  input  logic [LdWordIdxW-1:0] wr_word_i
);

  logic [31:0] row, word;
  logic        wr_x, wr_wd, wr_w1, wr_w2, wr_vf, wr_vd;
  assign row  = 32'(wr_row_i);
  assign word = 32'(wr_word_i);

  // the write's buffer kind
  assign wr_x  = wr_i && wr_region_i == RegX;
  assign wr_wd = wr_i && wr_region_i inside {RegWq, RegWk, RegWv, RegWo};
  assign wr_w1 = wr_i && wr_region_i == RegW1;
  assign wr_w2 = wr_i && wr_region_i == RegW2;
  assign wr_vf = wr_i && wr_region_i inside {RegB1, RegMf1, RegMg};
  assign wr_vd = wr_i && wr_region_i inside {RegBq, RegBk, RegBv, RegBo, RegB2, RegMq, RegMk, RegMv, RegMctx,
                                             RegMo, RegMxr, RegMf2, RegMhr, RegPq, RegPk, RegLn1G, RegLn1B,
                                             RegLn2G, RegLn2B};

  `ASSERT_IF(WriteRegionKnown_A, wr_x || wr_wd || wr_w1 || wr_w2 || wr_vf || wr_vd, wr_i, clk_i, rst_ni)
  `ASSERT_IF(XWriteInDepth_A, row < T_MAX && word * LdBytes < D_MAX, wr_x, clk_i, rst_ni)
  `ASSERT_IF(WdWriteInDepth_A, row < D_MAX && word * TilesPerWord < DTiles, wr_wd, clk_i, rst_ni)
  `ASSERT_IF(W1WriteInDepth_A, row < D_MAX && word * TilesPerWord < FTiles, wr_w1, clk_i, rst_ni)
  `ASSERT_IF(W2WriteInDepth_A, row < F_MAX && word * TilesPerWord < DTiles, wr_w2, clk_i, rst_ni)
  `ASSERT_IF(VecFfnWriteInDepth_A, row * VecVals < F_MAX, wr_vf, clk_i, rst_ni)
  `ASSERT_IF(VecHidWriteInDepth_A, row * VecVals < D_MAX, wr_vd, clk_i, rst_ni)

  `COVER(XLastRow_C, wr_x && row == T_MAX - 1, clk_i, rst_ni)
  `COVER(XLastWord_C, wr_x && word == DWords - 1, clk_i, rst_ni)
  `COVER(W2LastRow_C, wr_w2 && row == F_MAX - 1, clk_i, rst_ni)
  `COVER(VecFfnLastGroup_C, wr_vf && (row + 1) * VecVals >= F_MAX, clk_i, rst_ni)
  `COVER(VecHidLastGroup_C, wr_vd && (row + 1) * VecVals >= D_MAX, clk_i, rst_ni)

endmodule

bind esact_param_buf esact_param_buf_assert #(.T_MAX(T_MAX), .D_MAX(D_MAX), .F_MAX(F_MAX), .PE_C(PE_C),
  .LdBytes(LdBytes)) u_esact_param_buf_assert (.*, .rst_ni(1'b1));
