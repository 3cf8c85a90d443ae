// Copyright ESACT verification project contributors.
// SPDX-License-Identifier: Apache-2.0
//
// esact_stream_reg: the output register of a valid/ready stream, one beat deep; every
// unit with a registered output uses it (hlog_quant, spls_predict, local_sim, gemm_core,
// and softmax and layernorm through their row emitter esact_row_out).
//
// The unit loads a beat (load_i) only when the register is free (free_o: empty, or its
// beat leaves in this cycle); the beat is offered (valid_o) until the sink takes it
// (ready_i).  A unit that loads whenever it is free runs at one beat per cycle.  Only
// the valid flop has a reset: valid_o qualifies the payload, which loads only with a
// new beat.

module esact_stream_reg #(
  parameter int unsigned Width = 1
) (
  input  logic             clk_i,
  input  logic             rst_ni,

  output logic             free_o,    // a beat can be loaded in this cycle
  input  logic             load_i,    // load data_i (only while free_o)
  input  logic [Width-1:0] data_i,

  output logic             valid_o,
  input  logic             ready_i,
  output logic [Width-1:0] data_o
);

  logic             valid_d, valid_q;
  logic [Width-1:0] data_q;

  assign free_o  = !valid_q || ready_i;
  assign valid_d = load_i || (valid_q && !ready_i);

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      valid_q <= 1'b0;
    end else begin
      valid_q <= valid_d;
    end
  end

  always_ff @(posedge clk_i) begin
    if (load_i) begin
      data_q <= data_i;
    end
  end

  assign valid_o = valid_q;
  assign data_o  = data_q;

endmodule
