// Copyright ESACT verification project contributors.
// SPDX-License-Identifier: Apache-2.0
//
// requant_assert: port rules of requant.  Its pipeline invariant (no beat lost or
// duplicated) and the full-pipeline cover are its control's (esact_pipe_ctrl_assert).

// checker code is not part of the RTL's code coverage
/* verilator coverage_off */

`include "prim_assert.svh"

module requant_assert #(
  parameter int unsigned LANES  = 8,
  parameter int unsigned IN_W   = 52,
  parameter int unsigned BIAS_W = 32,
  parameter int unsigned MULT_W = 15,
  parameter int unsigned SH_W   = 6,
  parameter int unsigned TAG_W  = 1,
  localparam int unsigned OutW  = 16
) (
  input logic                    clk_i,
  input logic                    rst_ni,
  input logic                    in_valid_i,
  input logic                    in_ready_o,
  input logic [LANES*IN_W-1:0]   in_acc_i,
  input logic [LANES*BIAS_W-1:0] in_bias_i,
  input logic [LANES*MULT_W-1:0] in_mult_i,
  input logic [LANES*SH_W-1:0]   in_shift_i,
  input logic                    in_out16_i,
  input logic                    in_last_i,
  input logic [TAG_W-1:0]        in_tag_i,
  input logic                    out_valid_o,
  input logic                    out_ready_i,
  input logic [LANES*OutW-1:0]   out_data_o,
  input logic                    out_last_o,
  input logic [TAG_W-1:0]        out_tag_o
);

  esact_stream_chk #(.DataW(LANES*(IN_W+BIAS_W+MULT_W+SH_W)+1+TAG_W), .HasLast(1'b1), .LastGated(1'b0),
                     .Assumed(1'b1)) u_in_chk (
    .clk_i, .rst_ni, .valid(in_valid_i), .ready(in_ready_o), .last(in_last_i),
    .data({in_acc_i, in_bias_i, in_mult_i, in_shift_i, in_out16_i, in_tag_i})
  );
  esact_stream_chk #(.DataW(LANES*OutW+TAG_W), .HasLast(1'b1)) u_out_chk (
    .clk_i, .rst_ni, .valid(out_valid_o), .ready(out_ready_i), .last(out_last_o),
    .data({out_data_o, out_tag_o})
  );

endmodule

bind requant requant_assert #(.LANES(LANES), .IN_W(IN_W), .BIAS_W(BIAS_W), .MULT_W(MULT_W), .SH_W(SH_W),
                              .TAG_W(TAG_W)) u_requant_assert (.*);
