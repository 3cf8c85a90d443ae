// Copyright ESACT verification project contributors.
// SPDX-License-Identifier: Apache-2.0
//
// esact_apb_chk: APB4 rules of a completer (the CSR port of esact_top, generated
// esact_csr block).  Requester rules (assumed by formal, checked in simulation, where
// the testbench's APB driver is the requester):
//   PenableOnlyWithPsel, SetupThenAccess (a setup cycle is followed by an access
//   cycle), AccessAfterSetup (an access cycle follows a setup or a waited access), RequestStable (address, direction, data and strobes do not change from
//   the setup cycle to the end of the transfer), IdleAfterTransfer (penable drops
//   after pready).
// Completer rules (asserted):
//   PreadyOnlyInAccess, PslverrOnlyWithPready, AccessCompletes (this block has no
//   wait states: every access cycle completes), PrdataKnown, PreadyKnown.

// checker code is not part of the RTL's code coverage
/* verilator coverage_off */

`include "prim_assert.svh"

module esact_apb_chk #(
  parameter int unsigned AddrW = 7,
  parameter bit          Assumed = 1'b0
) (
  input logic             clk_i,
  input logic             rst_ni,
  input logic             psel,
  input logic             penable,
  input logic             pwrite,
  input logic [AddrW-1:0] paddr,
  input logic [31:0]      pwdata,
  input logic [3:0]       pstrb,
  input logic             pready,
  input logic [31:0]      prdata,
  input logic             pslverr
);

  logic             busy_q;    // a transfer is in progress (set up, not completed)
  logic             setup_q;   // the last cycle was a setup cycle
  logic             done_q;    // the last cycle completed a transfer
  logic [AddrW+36:0] req_q;
  logic [AddrW+36:0] req;

  assign req = {pwrite, paddr, pwdata, pstrb};

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      busy_q  <= 1'b0;
      setup_q <= 1'b0;
      done_q  <= 1'b0;
    end else begin
      busy_q  <= psel && !(penable && pready);
      setup_q <= psel && !penable;
      done_q  <= psel && penable && pready;
    end
  end

  always_ff @(posedge clk_i) begin
    req_q <= req;
  end

  if (Assumed) begin : g_req_assumed
    `ASSUME_IF(PenableOnlyWithPsel_M, psel, penable, clk_i, rst_ni)
    `ASSUME_IF(SetupThenAccess_M, psel && penable, setup_q, clk_i, rst_ni)
    `ASSUME_IF(AccessAfterSetup_M, busy_q, psel && penable, clk_i, rst_ni)
    `ASSUME_IF(RequestStable_M, req == req_q, busy_q && psel, clk_i, rst_ni)
    `ASSUME_IF(IdleAfterTransfer_M, !penable, done_q, clk_i, rst_ni)
  end else begin : g_req_asserted
    `ASSERT_IF(PenableOnlyWithPsel_A, psel, penable, clk_i, rst_ni)
    `ASSERT_IF(SetupThenAccess_A, psel && penable, setup_q, clk_i, rst_ni)
    `ASSERT_IF(AccessAfterSetup_A, busy_q, psel && penable, clk_i, rst_ni)
    `ASSERT_IF(RequestStable_A, req == req_q, busy_q && psel, clk_i, rst_ni)
    `ASSERT_IF(IdleAfterTransfer_A, !penable, done_q, clk_i, rst_ni)
  end

  `ASSERT_IF(PreadyOnlyInAccess_A, psel && penable, pready, clk_i, rst_ni)
  `ASSERT(PslverrOnlyWithPready_A, !pslverr || pready, clk_i, rst_ni)
  `ASSERT_IF(AccessCompletes_A, pready, psel && penable, clk_i, rst_ni)
  `ASSERT_KNOWN(PreadyKnown_A, pready, clk_i, rst_ni)
  `ASSERT_KNOWN_IF(PrdataKnown_A, {prdata, pslverr}, pready && !pwrite, clk_i, rst_ni)
  logic unused_x_only;  // read only by the X checks (empty in 2-state tools)
  assign unused_x_only = ^prdata;

  `COVER(Read_C, psel && penable && pready && !pwrite, clk_i, rst_ni)
  `COVER(Write_C, psel && penable && pready && pwrite, clk_i, rst_ni)
  `COVER(BackToBack_C, done_q && psel, clk_i, rst_ni)

endmodule
