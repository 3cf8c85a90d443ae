// Copyright ESACT verification project contributors.
// SPDX-License-Identifier: Apache-2.0
//
// esact_hlog_spec: the HLog level set as a specification (models/hlog.py), written
// independently of hlog_enc: levels are 2^e and 3 * 2^(e-1) (e >= 1); truncation picks
// the largest level <= |x|; ROUND = 1 picks the nearest level, ties to the larger one,
// and a positive x that rounds to 2^(WIDTH-1) saturates to 3 * 2^(WIDTH-3).  The code
// {zero, sign, exp, half} is read off the chosen level's two significant bits.
// Output: {zero, sign, exp, half, value}.

// checker code is not part of the RTL's code coverage
/* verilator coverage_off */

module esact_hlog_spec #(
  parameter int unsigned WIDTH = 8,
  parameter bit          ROUND = 1'b0,
  localparam int unsigned ExpW = $clog2(WIDTH)
) (
  input  logic [WIDTH-1:0]        x_i,
  output logic [WIDTH+ExpW+2:0]   code_o
);

  logic [WIDTH:0]   mag;
  logic [WIDTH:0]   best;
  logic [WIDTH:0]   lvl;
  logic [WIDTH+1:0] gap, best_dist;
  logic [ExpW-1:0]  exp_v;
  logic             half_v;
  logic [WIDTH-1:0] value;

  always_comb begin
    mag       = x_i[WIDTH-1] ? (WIDTH+1)'(-{1'b1, x_i}) : {1'b0, x_i};
    best      = '0;
    best_dist = (WIDTH+2)'(mag);
    exp_v     = '0;
    half_v    = 1'b0;
    for (int unsigned e = 0; e < WIDTH; e++) begin
      for (int unsigned h = 0; h < 2; h++) begin
        if (h == 0 || e >= 1) begin
          lvl = ((WIDTH+1)'(1) << e) | ((h == 1) ? ((WIDTH+1)'(1) << (e - 1)) : '0);
          if (!ROUND) begin
            if (lvl <= mag) begin
              best = lvl;
              exp_v = ExpW'(e);
              half_v = (h == 1);
            end
          end else begin
            gap = (lvl >= mag) ? (WIDTH+2)'(lvl - mag) : (WIDTH+2)'(mag - lvl);
            if (lvl <= (WIDTH+1)'(1) << (WIDTH - 1) && gap <= best_dist) begin
              best      = lvl;
              best_dist = gap;
              exp_v     = ExpW'(e);
              half_v    = (h == 1);
            end
          end
        end
      end
    end
    if (ROUND && !x_i[WIDTH-1] && best == (WIDTH+1)'(1) << (WIDTH - 1)) begin
      best   = (WIDTH+1)'(3) << (WIDTH - 3);
      exp_v  = ExpW'(WIDTH - 2);
      half_v = 1'b1;
    end
    if (mag == '0) begin
      exp_v  = '0;
      half_v = 1'b0;
    end
    value  = x_i[WIDTH-1] ? -best[WIDTH-1:0] : best[WIDTH-1:0];
    code_o = {mag == '0, x_i[WIDTH-1], exp_v, half_v, value};
  end

endmodule
