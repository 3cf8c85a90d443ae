// Copyright ESACT verification project contributors.
// SPDX-License-Identifier: Apache-2.0
//
// spls_predict: the bit-level SPLS prediction unit (golden model: models/spls.py,
// predict_qk / predict_pam).  It computes LANES dot products of HLog-quantized INT8
// vectors at once -- one shared vector a against LANES vectors b_j -- using HLog
// encoders and shift-add products only: no multiplier.
//
//   sum_j = sum_n HLog(a_n) * HLog(b_{j,n})
//
// The same unit predicts Q^ = HLog(x) HLog(W_Q)^T (a = a row of x, b_j = rows of
// W_Q) and the predicted attention PAM = HLog(q^) HLog(k^)^T (a = a predicted query,
// b_j = predicted keys).  Input packet: ELEMS elements of a and of every b_j per beat
// (zero-pad the tail), in_last_i on the final beat.  Output: one beat of LANES
// ACC_W-bit sums per packet.  ROUND selects the HLog rounding mode.

module spls_predict #(
  parameter int unsigned LANES = 8,
  parameter int unsigned ELEMS = 4,
  parameter int unsigned ACC_W = 32,
  parameter bit          ROUND = 1'b0,
  localparam int unsigned Width = 8,
  localparam int unsigned ExpW  = $clog2(Width),
  localparam int unsigned ProdW = 2 * Width
) (
  input  logic                         clk_i,
  input  logic                         rst_ni,

  input  logic                         in_valid_i,
  output logic                         in_ready_o,
  input  logic [ELEMS*Width-1:0]       in_a_i,
  input  logic [LANES*ELEMS*Width-1:0] in_b_i,
  input  logic                         in_last_i,

  output logic                         out_valid_o,
  input  logic                         out_ready_i,
  output logic [LANES*ACC_W-1:0]       out_sum_o
);

  localparam int unsigned PsumW = ProdW + $clog2(ELEMS + 1);

  // HLog codes of the shared vector
  logic [ELEMS-1:0]       a_zero, a_sign, a_half;
  logic [ELEMS*ExpW-1:0]  a_exp;
  logic [ELEMS*Width-1:0] a_val_unused;
  // HLog codes of every lane's vector and the products
  logic [LANES*ELEMS-1:0]       b_zero, b_sign, b_half;
  logic [LANES*ELEMS*ExpW-1:0]  b_exp;
  logic [LANES*ELEMS*Width-1:0] b_val_unused;
  logic [LANES*ELEMS*ProdW-1:0] prod;

  logic                   en;
  logic                   v1_q;
  logic                   last1_q;
  logic [LANES*PsumW-1:0] psum_d, psum_q;
  logic [LANES*ACC_W-1:0] acc_d, acc_q;
  logic                   res_load;         // the packet's total goes to the output register

  for (genvar e = 0; e < ELEMS; e++) begin : g_a
    hlog_enc #(.WIDTH(Width), .ROUND(ROUND)) u_enc (
      .x_i     (in_a_i[e*Width +: Width]),
      .zero_o  (a_zero[e]),
      .sign_o  (a_sign[e]),
      .exp_o   (a_exp[e*ExpW +: ExpW]),
      .half_o  (a_half[e]),
      .value_o (a_val_unused[e*Width +: Width])
    );
  end

  for (genvar l = 0; l < LANES; l++) begin : g_lane
    for (genvar e = 0; e < ELEMS; e++) begin : g_elem
      localparam int unsigned I = l * ELEMS + e;
      hlog_enc #(.WIDTH(Width), .ROUND(ROUND)) u_enc (
        .x_i     (in_b_i[I*Width +: Width]),
        .zero_o  (b_zero[I]),
        .sign_o  (b_sign[I]),
        .exp_o   (b_exp[I*ExpW +: ExpW]),
        .half_o  (b_half[I]),
        .value_o (b_val_unused[I*Width +: Width])
      );
      hlog_mul #(.WIDTH(Width)) u_mul (
        .a_zero_i (a_zero[e]),
        .a_sign_i (a_sign[e]),
        .a_exp_i  (a_exp[e*ExpW +: ExpW]),
        .a_half_i (a_half[e]),
        .b_zero_i (b_zero[I]),
        .b_sign_i (b_sign[I]),
        .b_exp_i  (b_exp[I*ExpW +: ExpW]),
        .b_half_i (b_half[I]),
        .prod_o   (prod[I*ProdW +: ProdW])
      );
    end
  end

  // stage 1: per-lane sum of this beat's products
  always_comb begin
    for (int unsigned l = 0; l < LANES; l++) begin
      logic [PsumW-1:0] s;
      s = '0;
      for (int unsigned e = 0; e < ELEMS; e++) begin
        s = s + PsumW'($signed(prod[(l*ELEMS+e)*ProdW +: ProdW]));
      end
      psum_d[l*PsumW +: PsumW] = s;
    end
  end

  // stage 2: accumulate over the packet; the last beat's total goes to the output
  logic [LANES*ACC_W-1:0] total;

  always_comb begin
    for (int unsigned l = 0; l < LANES; l++) begin
      total[l*ACC_W +: ACC_W] = acc_q[l*ACC_W +: ACC_W] + ACC_W'($signed(psum_q[l*PsumW +: PsumW]));
    end
  end

  // the packet's last beat leaves its total in the output register and clears the
  // accumulator; the pipeline holds while a finished result waits at the output
  assign res_load   = en && v1_q && last1_q;
  assign in_ready_o = en;

  always_comb begin
    acc_d = acc_q;
    if (v1_q) begin
      acc_d = last1_q ? '0 : total;
    end
  end

  esact_stream_reg #(.Width(LANES*ACC_W)) u_out_reg (
    .clk_i,
    .rst_ni,
    .free_o  (en),
    .load_i  (res_load),
    .data_i  (total),
    .valid_o (out_valid_o),
    .ready_i (out_ready_i),
    .data_o  (out_sum_o)
  );

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      v1_q  <= 1'b0;
      acc_q <= '0;
    end else if (en) begin
      v1_q  <= in_valid_i;
      acc_q <= acc_d;
    end
  end

  always_ff @(posedge clk_i) begin
    if (en) begin
      psum_q  <= psum_d;
      last1_q <= in_last_i;
    end
  end

  logic unused_vals;
  assign unused_vals = ^{a_val_unused, b_val_unused};

endmodule
