// Copyright ESACT verification project contributors.
// SPDX-License-Identifier: Apache-2.0
//
// gelu: I-BERT integer GELU numerator on INT16 inputs (golden model: models/intops.py,
// gelu_int):
//   L = (min(|q|, -qb) + qb)^2;   t = q >= 0 ? q * (2*qc - L) : q * L
// with the per-layer constants qb (<= 0) and qc from the input scale; t (scale
// S / (2 qc)) is requantized to INT8 by the requant unit.  LANES lanes per beat, two
// pipeline stages, one beat per cycle; in_last_i and a TAG_W-bit
// sideband tag are carried along.  A beat with
// qb > 0 (an illegal constant) is flagged with out_err_o = 1 and t = 0.

module gelu #(
  parameter int unsigned LANES = 8,
  parameter int unsigned IN_W  = 16,
  parameter int unsigned QB_W  = 18,
  parameter int unsigned QC_W  = 32,
  parameter int unsigned TAG_W = 1,
  localparam int unsigned OutW = 52
) (
  input  logic                   clk_i,
  input  logic                   rst_ni,

  input  logic                   in_valid_i,
  output logic                   in_ready_o,
  input  logic [LANES*IN_W-1:0]  in_q_i,
  input  logic [QB_W-1:0]        in_qb_i,
  input  logic [QC_W-1:0]        in_qc_i,
  input  logic                   in_last_i,
  input  logic [TAG_W-1:0]       in_tag_i,

  output logic                   out_valid_o,
  input  logic                   out_ready_i,
  output logic [LANES*OutW-1:0]  out_t_o,
  output logic                   out_err_o,
  output logic                   out_last_o,
  output logic [TAG_W-1:0]       out_tag_o
);

  localparam int unsigned MW = QB_W + 1;      // |q| and -qb
  localparam int unsigned LW = 2 * MW;        // L
  localparam int unsigned FW = LW + 2;        // 2 qc - L (signed)

  logic                   en;
  logic                   err_in;
  logic                   err1_q, err2_q;
  logic [LANES*LW-1:0]    l_d, l_q;
  logic [LANES*IN_W-1:0]  q1_q;
  logic [QC_W-1:0]        qc1_q;
  logic [LANES*OutW-1:0]  t_d, t_q;

  // valid, last and tag of the two stages; the stage registers below load with en
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

  assign err_in     = !in_qb_i[QB_W-1] && (in_qb_i != '0);  // qb > 0

  // stage 1: L = (min(|q|, -qb) + qb)^2
  always_comb begin
    for (int unsigned l = 0; l < LANES; l++) begin
      logic signed [MW-1:0] q, a, nqb, m, d;
      q   = MW'($signed(in_q_i[l*IN_W +: IN_W]));
      a   = q[MW-1] ? -q : q;
      nqb = -MW'($signed(in_qb_i));
      m   = (a < nqb) ? a : nqb;
      d   = m + MW'($signed(in_qb_i));
      l_d[l*LW +: LW] = LW'(d * d);
    end
  end

  // stage 2: t = q * (q >= 0 ? 2 qc - L : L)
  always_comb begin
    for (int unsigned l = 0; l < LANES; l++) begin
      logic signed [FW-1:0]   f;
      logic signed [OutW-1:0] q;
      q = OutW'($signed(q1_q[l*IN_W +: IN_W]));
      if (q1_q[l*IN_W+IN_W-1]) begin
        f = $signed({2'b00, l_q[l*LW +: LW]});
      end else begin
        f = $signed(FW'({qc1_q, 1'b0})) - $signed({2'b00, l_q[l*LW +: LW]});
      end
      t_d[l*OutW +: OutW] = err1_q ? '0 : OutW'(q * OutW'(f));
    end
  end

  always_ff @(posedge clk_i) begin
    if (en) begin
      l_q     <= l_d;
      q1_q    <= in_q_i;
      qc1_q   <= in_qc_i;
      err1_q  <= err_in;
      t_q     <= t_d;
      err2_q  <= err1_q;
    end
  end

  assign out_t_o   = t_q;
  assign out_err_o = err2_q;

endmodule
