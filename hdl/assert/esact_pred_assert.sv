// Copyright ESACT verification project contributors.
// SPDX-License-Identifier: Apache-2.0
//
// esact_pred_assert (bound): the prediction engine's rules: a legal pass state, write
// indices of the keep-mask, reuse-map and column-mask buffers inside the configured
// sizes (checked in the cycle of the write, before the index could wrap), a
// representative never after its row, and no error from topk or local_sim for the
// engine's (legal) packets, the row masks changed only by a local_sim result beat or
// the run's clear, and every Q^/K^ result beat addressed inside the run (row
// below the sequence length, first channel of the lane group below the hidden size).  Covers: a reused row, reuse at the window edge.

// checker code is not part of the RTL's code coverage
/* verilator coverage_off */

`include "prim_assert.svh"

module esact_pred_assert
  import esact_pkg::*;
#(
  parameter int unsigned T_MAX     = 128,
  parameter int unsigned H_MAX     = 12,
  parameter int unsigned D_MAX     = 384,
  parameter int unsigned Lanes     = 16,
  localparam int unsigned LenW     = $clog2(T_MAX + 1),
  localparam int unsigned ChIdxW   = $clog2(D_MAX),
  localparam int unsigned RowIdxW  = $clog2(T_MAX),
  localparam int unsigned HeadCntW = $clog2(H_MAX + 1)
) (
  input  logic                clk_i,
  input  logic                rst_ni,
  input  cfg_t                cfg_i,
  input  logic [2:0]          state_q,
  input  logic                pam,
  input  logic                predict_out_valid,
  input  logic                predict_out_ready,
  input  logic [RowIdxW-1:0]  res_row_q,
  input  logic [ChIdxW-1:0]   res_grp_q,
  input  logic                topk_out_valid,
  input  logic                topk_out_ready,
  input  logic                topk_err,
  input  logic [RowIdxW-1:0]  topk_row_q,
  input  logic [HeadCntW-1:0] topk_head_q,
  input  logic                lsim_out_valid,
  input  logic                lsim_kind,
  input  logic                lsim_err,
  input  logic [LenW-1:0]     lsim_row,
  input  logic [LenW-1:0]     lsim_rep,
  input  logic                clear_i,
  input  logic [T_MAX-1:0]    rep_mask_d,
  input  logic [T_MAX-1:0]    rep_mask_q,
  input  logic [T_MAX-1:0]    kv_mask_d,
  input  logic [T_MAX-1:0]    kv_mask_q
);

  localparam logic [2:0] PredDone = 3'd4;

  logic rep_beat;   // a reuse-map result of local_sim
  assign rep_beat = lsim_out_valid && !lsim_err && !lsim_kind;

  `ASSERT(StateLegal_A, state_q <= PredDone, clk_i, rst_ni)
  `ASSERT_IF(KeepWriteInDepth_A, 32'(topk_head_q) < 32'(cfg_i.heads) && 32'(topk_row_q) < 32'(cfg_i.seq_len),
             topk_out_valid && topk_out_ready, clk_i, rst_ni)
  `ASSERT_IF(RepWriteInDepth_A, 32'(lsim_row) < 32'(cfg_i.seq_len) && lsim_rep <= lsim_row, rep_beat, clk_i, rst_ni)
  `ASSERT_IF(ColWriteInDepth_A, 32'(lsim_row) < 32'(cfg_i.heads), lsim_out_valid && !lsim_err && lsim_kind, clk_i,
             rst_ni)
  // a Q^/K^ result beat writes row res_row_q, channels res_grp_q * Lanes ..: inside the run
  `ASSERT_IF(QkResInDepth_A, 32'(res_row_q) < 32'(cfg_i.seq_len) && 32'(res_grp_q) * Lanes < 32'(cfg_i.hidden),
             predict_out_valid && predict_out_ready && !pam, clk_i, rst_ni)
  // the representative and K/V row masks change only with a result beat of local_sim of
  // their kind or the run's clear (a stale local_sim output register is never re-applied)
  `ASSERT_IF(RepMaskOnRowBeat_A, rep_mask_d == rep_mask_q, !clear_i && !(lsim_out_valid && !lsim_kind), clk_i,
             rst_ni)
  `ASSERT_IF(KvMaskOnColBeat_A, kv_mask_d == kv_mask_q, !clear_i && !(lsim_out_valid && lsim_kind), clk_i, rst_ni)
  `ASSERT_IF(TopkNoError_A, !topk_err, topk_out_valid, clk_i, rst_ni)
  `ASSERT_IF(LocalSimNoError_A, !lsim_err, lsim_out_valid, clk_i, rst_ni)

  `COVER(SkippedRow_C, rep_beat && lsim_rep != lsim_row, clk_i, rst_ni)
  `COVER(ReuseAtWindowEdge_C, rep_beat && lsim_rep != lsim_row && 32'(lsim_row - lsim_rep) == 32'(cfg_i.window) - 1,
         clk_i, rst_ni)

  logic unused_cfg;  // the checker reads some fields of the configuration
  assign unused_cfg = ^cfg_i;

endmodule

bind esact_pred esact_pred_assert #(.T_MAX(T_MAX), .H_MAX(H_MAX), .D_MAX(D_MAX), .Lanes(Lanes))
  u_esact_pred_assert (.*, .state_q(state_q));
