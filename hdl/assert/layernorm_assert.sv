// Copyright ESACT verification project contributors.
// SPDX-License-Identifier: Apache-2.0
//
// layernorm_assert: port rules of layernorm and its invariants: legal FSM state, the
// chunk being centred inside the row (buffer index checked before use), a legal row
// length while a row is processed and when its output starts, a non-zero N reaching the
// V / N divider and a non-zero D the reciprocal divider, the error beat ends its
// packet, and a packet is output only while the row FSM waits in Load (the input
// held).  The output side's own rules are esact_row_out_assert's.

// checker code is not part of the RTL's code coverage
/* verilator coverage_off */

`include "prim_assert.svh"

module layernorm_assert #(
  parameter int unsigned N_MAX = 512,
  parameter int unsigned LANES = 8,
  parameter int unsigned IN_W  = 18,
  parameter int unsigned G_W   = 16,
  parameter int unsigned B_W   = 32,
  localparam int unsigned NW   = $clog2(N_MAX + 1),
  localparam int unsigned Chunks = (N_MAX + LANES - 1) / LANES,
  localparam int unsigned ChW    = $clog2(Chunks + 1)
) (
  input logic                  clk_i,
  input logic                  rst_ni,
  input logic                  in_valid_i,
  input logic                  in_ready_o,
  input logic [LANES*IN_W-1:0] in_r_i,
  input logic [LANES*G_W-1:0]  in_g_i,
  input logic [LANES*B_W-1:0]  in_b_i,
  input logic [NW-1:0]         in_len_i,
  input logic [3:0]            in_gf_i,
  input logic                  in_last_i,
  input logic                  out_valid_o,
  input logic                  out_ready_i,
  input logic [LANES*8-1:0]    out_y_o,
  input logic                  out_err_o,
  input logic                  out_last_o,
  input logic [2:0]            state_q,
  input logic [ChW-1:0]        chunk_q,
  input logic [ChW-1:0]        nbeats,
  input logic [NW-1:0]         len_q,
  input logic                  dn_start,
  input logic                  dr_start,
  input logic [31:0]           dd_q,
  input logic                  emit_start,
  input logic                  emit_busy
);

  localparam logic [2:0] Load = 3'd0, Cent = 3'd1, DivR = 3'd4;

  esact_stream_chk #(.DataW(LANES*(IN_W+G_W+B_W)+NW+4), .HasLast(1'b1), .LastGated(1'b0), .Assumed(1'b1))
  u_in_chk (
    .clk_i, .rst_ni, .valid(in_valid_i), .ready(in_ready_o), .last(in_last_i),
    .data({in_r_i, in_g_i, in_b_i, in_len_i, in_gf_i})
  );
  esact_stream_chk #(.DataW(LANES*8+1), .HasLast(1'b1)) u_out_chk (
    .clk_i, .rst_ni, .valid(out_valid_o), .ready(out_ready_i), .last(out_last_o),
    .data({out_y_o, out_err_o})
  );

  `ASSERT(StateLegal_A, state_q <= DivR, clk_i, rst_ni)
  `ASSERT_IF(EmitOnlyInLoad_A, state_q == Load && !in_ready_o, emit_busy, clk_i, rst_ni)
  `ASSERT_IF(CentChunkInRow_A, chunk_q < nbeats, state_q == Cent, clk_i, rst_ni)
  `ASSERT_IF(RowLenLegal_A, len_q != '0 && 32'(len_q) <= N_MAX, state_q != Load || emit_start,
             clk_i, rst_ni)
  `ASSERT_IF(DivByNNonZero_A, len_q != '0, dn_start, clk_i, rst_ni)
  `ASSERT_IF(RecipDivisorNonZero_A, dd_q != '0, dr_start, clk_i, rst_ni)
  `ASSERT_IF(ErrBeatIsLast_A, out_last_o, out_valid_o && out_err_o, clk_i, rst_ni)
  `COVER(ErrorRow_C, out_valid_o && out_err_o, clk_i, rst_ni)
  `COVER(ZeroVariance_C, state_q == DivR && dd_q == '0, clk_i, rst_ni)

endmodule

bind layernorm layernorm_assert #(.N_MAX(N_MAX), .LANES(LANES), .IN_W(IN_W), .G_W(G_W), .B_W(B_W))
  u_layernorm_assert (.*, .state_q(state_q));
