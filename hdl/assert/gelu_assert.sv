// Copyright ESACT verification project contributors.
// SPDX-License-Identifier: Apache-2.0
//
// gelu_assert: port rules of gelu and the error beat's zero result.  Its pipeline
// invariant (no beat lost or duplicated) and the full-pipeline cover are its control's
// (esact_pipe_ctrl_assert).

// checker code is not part of the RTL's code coverage
/* verilator coverage_off */

`include "prim_assert.svh"

module gelu_assert #(
  parameter int unsigned LANES = 8,
  parameter int unsigned IN_W  = 16,
  parameter int unsigned QB_W  = 18,
  parameter int unsigned QC_W  = 32,
  parameter int unsigned TAG_W = 1,
  localparam int unsigned OutW = 52
) (
  input logic                   clk_i,
  input logic                   rst_ni,
  input logic                   in_valid_i,
  input logic                   in_ready_o,
  input logic [LANES*IN_W-1:0]  in_q_i,
  input logic [QB_W-1:0]        in_qb_i,
  input logic [QC_W-1:0]        in_qc_i,
  input logic                   in_last_i,
  input logic [TAG_W-1:0]       in_tag_i,
  input logic                   out_valid_o,
  input logic                   out_ready_i,
  input logic [LANES*OutW-1:0]  out_t_o,
  input logic                   out_err_o,
  input logic                   out_last_o,
  input logic [TAG_W-1:0]       out_tag_o
);

  esact_stream_chk #(.DataW(LANES*IN_W+QB_W+QC_W+TAG_W), .HasLast(1'b1), .LastGated(1'b0),
                     .Assumed(1'b1)) u_in_chk (
    .clk_i, .rst_ni, .valid(in_valid_i), .ready(in_ready_o), .last(in_last_i),
    .data({in_q_i, in_qb_i, in_qc_i, in_tag_i})
  );
  esact_stream_chk #(.DataW(LANES*OutW+1+TAG_W), .HasLast(1'b1)) u_out_chk (
    .clk_i, .rst_ni, .valid(out_valid_o), .ready(out_ready_i), .last(out_last_o),
    .data({out_t_o, out_err_o, out_tag_o})
  );

  logic t_zero;
  assign t_zero = out_t_o == '0;

  `ASSERT_IF(ErrBeatIsZero_A, t_zero, out_valid_o && out_err_o, clk_i, rst_ni)

endmodule

bind gelu gelu_assert #(.LANES(LANES), .IN_W(IN_W), .QB_W(QB_W), .QC_W(QC_W), .TAG_W(TAG_W))
  u_gelu_assert (.*);
