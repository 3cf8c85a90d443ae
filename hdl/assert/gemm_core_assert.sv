// Copyright ESACT verification project contributors.
// SPDX-License-Identifier: Apache-2.0
//
// gemm_core_assert: port rules of gemm_core's command and result streams and its
// invariants: a command is taken only by an idle engine (no drain, no pending beat),
// the issue position (row tile, column tile, k step) stays inside the job and its row
// tiles only advance, the drain row inside its tile (res_q index checked before the
// read), the MAC count inside the array, and an error / "none" beat ends its packet;
// with the helper invariants that make them inductive (`make formal` proves all).

// checker code is not part of the RTL's code coverage
/* verilator coverage_off */

`include "prim_assert.svh"

module gemm_core_assert #(
  parameter int unsigned PE_R  = 8,
  parameter int unsigned PE_C  = 8,
  parameter int unsigned M_MAX = 32,
  parameter int unsigned N_MAX = 32,
  parameter int unsigned K_MAX = 64,
  localparam int unsigned MW   = $clog2(M_MAX + 1),
  localparam int unsigned NW   = $clog2(N_MAX + 1),
  localparam int unsigned KW   = $clog2(K_MAX + 1),
  localparam int unsigned NT   = N_MAX / PE_C,
  localparam int unsigned TW   = $clog2(NT + 1),
  localparam int unsigned MacW = $clog2(PE_R * PE_C + 1)
) (
  input logic                  clk_i,
  input logic                  rst_ni,
  input logic                  cmd_valid_i,
  input logic                  cmd_ready_o,
  input logic [MW-1:0]         cmd_m_i,
  input logic [NW-1:0]         cmd_n_i,
  input logic [KW-1:0]         cmd_k_i,
  input logic                  cmd_a_unsigned_i,
  input logic [M_MAX-1:0]      cmd_row_mask_i,
  input logic [NT-1:0]         cmd_ctile_mask_i,
  input logic [K_MAX-1:0]      cmd_k_mask_i,
  input logic                  out_valid_o,
  input logic                  out_ready_i,
  input logic [MW-1:0]         out_row_o,
  input logic [TW-1:0]         out_ctile_o,
  input logic [PE_C*32-1:0]    out_data_o,
  input logic                  out_none_o,
  input logic                  out_err_o,
  input logic                  out_last_o,
  input logic [MacW-1:0]       macs_o,
  input logic [1:0]            state_q,
  input logic                  drain_q,
  input logic [MW-1:0]         rt_q,
  input logic [MW-1:0]         nrows_q,
  input logic [TW-1:0]         ct_q,
  input logic [KW-1:0]         kk_q,
  input logic [KW-1:0]         k_q,
  input logic                  tile_first_q,
  input logic [MW-1:0]         d_row_q,
  input logic [MW-1:0]         d_rows,
  input logic [NW-1:0]         n_q,
  input logic [K_MAX-1:0]      km_q,
  input logic                  p_valid_q,
  input logic [MW-1:0]         p_rt_q,
  input logic [MacW-1:0]       p_macs_q,
  input logic [MW-1:0]         d_rt_q
);

  localparam logic [1:0] Idle = 2'd0, Run = 2'd1, Flush = 2'd2;

  esact_stream_chk #(.DataW(MW+NW+KW+1+M_MAX+NT+K_MAX), .Assumed(1'b1)) u_cmd_chk (
    .clk_i, .rst_ni, .valid(cmd_valid_i), .ready(cmd_ready_o), .last(1'b0),
    .data({cmd_m_i, cmd_n_i, cmd_k_i, cmd_a_unsigned_i, cmd_row_mask_i, cmd_ctile_mask_i, cmd_k_mask_i})
  );
  esact_stream_chk #(.DataW(MW+TW+PE_C*32+2), .HasLast(1'b1)) u_out_chk (
    .clk_i, .rst_ni, .valid(out_valid_o), .ready(out_ready_i), .last(out_last_o),
    .data({out_row_o, out_ctile_o, out_data_o, out_none_o, out_err_o})
  );

  `ASSERT_IF(CmdOnlyWhenIdle_A, state_q == Idle && !drain_q && !out_valid_o, cmd_valid_i && cmd_ready_o, clk_i,
             rst_ni)
  `ASSERT_IF(RowTileInJob_A, rt_q < nrows_q, state_q == Run, clk_i, rst_ni)
  `ASSERT_IF(ColTileInDepth_A, 32'(ct_q) < NT, state_q == Run, clk_i, rst_ni)
  `ASSERT_IF(KStepInJob_A, kk_q < k_q, state_q == Run && !tile_first_q, clk_i, rst_ni)
  `ASSERT_IF(DrainRowInTile_A, d_row_q < d_rows && 32'(d_rows) <= PE_R, drain_q, clk_i, rst_ni)
  `ASSERT(MacsInsideArray_A, 32'(macs_o) <= PE_R * PE_C, clk_i, rst_ni)
  `ASSERT_IF(ErrOrNoneIsLast_A, out_last_o, out_valid_o && (out_err_o || out_none_o), clk_i, rst_ni)
  // a job walks its row tiles forward: it never returns to an earlier tile
  logic          run_q;
  logic [MW-1:0] rt_prev_q;
  always_ff @(posedge clk_i) begin
    if (!rst_ni) run_q <= 1'b0;
    else run_q <= state_q == Run;
    rt_prev_q <= rt_q;
  end
  `ASSERT_IF(RowTileAdvances_A, rt_q >= rt_prev_q, state_q == Run && run_q, clk_i, rst_ni)
  // ... and the invariants that make the rules above inductive: a job in the array
  // (Run or Flush) has legal dimensions and masks inside them (latched at the command,
  // which an illegal command never reaches), the pipe and the drain hold only steps of
  // the job, their row tiles inside it, and the pipe's MAC count inside the array
  logic in_job;
  assign in_job = state_q == Run || state_q == Flush;
  `ASSERT_IF(JobLegal_A, n_q != '0 && 32'(n_q) <= N_MAX && k_q != '0 && 32'(k_q) <= K_MAX && nrows_q != '0 &&
             32'(nrows_q) <= M_MAX && (km_q >> k_q) == '0, in_job, clk_i, rst_ni)
  `ASSERT_IF(PipeOnlyInJob_A, in_job, p_valid_q || drain_q, clk_i, rst_ni)
  `ASSERT_IF(PipeRowTileInJob_A, p_rt_q < nrows_q, p_valid_q, clk_i, rst_ni)
  `ASSERT_IF(DrainTileInJob_A, d_rt_q < nrows_q, drain_q, clk_i, rst_ni)
  `ASSERT_IF(PipeMacsInsideArray_A, 32'(p_macs_q) <= PE_R * PE_C, p_valid_q, clk_i, rst_ni)

  `COVER(DrainWhileRunning_C, drain_q && state_q == Run, clk_i, rst_ni)
  `COVER(NothingSelected_C, out_valid_o && out_none_o, clk_i, rst_ni)

endmodule

bind gemm_core gemm_core_assert #(.PE_R(PE_R), .PE_C(PE_C), .M_MAX(M_MAX), .N_MAX(N_MAX), .K_MAX(K_MAX))
  u_gemm_core_assert (.*, .state_q(state_q));
