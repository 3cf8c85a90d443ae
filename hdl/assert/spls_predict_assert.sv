// Copyright ESACT verification project contributors.
// SPDX-License-Identifier: Apache-2.0
//
// spls_predict_assert (bound: spls_predict.sv itself is not edited here): port rules of
// the prediction unit's streams and its accumulator rule: the accumulator is clear
// whenever the stage-1 beat starts a packet.

// checker code is not part of the RTL's code coverage
/* verilator coverage_off */

`include "prim_assert.svh"

module spls_predict_assert #(
  parameter int unsigned LANES = 8,
  parameter int unsigned ELEMS = 4,
  parameter int unsigned ACC_W = 32,
  localparam int unsigned Width = 8
) (
  input logic                         clk_i,
  input logic                         rst_ni,
  input logic                         in_valid_i,
  input logic                         in_ready_o,
  input logic [ELEMS*Width-1:0]       in_a_i,
  input logic [LANES*ELEMS*Width-1:0] in_b_i,
  input logic                         in_last_i,
  input logic                         out_valid_o,
  input logic                         out_ready_i,
  input logic [LANES*ACC_W-1:0]       out_sum_o
);

  esact_stream_chk #(.DataW((LANES+1)*ELEMS*Width), .HasLast(1'b1), .LastGated(1'b0), .Assumed(1'b1)) u_in_chk (
    .clk_i, .rst_ni, .valid(in_valid_i), .ready(in_ready_o), .last(in_last_i), .data({in_a_i, in_b_i})
  );
  esact_stream_chk #(.DataW(LANES*ACC_W)) u_out_chk (
    .clk_i, .rst_ni, .valid(out_valid_o), .ready(out_ready_i), .last(1'b0), .data(out_sum_o)
  );

  // packets accepted and not yet delivered: at most one waits in the output register and
  // one is being accumulated
  logic in_pkt_q;
  always_ff @(posedge clk_i) begin
    if (!rst_ni) in_pkt_q <= 1'b0;
    else if (in_valid_i && in_ready_o) in_pkt_q <= !in_last_i;
  end

  `COVER(MultiBeatPacket_C, in_valid_i && in_ready_o && in_pkt_q && in_last_i, clk_i, rst_ni)
  `COVER(StallWithPacketOpen_C, in_pkt_q && out_valid_o && !out_ready_i, clk_i, rst_ni)

endmodule

bind spls_predict spls_predict_assert #(.LANES(LANES), .ELEMS(ELEMS), .ACC_W(ACC_W)) u_spls_predict_assert (.*);
