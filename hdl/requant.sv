// Copyright ESACT verification project contributors.
// SPDX-License-Identifier: Apache-2.0
//
// requant: per-lane requantization, LANES lanes per beat (golden model: models/quant.py)
//
//   y = sat_{8|16}(((acc + bias) * mult + 2^(shift-1)) >>> shift)
//
// round half up (towards +inf on ties), arithmetic shift, saturation to the signed
// 8-bit (in_out16_i = 0) or 16-bit (in_out16_i = 1) range; shift = 0 passes the product
// through.  mult is unsigned.  Two pipeline stages, one beat per cycle; in_last_i is
// carried along, and so is a TAG_W-bit sideband tag (e.g. the row and column of
// the values).  No configuration is illegal, so there is no error status.

module requant #(
  parameter int unsigned LANES  = 8,
  parameter int unsigned IN_W   = 52,
  parameter int unsigned BIAS_W = 32,
  parameter int unsigned MULT_W = 15,
  parameter int unsigned SH_W   = 6,
  parameter int unsigned TAG_W  = 1,
  localparam int unsigned OutW  = 16
) (
  input  logic                    clk_i,
  input  logic                    rst_ni,

  input  logic                    in_valid_i,
  output logic                    in_ready_o,
  input  logic [LANES*IN_W-1:0]   in_acc_i,
  input  logic [LANES*BIAS_W-1:0] in_bias_i,
  input  logic [LANES*MULT_W-1:0] in_mult_i,
  input  logic [LANES*SH_W-1:0]   in_shift_i,
  input  logic                    in_out16_i,
  input  logic                    in_last_i,
  input  logic [TAG_W-1:0]        in_tag_i,

  output logic                    out_valid_o,
  input  logic                    out_ready_i,
  output logic [LANES*OutW-1:0]   out_data_o,
  output logic                    out_last_o,
  output logic [TAG_W-1:0]        out_tag_o
);

  localparam int unsigned SumW  = IN_W + 1;
  localparam int unsigned ProdW = SumW + MULT_W + 1;

  logic                    en;
  logic                    out16_q;
  logic [LANES*ProdW-1:0]  prod_d, prod_q;
  logic [LANES*SH_W-1:0]   shift_q;
  logic [LANES*OutW-1:0]   y_d, y_q;

  // valid, last and tag of the two stages: the whole pipeline advances (en) unless the
  // output holds a beat that is not taken; the stage registers below load with en
  esact_pipe_ctrl #(.STAGES(2), .TAG_W(TAG_W)) u_ctrl (
    .clk_i,
    .rst_ni,
    .in_valid_i,
    .in_ready_o,
    .in_last_i,
    .in_tag_i,
    .en_o        (en),
    .out_valid_o,
    .out_ready_i,
    .out_last_o,
    .out_tag_o
  );

  // stage 1: (acc + bias) * mult
  always_comb begin
    for (int unsigned l = 0; l < LANES; l++) begin
      logic signed [SumW-1:0]   sum;
      logic signed [MULT_W:0]   m;
      sum = SumW'($signed(in_acc_i[l*IN_W +: IN_W])) + SumW'($signed(in_bias_i[l*BIAS_W +: BIAS_W]));
      m   = {1'b0, in_mult_i[l*MULT_W +: MULT_W]};
      prod_d[l*ProdW +: ProdW] = ProdW'(sum) * ProdW'(m);
    end
  end

  // stage 2: round half up, arithmetic shift, saturate
  always_comb begin
    for (int unsigned l = 0; l < LANES; l++) begin
      logic signed [ProdW-1:0] p;
      logic signed [ProdW-1:0] r;
      logic [SH_W-1:0]         sh;
      sh = shift_q[l*SH_W +: SH_W];
      p  = $signed(prod_q[l*ProdW +: ProdW]);
      if (sh != '0) begin
        r = (p + (ProdW'(1) <<< (sh - SH_W'(1)))) >>> sh;
      end else begin
        r = p;
      end
      if (out16_q) begin
        if (r > ProdW'(32767)) begin
          y_d[l*OutW +: OutW] = 16'sd32767;
        end else if (r < -ProdW'(32768)) begin
          y_d[l*OutW +: OutW] = -16'sd32768;
        end else begin
          y_d[l*OutW +: OutW] = r[OutW-1:0];
        end
      end else begin
        if (r > ProdW'(127)) begin
          y_d[l*OutW +: OutW] = 16'sd127;
        end else if (r < -ProdW'(128)) begin
          y_d[l*OutW +: OutW] = -16'sd128;
        end else begin
          y_d[l*OutW +: OutW] = OutW'(r);
        end
      end
    end
  end

  always_ff @(posedge clk_i) begin
    if (en) begin
      prod_q  <= prod_d;
      shift_q <= in_shift_i;
      out16_q <= in_out16_i;
      y_q     <= y_d;
    end
  end

  assign out_data_o = y_q;

endmodule
