// Copyright ESACT verification project contributors.
// SPDX-License-Identifier: Apache-2.0
//
// esact_gemm_jobs_assert (bound): the GEMM job issuer's rules: the state is legal, a
// job's last result comes only while the job runs, and a job step's command holds for
// the whole job.  The issuer prepares the command once, in
// the idle cycle of a request, and keeps it while it offers and runs the job; the
// sequencer holds the step (req_i, job_i, head_i) and the inputs the command is made of
// (configuration, representative and key masks, the head's column mask) until the job
// is done.  So the command prepared from the inputs of any later cycle of the job
// equals the issued one: a step, mask or head that changed under a running job (the
// routing of its results would change mid-job) trips JobCmdHeld_A.

// checker code is not part of the RTL's code coverage
/* verilator coverage_off */

`include "prim_assert.svh"

module esact_gemm_jobs_assert
  import esact_pkg::*;
#(
  parameter int unsigned T_MAX     = 128,
  parameter int unsigned D_MAX     = 384,
  parameter int unsigned F_MAX     = 1536,
  parameter int unsigned PE_C      = 8,
  localparam int unsigned ChIdxW   = $clog2(D_MAX),
  localparam int unsigned Tiles    = F_MAX / PE_C,
  localparam int unsigned MCntW    = $clog2(T_MAX + 1),
  localparam int unsigned NCntW    = $clog2(F_MAX + 1),
  localparam int unsigned KCntW    = $clog2(F_MAX + 1)
) (
  input logic              clk_i,
  input logic              rst_ni,
  input logic              req_i,
  input logic              last_i,
  input logic [1:0]        state_q,
  input a_src_e            a_src_d,
  input a_src_e            a_src_q,
  input b_src_e            b_src_d,
  input b_src_e            b_src_q,
  input dst_e              dst_d,
  input dst_e              dst_q,
  input logic [ChIdxW-1:0] off_d,
  input logic [ChIdxW-1:0] off_q,
  input logic [MCntW-1:0]  m_d,
  input logic [MCntW-1:0]  m_q,
  input logic [NCntW-1:0]  n_d,
  input logic [NCntW-1:0]  n_q,
  input logic [KCntW-1:0]  k_d,
  input logic [KCntW-1:0]  k_q,
  input logic              aus_d,
  input logic              aus_q,
  input logic [T_MAX-1:0]  rows_d,
  input logic [T_MAX-1:0]  rows_q,
  input logic [Tiles-1:0]  ctiles_d,
  input logic [Tiles-1:0]  ctiles_q,
  input logic [F_MAX-1:0]  kmask_d,
  input logic [F_MAX-1:0]  kmask_q
);

  localparam logic [1:0] JobIdle = 2'd0, JobRun = 2'd2;

  `ASSERT(StateLegal_A, state_q <= JobRun, clk_i, rst_ni)
  // a job's last result comes only while the issuer runs that job (results flow only
  // for a taken command, and the job is done with its last one)
  `ASSERT_IF(LastOnlyInRun_A, state_q == JobRun, last_i, clk_i, rst_ni)
  `ASSERT_IF(JobCmdHeld_A,
             {a_src_d, b_src_d, dst_d, off_d, m_d, n_d, k_d, aus_d, rows_d, ctiles_d, kmask_d} ==
             {a_src_q, b_src_q, dst_q, off_q, m_q, n_q, k_q, aus_q, rows_q, ctiles_q, kmask_q},
             req_i && state_q != JobIdle, clk_i, rst_ni)

endmodule

bind esact_gemm_jobs esact_gemm_jobs_assert #(.T_MAX(T_MAX), .D_MAX(D_MAX), .F_MAX(F_MAX), .PE_C(PE_C))
  u_esact_gemm_jobs_assert (.*, .state_q(state_q));
