// Copyright ESACT verification project contributors.
// SPDX-License-Identifier: Apache-2.0
//
// esact_stream_chk: the port rules of one valid/ready stream, bound to every stream of
// every unit (hdl/assert/<unit>_assert.sv) and of esact_top:
//   ValidHeldUntilReady   a beat offered (valid && !ready) is still offered next cycle
//   DataStableWhileStalled  payload (and last) do not change while the beat waits
//   LastOnlyWithValid     last is raised only with valid (LastGated streams)
//   ValidKnown/ReadyKnown/DataKnown  no X after reset / on payload with valid
//                         (4-state simulators; Verilator and the formal model are 2-state)
// Covers: a stall, back-pressure on the last beat, a transfer, a valid gap mid-packet
// (input streams).
// Assumed = 1 makes the sender's rules assumptions (formal: an input of the proven unit);
// simulation checks assumptions like assertions.

// checker code is not part of the RTL's code coverage
/* verilator coverage_off */

`include "prim_assert.svh"

module esact_stream_chk #(
  parameter int unsigned DataW     = 1,
  parameter bit          HasLast   = 1'b0,
  parameter bit          LastGated = 1'b1,
  parameter bit          Assumed   = 1'b0
) (
  input logic             clk_i,
  input logic             rst_ni,
  input logic             valid,
  input logic             ready,
  input logic             last,
  input logic [DataW-1:0] data
);

  logic             stall_q;     // a beat was offered and not taken in the last cycle
  logic             in_pkt_q;    // a packet has started and not ended (HasLast)
  logic [DataW-1:0] data_q;
  logic             last_q;

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      stall_q  <= 1'b0;
      in_pkt_q <= 1'b0;
    end else begin
      stall_q  <= valid && !ready;
      if (valid && ready) in_pkt_q <= HasLast && !last;
    end
  end

  // the payload of a stalled beat (copied only when a beat stalls: a wide stream costs
  // nothing while it flows)
  always_ff @(posedge clk_i) begin
    if (valid && !ready) begin
      data_q <= data;
      last_q <= last;
    end
  end

  logic same;
  assign same = (data == data_q) && (!HasLast || last == last_q);

  if (Assumed) begin : g_sender_assumed
    `ASSUME_IF(ValidHeldUntilReady_M, valid, stall_q, clk_i, rst_ni)
    `ASSUME_IF(DataStableWhileStalled_M, same, stall_q, clk_i, rst_ni)
    if (HasLast && LastGated) begin : g_last
      `ASSUME_IF(LastOnlyWithValid_M, valid, last, clk_i, rst_ni)
    end
  end else begin : g_sender_asserted
    `ASSERT_IF(ValidHeldUntilReady_A, valid, stall_q, clk_i, rst_ni)
    `ASSERT_IF(DataStableWhileStalled_A, same, stall_q, clk_i, rst_ni)
    if (HasLast && LastGated) begin : g_last
      `ASSERT_IF(LastOnlyWithValid_A, valid, last, clk_i, rst_ni)
    end
  end

  `ASSERT_KNOWN(ValidKnown_A, valid, clk_i, rst_ni)
  `ASSERT_KNOWN(ReadyKnown_A, ready, clk_i, rst_ni)
  `ASSERT_KNOWN_IF(DataKnown_A, {data, last}, valid, clk_i, rst_ni)

  `COVER(Fire_C, valid && ready, clk_i, rst_ni)
  `COVER(Stall_C, valid && !ready, clk_i, rst_ni)
  if (!HasLast || !Assumed) begin : g_no_gap
    logic unused_in_pkt;
    assign unused_in_pkt = in_pkt_q;
  end

  if (HasLast) begin : g_last_cov
    `COVER(StallOnLast_C, valid && !ready && last, clk_i, rst_ni)
  end
  // a valid gap inside a packet: a corner of the sender (environment); the units' own
  // outputs never pause mid-packet, so this is covered on assumed (input) streams only
  if (HasLast && Assumed) begin : g_gap_cov
    `COVER(GapInPacket_C, in_pkt_q && !valid, clk_i, rst_ni)
  end

endmodule
