// Copyright ESACT verification project contributors.
// SPDX-License-Identifier: Apache-2.0
//
// hlog_enc: combinational HLog ("hybrid log") encoder of one signed WIDTH-bit value.
//
// HLog levels are the integers with at most two significant bits. The code is
// {zero, sign, exp, half}; the value is (-1)^sign * (2^exp + half * 2^(exp-1)).
//   ROUND = 0: truncation (exp = leading-one index of |x|, half = the bit below it).
//   ROUND = 1: round half up on |x| (add 2^(exp-2), truncate again); a positive
//              result of 2^(WIDTH-1) saturates to 3 * 2^(WIDTH-3).
// Golden model: models/hlog.py (hlog_encode / hlog_decode).

module hlog_enc #(
  parameter int unsigned WIDTH = 8,
  parameter bit          ROUND = 1'b0,
  localparam int unsigned ExpW = $clog2(WIDTH)
) (
  input  logic [WIDTH-1:0] x_i,
  output logic             zero_o,
  output logic             sign_o,
  output logic [ExpW-1:0]  exp_o,
  output logic             half_o,
  output logic [WIDTH-1:0] value_o
);

  // |x| fits WIDTH unsigned bits (|-2^(WIDTH-1)| = 2^(WIDTH-1)); rounding adds at most
  // 2^(WIDTH-3), which needs one more bit.
  logic [WIDTH-1:0] neg;
  logic [WIDTH:0]   mag;
  logic [WIDTH:0]   mag_rnd;
  logic [ExpW-1:0]  lead;
  logic [ExpW-1:0]  lead_rnd;
  logic             half_rnd;
  logic             sat;
  logic [WIDTH-1:0] level;

  // Index of the leading one of a WIDTH+1-bit magnitude (0 when the magnitude is 0).
  // Only bits [WIDTH-1:0] can hold the leading one of a legal input.
  function automatic logic [ExpW-1:0] leading_one(logic [WIDTH:0] a);
    logic [ExpW-1:0] idx;
    idx = '0;
    for (int unsigned i = 0; i < WIDTH; i++) begin
      if (a[i]) idx = ExpW'(i);
    end
    return idx;
  endfunction

  // Bit just below the leading one (0 when the leading one is bit 0).
  function automatic logic below_lead(logic [WIDTH:0] a, logic [ExpW-1:0] idx);
    logic b;
    b = 1'b0;
    for (int unsigned i = 1; i < WIDTH; i++) begin
      if (idx == ExpW'(i)) b = a[i-1];
    end
    return b;
  endfunction

  always_comb begin
    // Two's complement negation in WIDTH bits: -(-2^(WIDTH-1)) wraps to 2^(WIDTH-1),
    // which is the correct unsigned magnitude, so zero-extension is exact.
    neg  = -x_i;
    mag  = {1'b0, x_i[WIDTH-1] ? neg : x_i};
    lead = leading_one(mag);
    if (ROUND && lead >= ExpW'(2)) begin
      mag_rnd = mag + ((WIDTH+1)'(1) << (lead - ExpW'(2)));
    end else begin
      mag_rnd = mag;
    end
    lead_rnd = leading_one(mag_rnd);
    half_rnd = below_lead(mag_rnd, lead_rnd);
    // Rounding carries at most up to 2^(WIDTH-1): bit WIDTH is never set.
    sat      = ROUND && !x_i[WIDTH-1] && (lead_rnd == ExpW'(WIDTH - 1));

    zero_o = (mag == '0);
    sign_o = x_i[WIDTH-1];
    exp_o  = sat ? ExpW'(WIDTH - 2) : lead_rnd;
    half_o = !zero_o && (sat || half_rnd);

    level = (WIDTH'(1) << exp_o);
    if (half_o) level = level | (WIDTH'(1) << (exp_o - ExpW'(1)));
    if (zero_o) level = '0;
    value_o = sign_o ? -level : level;
  end

endmodule
