// Copyright ESACT verification project contributors.
// SPDX-License-Identifier: Apache-2.0
//
// topk: row-wise top-k selection over a predicted-attention row (golden model:
// models/spls.py, topk_mask).  Keeps the k largest of the first `len` entries; ties go
// to the lowest index, so the result is deterministic.
//
// Input packet (one row): ceil(len / LANES) beats of LANES signed W-bit scores (lane 0
// = lowest index), in_last_i on the final beat; in_len_i and in_k_i are taken from the
// first beat.  Output: one beat per row with the keep mask (bit i = entry i).
// Illegal rows (len = 0, len > T_MAX, k = 0, k > len, or a beat count that does not
// match len) produce a single output beat with out_err_o = 1 and an empty mask.
//
// Algorithm: the scores are mapped to order-preserving unsigned keys; a radix search
// finds the k-th largest key MSB first (one bit per cycle, T_MAX parallel comparators
// and a population count); then every key above it is kept and the lowest-index keys
// equal to it fill the remaining places (LANES entries per cycle).
// Cycles per row: ceil(len/LANES) (load) + W (search) + T_MAX/LANES (fill) + 1.

module topk #(
  parameter int unsigned T_MAX = 128,
  parameter int unsigned LANES = 8,
  parameter int unsigned W     = 24,
  localparam int unsigned LenW = $clog2(T_MAX + 1)
) (
  input  logic                 clk_i,
  input  logic                 rst_ni,

  input  logic                 in_valid_i,
  output logic                 in_ready_o,
  input  logic [LANES*W-1:0]   in_data_i,
  input  logic [LenW-1:0]      in_len_i,
  input  logic [LenW-1:0]      in_k_i,
  input  logic                 in_last_i,

  output logic                 out_valid_o,
  input  logic                 out_ready_i,
  output logic [T_MAX-1:0]     out_keep_o,
  output logic                 out_err_o
);

  localparam int unsigned Chunks = (T_MAX + LANES - 1) / LANES;
  localparam int unsigned ChW    = $clog2(Chunks + 1);
  localparam int unsigned BitW   = $clog2(W + 1);

  typedef enum logic [2:0] {Load, Search, Fill, Out} state_e;

  state_e               state_d, state_q;
  logic [W-1:0]         key_q [T_MAX];       // written directly (memory style)
  logic [LenW-1:0]      len_d, len_q;
  logic [LenW-1:0]      k_d, k_q;
  logic [ChW-1:0]       beats_d, beats_q;     // beats received in this row
  logic                 first_d, first_q;     // next beat is the first of a row
  logic                 err_d, err_q;
  logic [W-1:0]         thr_d, thr_q;
  logic [BitW-1:0]      bit_d, bit_q;         // search: bits still to decide
  logic [ChW-1:0]       chunk_d, chunk_q;     // fill: chunk index
  logic [LenW-1:0]      need_d, need_q;       // fill: equal keys still to keep
  logic [T_MAX-1:0]     keep_d, keep_q;
  logic                 accept;
  logic [W-1:0]         cand;
  logic [LenW-1:0]      cnt_ge;
  logic [LenW-1:0]      cnt_gt;
  logic [LenW-1:0]      len_in;
  logic [LenW-1:0]      need;

  assign in_ready_o = (state_q == Load);
  assign accept     = in_valid_i && in_ready_o;
  assign len_in     = first_q ? in_len_i : len_q;

  // search step: how many valid keys reach the candidate threshold, and exceed thr
  always_comb begin
    cand   = thr_q | (W'(1) << (bit_q - BitW'(1)));
    cnt_ge = '0;
    cnt_gt = '0;
    for (int unsigned i = 0; i < T_MAX; i++) begin
      if (LenW'(i) < len_q) begin
        cnt_ge = cnt_ge + LenW'(key_q[i] >= cand);
        cnt_gt = cnt_gt + LenW'(key_q[i] > thr_q);
      end
    end
  end

  always_comb begin
    state_d = state_q;
    len_d   = len_q;
    k_d     = k_q;
    beats_d = beats_q;
    first_d = first_q;
    err_d   = err_q;
    thr_d   = thr_q;
    bit_d   = bit_q;
    chunk_d = chunk_q;
    need_d  = need_q;
    keep_d  = keep_q;
    need    = need_q;
    unique case (state_q)
      Load: begin
        if (accept) begin
          if (first_q) begin
            len_d   = in_len_i;
            k_d     = in_k_i;
            beats_d = '0;
            err_d   = 1'b0;
          end
          beats_d = (first_q ? '0 : beats_q) + ChW'(1);
          if ((first_q ? '0 : beats_q) >= ChW'(Chunks)) begin
            err_d = 1'b1;  // more beats than any legal row
          end
          first_d = in_last_i;
          if (in_last_i) begin
            // legality of the whole row
            if (len_in == '0 || 32'(len_in) > T_MAX || (first_q ? in_k_i : k_q) == '0 ||
                (first_q ? in_k_i : k_q) > len_in ||
                ChW'((32'(len_in) + LANES - 1) / LANES) != beats_d || err_d) begin
              err_d   = 1'b1;
              keep_d  = '0;
              state_d = Out;
            end else begin
              thr_d   = '0;
              bit_d   = BitW'(W);
              state_d = Search;
            end
          end
        end
      end
      Search: begin
        if (cnt_ge >= k_q) begin
          thr_d = cand;
        end
        bit_d = bit_q - BitW'(1);
        if (bit_q == BitW'(1)) begin
          state_d = Fill;
          chunk_d = '0;
          keep_d  = '0;
          need_d  = '0;  // set on the first fill cycle, once thr is final
        end
      end
      Fill: begin
        need = (chunk_q == '0) ? (k_q - cnt_gt) : need_q;
        for (int unsigned c = 0; c < Chunks; c++) begin
          if (ChW'(c) == chunk_q) begin
            for (int unsigned l = 0; l < LANES; l++) begin
              if (c * LANES + l < T_MAX && LenW'(c * LANES + l) < len_q) begin
                if (key_q[c*LANES+l] > thr_q) begin
                  keep_d[c*LANES+l] = 1'b1;
                end else if (key_q[c*LANES+l] == thr_q && need != '0) begin
                  keep_d[c*LANES+l] = 1'b1;
                  need = need - LenW'(1);
                end
              end
            end
          end
        end
        need_d  = need;
        chunk_d = chunk_q + ChW'(1);
        if (chunk_q == ChW'(Chunks - 1)) begin
          state_d = Out;
        end
      end
      Out: begin
        if (out_ready_i) begin
          state_d = Load;
        end
      end
      default: state_d = Load;
    endcase
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      state_q <= Load;
      first_q <= 1'b1;
      err_q   <= 1'b0;
      beats_q <= '0;
    end else begin
      state_q <= state_d;
      first_q <= first_d;
      err_q   <= err_d;
      beats_q <= beats_d;
    end
  end

  // store a beat (order-preserving unsigned keys: flip the sign bit)
  always_ff @(posedge clk_i) begin
    if (state_q == Load && accept) begin
      for (int unsigned l = 0; l < LANES; l++) begin
        if (32'(first_q ? '0 : beats_q) * LANES + l < T_MAX) begin
          key_q[32'(first_q ? '0 : beats_q) * LANES + l] <= {~in_data_i[l*W+W-1], in_data_i[l*W +: W-1]};
        end
      end
    end
  end

  always_ff @(posedge clk_i) begin
    len_q   <= len_d;
    k_q     <= k_d;
    thr_q   <= thr_d;
    bit_q   <= bit_d;
    chunk_q <= chunk_d;
    need_q  <= need_d;
    keep_q  <= keep_d;
  end

  assign out_valid_o = (state_q == Out);
  assign out_keep_o  = keep_q;
  assign out_err_o   = err_q;

endmodule
