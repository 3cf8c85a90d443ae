// Copyright ESACT verification project contributors.
// SPDX-License-Identifier: Apache-2.0
//
// esact_row_in_assert (bound): the row loader against a reference count of the packet it
// loads.  The checker counts the beats taken since the packet's first (saturating one
// past the longest legal row) and keeps the length read with the first beat; then
//   - the loader's first/beat-index/length outputs are those of the packet
//     (FirstIsPacketStart_A, IdxIsBeatCount_A, LenHeld_A, LenQHeld_A),
//   - on the last beat shape_ok_o is exactly the shape rule: a length of 1..MAX and
//     ceil(len / LANES) beats (ShapeOkIsRule_A),
//   - every entry of a taken beat inside the row is stored (EntryStored_A),
//   - and the internal count / overrun flag agree with the reference (the invariants
//     that make the proof inductive: BeatsMatch_A, OverMatch_A, and the reference's own
//     CntInRange_A).
// Covers: a one-beat row, a full-length legal row, a row one beat too long, a beat taken
// after an overrun.

// checker code is not part of the RTL's code coverage
/* verilator coverage_off */

`include "prim_assert.svh"

module esact_row_in_assert #(
  parameter int unsigned MAX     = 128,
  parameter int unsigned LANES   = 8,
  parameter int unsigned W       = 8,
  localparam int unsigned LenW   = $clog2(MAX + 1),
  localparam int unsigned Chunks = (MAX + LANES - 1) / LANES,
  localparam int unsigned ChW    = $clog2(Chunks + 1)
) (
  input logic               clk_i,
  input logic               rst_ni,
  input logic               take_i,
  input logic               last_i,
  input logic [LenW-1:0]    len_i,
  input logic [LANES*W-1:0] data_i,
  input logic               first_o,
  input logic [ChW-1:0]     idx_o,
  input logic [LenW-1:0]    len_o,
  input logic               shape_ok_o,
  input logic [LenW-1:0]    len_q_o,
  input logic [W-1:0]       row_o [MAX],
  input logic               first_q,
  input logic [ChW-1:0]     beats_q,
  input logic               over_q
);

  localparam int unsigned CntW = $clog2(Chunks + 2);

  // reference: beats of the packet taken so far (saturating at Chunks + 1) and its length
  logic            in_pkt_q;
  logic [CntW-1:0] cnt_q;
  logic [LenW-1:0] len0_q;
  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      in_pkt_q <= 1'b0;
      cnt_q    <= '0;
      len0_q   <= '0;
    end else if (take_i) begin
      in_pkt_q <= !last_i;
      cnt_q    <= last_i ? '0 : ((32'(cnt_q) > Chunks) ? cnt_q : cnt_q + CntW'(1));
      len0_q   <= in_pkt_q ? len0_q : len_i;
    end
  end

  // the beat taken in the previous cycle
  logic               p_take_q;
  logic [ChW-1:0]     p_idx_q;
  logic [LANES*W-1:0] p_data_q;
  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      p_take_q <= 1'b0;
    end else begin
      p_take_q <= take_i;
    end
    p_idx_q  <= idx_o;
    p_data_q <= data_i;
  end

  logic [31:0] nbeats_ref;
  logic        len_legal;
  assign nbeats_ref = (32'(len_o) + LANES - 1) / LANES;
  assign len_legal  = len_o != '0 && 32'(len_o) <= MAX;

  `ASSERT(FirstIsPacketStart_A, first_o == !in_pkt_q, clk_i, rst_ni)
  `ASSERT(FirstQMatch_A, first_q == first_o, clk_i, rst_ni)
  `ASSERT_IF(IdxIsBeatCount_A, 32'(idx_o) == 32'(cnt_q), take_i && 32'(cnt_q) <= Chunks, clk_i, rst_ni)
  `ASSERT_IF(LenHeld_A, len_o == len0_q, in_pkt_q, clk_i, rst_ni)
  `ASSERT_IF(LenQHeld_A, len_q_o == len0_q, in_pkt_q, clk_i, rst_ni)
  `ASSERT_IF(ShapeOkIsRule_A, shape_ok_o == (len_legal && 32'(cnt_q) + 1 == nbeats_ref),
             take_i && last_i, clk_i, rst_ni)
  `ASSERT(CntInRange_A, (in_pkt_q || cnt_q == '0) && 32'(cnt_q) <= Chunks + 1, clk_i, rst_ni)
  `ASSERT_IF(OverMatch_A, over_q == (32'(cnt_q) > Chunks), in_pkt_q, clk_i, rst_ni)
  `ASSERT_IF(BeatsMatch_A, 32'(beats_q) == 32'(cnt_q), in_pkt_q && 32'(cnt_q) <= Chunks, clk_i, rst_ni)

  for (genvar l = 0; l < LANES; l++) begin : g_lane
    logic stored;
    logic in_row;
    assign in_row = 32'(p_idx_q) * LANES + l < MAX;
    assign stored = !in_row || row_o[in_row ? 32'(p_idx_q) * LANES + l : 0] == p_data_q[l*W +: W];
    `ASSERT_IF(EntryStored_A, stored, p_take_q, clk_i, rst_ni)
  end

  `COVER(OneBeatRow_C, take_i && first_o && last_i && shape_ok_o, clk_i, rst_ni)
  `COVER(FullRow_C, take_i && last_i && shape_ok_o && 32'(len_o) == MAX, clk_i, rst_ni)
  `COVER(RowTooLong_C, take_i && last_i && len_legal && 32'(cnt_q) + 1 > nbeats_ref, clk_i, rst_ni)
  `COVER(TakeAfterOverrun_C, take_i && 32'(cnt_q) > Chunks, clk_i, rst_ni)

endmodule

bind esact_row_in esact_row_in_assert #(.MAX(MAX), .LANES(LANES), .W(W)) u_esact_row_in_assert (.*);
