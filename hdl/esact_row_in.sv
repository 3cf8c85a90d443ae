// Copyright ESACT verification project contributors.
// SPDX-License-Identifier: Apache-2.0
//
// esact_row_in: the input side shared by the row engines (softmax, layernorm): it stores
// the entries of a row packet as the engine takes its beats (LANES entries of W bits a
// beat, into row_o; lanes past MAX are dropped) and tracks the packet -- the beat index,
// the row length (read with the first beat) and whether the packet's shape is legal --
// so the engine only adds its own checks of the payload.
//
// For the beat being taken (take_i): first_o, its index idx_o and the row length in
// force len_o (the input's on a first beat, the latched one after).  On the last beat
// (last_i), shape_ok_o says the row is legal: a length of 1..MAX, no beat past the
// longest legal row, and ceil(len / LANES) beats.  len_q_o and nbeats_o hold the row's
// length and beat count from the cycle after its first beat until the next row starts.

module esact_row_in #(
  parameter int unsigned MAX     = 128,   // longest legal row
  parameter int unsigned LANES   = 8,     // entries of a beat
  parameter int unsigned W       = 8,     // bits of an entry
  localparam int unsigned LenW   = $clog2(MAX + 1),
  localparam int unsigned Chunks = (MAX + LANES - 1) / LANES,
  localparam int unsigned ChW    = $clog2(Chunks + 1)
) (
  input  logic            clk_i,
  input  logic            rst_ni,

  input  logic            take_i,      // a beat of the row is taken
  input  logic            last_i,      // ... the row's last
  input  logic [LenW-1:0] len_i,       // the row length (read with the first beat)
  input  logic [LANES*W-1:0] data_i,   // the beat's entries
  output logic            first_o,     // the beat is the row's first
  output logic [ChW-1:0]  idx_o,       // its beat index
  output logic [LenW-1:0] len_o,       // the row length in force for it
  output logic            shape_ok_o,  // (last beat) the row's shape is legal
  output logic [LenW-1:0] len_q_o,     // the row's length
  output logic [ChW-1:0]  nbeats_o,    // ... and its beat count
  output logic [W-1:0]    row_o [MAX]  // the entries taken
);

  logic [W-1:0]    row_q [MAX];        // written directly (memory style)

  logic            first_d, first_q;
  logic [ChW-1:0]  beats_d, beats_q;   // beats taken
  logic [LenW-1:0] len_d, len_q;
  logic            over_d, over_q;     // a beat past the longest legal row
  logic            over;               // ... up to and with the beat being taken

  assign first_o = first_q;
  assign idx_o   = first_q ? '0 : beats_q;
  assign len_o   = first_q ? len_i : len_q;
  assign over    = (!first_q && over_q) || 32'(idx_o) >= Chunks;

  always_comb begin
    first_d = first_q;
    beats_d = beats_q;
    len_d   = len_q;
    over_d  = over_q;
    if (take_i) begin
      first_d = last_i;
      beats_d = idx_o + ChW'(1);
      len_d   = len_o;
      over_d  = over;
    end
  end

  assign shape_ok_o = len_o != '0 && 32'(len_o) <= MAX && !over &&
                      ChW'((32'(len_o) + LANES - 1) / LANES) == idx_o + ChW'(1);

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      first_q <= 1'b1;
    end else begin
      first_q <= first_d;
    end
  end

  always_ff @(posedge clk_i) begin
    beats_q <= beats_d;
    len_q   <= len_d;
    over_q  <= over_d;
  end

  always_ff @(posedge clk_i) begin
    if (take_i) begin
      for (int unsigned l = 0; l < LANES; l++) begin
        if (32'(idx_o) * LANES + l < MAX) begin
          row_q[32'(idx_o) * LANES + l] <= data_i[l*W +: W];
        end
      end
    end
  end

  assign row_o    = row_q;
  assign len_q_o  = len_q;
  assign nbeats_o = ChW'((32'(len_q) + LANES - 1) / LANES);

endmodule
