// Copyright ESACT verification project contributors.
// SPDX-License-Identifier: Apache-2.0
//
// esact_gemm_assert (bound): the GEMM engine's rules: the issuer's command stream into
// gemm_core (valid held, command stable while offered), no error beat from gemm_core
// for the issuer's (legal) commands nor from gelu (a positive qb is refused at start),
// requant B never stalled and not offered GELU beats while the residual pass owns it,
// and the residual pass inside the rows and column tiles of the run, offering rows only
// while it is active.

// checker code is not part of the RTL's code coverage
/* verilator coverage_off */

`include "prim_assert.svh"

module esact_gemm_assert
  import esact_pkg::*;
#(
  parameter int unsigned T_MAX     = 128,
  parameter int unsigned F_MAX     = 1536,
  parameter int unsigned PE_C      = 8,
  localparam int unsigned RowIdxW  = $clog2(T_MAX),
  localparam int unsigned Tiles    = F_MAX / PE_C,
  localparam int unsigned TileIdxW = $clog2(Tiles),
  localparam int unsigned MCntW    = $clog2(T_MAX + 1),
  localparam int unsigned NCntW    = $clog2(F_MAX + 1),
  localparam int unsigned KCntW    = $clog2(F_MAX + 1)
) (
  input  logic                clk_i,
  input  logic                rst_ni,
  input  cfg_t                cfg_i,
  input  logic                cmd_valid,
  input  logic                cmd_ready,
  input  logic [MCntW-1:0]    cmd_m,
  input  logic [NCntW-1:0]    cmd_n,
  input  logic [KCntW-1:0]    cmd_k,
  input  logic                cmd_a_unsigned,
  input  logic [T_MAX-1:0]    cmd_row_mask,
  input  logic [Tiles-1:0]    cmd_ctile_mask,
  input  logic [F_MAX-1:0]    cmd_k_mask,
  input  logic                core_out_valid,
  input  logic                core_out_ready,
  input  logic                core_out_err,
  input  logic                core_out_none,
  input  logic                gelu_out_valid,
  input  logic                rqb_in_ready,
  input  logic                gelu_err,
  input  dst_e                dst,
  input  logic                score_wr_o,
  input  logic                rqa_out_valid,
  input  logic                rqa_out_ready,
  input  logic                rqa_wr_o,
  input  logic                res_active_q,
  input  logic                res_done_o,
  input  logic                res_valid_q,
  input  logic [RowIdxW-1:0]  res_row_q,
  input  logic [TileIdxW-1:0] res_tile_q
);

  esact_stream_chk #(.DataW(MCntW+NCntW+KCntW+1+T_MAX+Tiles+F_MAX)) u_cmd_chk (
    .clk_i, .rst_ni, .valid(cmd_valid), .ready(cmd_ready), .last(1'b0),
    .data({cmd_m, cmd_n, cmd_k, cmd_a_unsigned, cmd_row_mask, cmd_ctile_mask, cmd_k_mask})
  );

  // the issuer's key masks cover T_MAX keys zero-extended into gemm_core's F_MAX-wide
  // column masks: the score GEMM's N = seq_len needs F_MAX >= T_MAX
  `ASSERT_INIT(KeysFitGemmN_A, F_MAX >= T_MAX)
  // a result buffer is written only by an accepted result beat of a job that targets it:
  // the score buffer by the scores job's GEMM beats, the requantized buffers by requant
  // A's beats (a write on any other cycle overwrites a buffer entry with a stale beat)
  `ASSERT_IF(ScoreWriteOnScoreBeat_A, core_out_valid && core_out_ready && dst == DstS, score_wr_o, clk_i, rst_ni)
  `ASSERT_IF(RqaWriteOnRqaBeat_A, rqa_out_valid && rqa_out_ready && dst != DstS, rqa_wr_o, clk_i, rst_ni)
  `ASSERT_IF(GemmNoError_A, !core_out_err, core_out_valid, clk_i, rst_ni)
  // ... nor a "nothing computed" beat: every job selects a row (row 0, the first
  // representative, is in every row mask) and a column tile (topk keeps k >= 1 keys of
  // each row, so every head's key mask is non-empty); the tags' MSB, which would mark
  // such a beat not to be written, stays 0 through requant A, GELU and requant B
  `ASSERT_IF(GemmSomethingComputed_A, !core_out_none, core_out_valid, clk_i, rst_ni)
  // gelu's error beat (qb > 0) cannot come: esact_regs refuses such a start (ERROR.gelu_qb)
  `ASSERT_IF(GeluNoError_A, !gelu_err, gelu_out_valid, clk_i, rst_ni)
  // the residual pass offers rows only while it owns requant B (set together by
  // res_req_i, valid cleared first by the last row, both by an abort)
  `ASSERT_IF(ResidualValidOnlyActive_A, res_active_q, res_valid_q, clk_i, rst_ni)
  // ... and reports done only for its own last beat (not for the GELU stream's last
  // beat through the same requant B)
  `ASSERT_IF(ResidualDoneOnlyActive_A, res_active_q, res_done_o, clk_i, rst_ni)
  // requant B's results are written (out_ready tied 1), so it never refuses a beat; and
  // the GELU stream has nothing to offer while the residual pass owns requant B (FFN1
  // is done, its last GELU beat written, before the residual step starts; an abort
  // resets both): gelu_out_ready = !res_active_q && rqb_in_ready never drops a beat
  `ASSERT(RqbAlwaysReady_A, rqb_in_ready, clk_i, rst_ni)
  `ASSERT_IF(GeluIdleInResidual_A, !gelu_out_valid, res_active_q, clk_i, rst_ni)
  `ASSERT_IF(ResidualInRows_A, 32'(res_row_q) < 32'(cfg_i.seq_len) && 32'(res_tile_q) * PE_C < 32'(cfg_i.hidden),
             res_valid_q, clk_i, rst_ni)

  logic unused_cfg;  // the checker reads some fields of the configuration
  assign unused_cfg = ^cfg_i;

endmodule

bind esact_gemm esact_gemm_assert #(.T_MAX(T_MAX), .F_MAX(F_MAX), .PE_C(PE_C)) u_esact_gemm_assert (.*);
