// Copyright ESACT verification project contributors.
// SPDX-License-Identifier: Apache-2.0
//
// softmax: integer softmax over the kept entries of one attention row (golden model:
// models/intops.py, softmax_int):
//   m = max kept s_j;  u_j = ((s_j - m) * mult) >>> shift   (base-2 exponent, 6 fraction bits)
//   e_j = EXP_LUT[(-u_j) & 63] >> ((-u_j) >> 6)   (0 once the shift reaches 16)
//   recip = floor(2^32 / sum_j e_j);   p_j = min(255, (e_j * recip + 2^23) >> 24)
// Entries that are not kept (or beyond len) get p = 0.
//
// Input packet: ceil(len/LANES) beats of LANES signed scores with keep bits, in_last_i
// on the final beat; len, mult and shift come with the first beat.  Output packet:
// the same number of beats of LANES unsigned 8-bit probabilities.
// Illegal rows (len = 0 or > T_MAX, a beat count that does not match len, no kept
// entry) give a single beat with out_err_o = 1 and out_last_o = 1.
// Cycles per row: 3 * ceil(len/LANES) + 34 (load, exponentials, 33-step division, output).

module softmax
  import softmax_pkg::*;
#(
  parameter int unsigned T_MAX = 128,
  parameter int unsigned LANES = 8,
  parameter int unsigned IN_W  = 32,
  localparam int unsigned LenW = $clog2(T_MAX + 1)
) (
  input  logic                   clk_i,
  input  logic                   rst_ni,

  input  logic                   in_valid_i,
  output logic                   in_ready_o,
  input  logic [LANES*IN_W-1:0]  in_score_i,
  input  logic [LANES-1:0]       in_keep_i,
  input  logic [LenW-1:0]        in_len_i,
  input  logic [14:0]            in_mult_i,
  input  logic [5:0]             in_shift_i,
  input  logic                   in_last_i,

  output logic                   out_valid_o,
  input  logic                   out_ready_i,
  output logic [LANES*8-1:0]     out_p_o,
  output logic                   out_err_o,
  output logic                   out_last_o
);

  localparam int unsigned Chunks = (T_MAX + LANES - 1) / LANES;
  localparam int unsigned ChW    = $clog2(Chunks + 1);
  localparam int unsigned DeltaW = IN_W + 1;
  localparam int unsigned UW     = DeltaW + 16;
  localparam int unsigned SumW   = 16 + LenW;
  localparam int unsigned NumW   = SM_RECIP_BITS + 1;

  typedef enum logic [1:0] {Load, Exp, Div} state_e;

  state_e                state_d, state_q;
  logic [IN_W-1:0]       score [T_MAX];      // the row's scores (esact_row_in)
  logic [T_MAX-1:0]      keep_d, keep_q;
  logic [15:0]           e_q [T_MAX];
  logic [LenW-1:0]       len_q;              // the row's length (esact_row_in)
  logic [14:0]           mult_d, mult_q;
  logic [5:0]            shift_d, shift_q;
  logic [ChW-1:0]        chunk_d, chunk_q;
  logic                  any_d, any_q;       // some entry is kept
  logic [IN_W-1:0]       max_d, max_q;
  logic [SumW-1:0]       sum_d, sum_q;
  logic                  accept;
  logic [ChW-1:0]        nbeats;
  // divider
  logic                  div_start;
  logic                  div_busy, div_done;
  logic [NumW-1:0]       div_quo;
  logic [NumW-1:0]       recip_d, recip_q;
  // the row emitter (esact_row_out): a row packet or an error beat
  logic                  emit_start;
  logic                  emit_err;
  logic                  emit_busy;          // a packet is being output: the input waits
  logic [ChW-1:0]        emit_beat;          // the beat being output
  logic                  ld_first;           // the beat being loaded is the row's first
  logic [ChW-1:0]        ld_idx;             // chunk index of the beat being loaded
  logic                  ld_shape_ok;        // (last beat) the row's length and beat count are legal
  logic [LenW-1:0]       ld_len;             // row length in force for that beat
  logic [LANES-1:0]      ld_keep;            // its keep bits, masked by the length
  logic [LANES*16-1:0]   ex_e;               // exponentials of the chunk being processed
  logic [LANES*8-1:0]    ot_p;               // probabilities of the chunk being output

  assign in_ready_o = (state_q == Load) && !emit_busy;
  assign accept     = in_valid_i && in_ready_o;

  esact_row_in #(.MAX(T_MAX), .LANES(LANES), .W(IN_W)) u_row_in (
    .clk_i,
    .rst_ni,
    .take_i     (accept),
    .last_i     (in_last_i),
    .len_i      (in_len_i),
    .data_i     (in_score_i),
    .first_o    (ld_first),
    .idx_o      (ld_idx),
    .len_o      (ld_len),
    .shape_ok_o (ld_shape_ok),
    .len_q_o    (len_q),
    .nbeats_o   (nbeats),
    .row_o      (score)
  );

  always_comb begin
    for (int unsigned l = 0; l < LANES; l++) begin
      ld_keep[l] = in_keep_i[l] && (32'(ld_idx) * LANES + l < 32'(ld_len));
    end
  end

  // exponentials of the current chunk and probabilities of the beat being output (LANES entries)
  always_comb begin
    ex_e = '0;
    ot_p = '0;
    for (int unsigned c = 0; c < Chunks; c++) begin
      for (int unsigned l = 0; l < LANES; l++) begin
        if (c * LANES + l < T_MAX) begin
          if (ChW'(c) == chunk_q && keep_q[c*LANES+l]) begin
            ex_e[l*16 +: 16] = exp_of(score[c*LANES+l], max_q, mult_q, shift_q);
          end
          if (ChW'(c) == emit_beat) begin
            ot_p[l*8 +: 8] = prob_of(e_q[c*LANES+l], recip_q);
          end
        end
      end
    end
  end

  div_seq #(.NUM_W(NumW), .DEN_W(SumW)) u_div (
    .clk_i,
    .rst_ni,
    .start_i (div_start),
    .num_i   (NumW'(1) << SM_RECIP_BITS),
    .den_i   (sum_q),
    .busy_o  (div_busy),
    .done_o  (div_done),
    .quo_o   (div_quo)
  );

  // exponential of one entry
  function automatic logic [15:0] exp_of(logic [IN_W-1:0] s, logic [IN_W-1:0] m,
                                         logic [14:0] mult, logic [5:0] sh);
    logic signed [DeltaW-1:0] delta;
    logic signed [UW-1:0]     u;
    logic [UW-1:0]            neg;
    logic [UW-1:0]            n;
    logic [5:0]               f;
    delta = DeltaW'($signed(s)) - DeltaW'($signed(m));
    u     = (UW'(delta) * UW'($signed({1'b0, mult}))) >>> sh;
    neg   = -u;
    n     = neg >> EXP_FRAC;
    f     = neg[5:0];
    // single exit (no early return: Verilator's line coverage loses blocks that end in one)
    if (n >= UW'(EXP_ZERO_SHIFT)) begin
      exp_of = '0;
    end else begin
      exp_of = EXP_LUT[f] >> n[3:0];
    end
  endfunction

  // probability of one entry: min(255, (e * recip + 2^23) >> 24)
  function automatic logic [7:0] prob_of(logic [15:0] e, logic [NumW-1:0] recip);
    logic [15+NumW:0] prod;
    logic [15+NumW:0] q;
    prod = (16+NumW)'(e) * (16+NumW)'(recip) + (16+NumW)'(1 << 23);
    q    = prod >> (SM_RECIP_BITS - P_BITS);
    return (q > (16+NumW)'(255)) ? 8'd255 : q[7:0];
  endfunction

  always_comb begin
    state_d  = state_q;
    keep_d   = keep_q;
    mult_d   = mult_q;
    shift_d  = shift_q;
    chunk_d  = chunk_q;
    any_d    = any_q;
    max_d    = max_q;
    sum_d    = sum_q;
    recip_d  = recip_q;
    div_start = 1'b0;
    emit_start = 1'b0;
    emit_err   = 1'b0;
    unique case (state_q)
      Load: begin
        if (accept) begin
          if (ld_first) begin
            mult_d  = in_mult_i;
            shift_d = in_shift_i;
            any_d   = 1'b0;
            keep_d  = '0;
          end
          for (int unsigned c = 0; c < Chunks; c++) begin
            if (ChW'(c) == ld_idx) begin
              for (int unsigned l = 0; l < LANES; l++) begin
                if (c * LANES + l < T_MAX) begin
                  keep_d[c*LANES+l]  = ld_keep[l];
                  if (ld_keep[l]) begin
                    if (!any_d || $signed(in_score_i[l*IN_W +: IN_W]) > $signed(max_d)) begin
                      max_d = in_score_i[l*IN_W +: IN_W];
                    end
                    any_d = 1'b1;
                  end
                end
              end
            end
          end
          if (in_last_i) begin
            if (!ld_shape_ok || !any_d) begin
              emit_err = 1'b1;
            end else begin
              state_d = Exp;
              chunk_d = '0;
              sum_d   = '0;
            end
          end
        end
      end
      Exp: begin
        for (int unsigned l = 0; l < LANES; l++) begin
          sum_d = sum_d + SumW'(ex_e[l*16 +: 16]);
        end
        chunk_d = chunk_q + ChW'(1);
        if (chunk_q == nbeats - ChW'(1)) begin
          state_d = Div;
        end
      end
      Div: begin
        div_start = !div_busy && !div_done;
        if (div_done) begin
          recip_d    = div_quo;
          state_d    = Load;
          emit_start = 1'b1;
        end
      end
      default: state_d = Load;
    endcase
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      state_q <= Load;
    end else begin
      state_q <= state_d;
    end
  end

  always_ff @(posedge clk_i) begin
    if (state_q == Exp) begin
      for (int unsigned l = 0; l < LANES; l++) begin
        if (32'(chunk_q) * LANES + l < T_MAX) begin
          e_q[32'(chunk_q) * LANES + l] <= ex_e[l*16 +: 16];
        end
      end
    end
  end

  always_ff @(posedge clk_i) begin
    keep_q  <= keep_d;
    mult_q  <= mult_d;
    shift_q <= shift_d;
    chunk_q <= chunk_d;
    any_q   <= any_d;
    max_q   <= max_d;
    sum_q   <= sum_d;
    recip_q <= recip_d;
  end

  esact_row_out #(.Width(LANES*8), .ChW(ChW)) u_row_out (
    .clk_i,
    .rst_ni,
    .start_i     (emit_start),
    .err_i       (emit_err),
    .nbeats_i    (nbeats),
    .beat_o      (emit_beat),
    .data_i      (ot_p),
    .busy_o      (emit_busy),
    .out_valid_o,
    .out_ready_i,
    .out_data_o  (out_p_o),
    .out_err_o,
    .out_last_o
  );

endmodule
