// Copyright ESACT verification project contributors.
// SPDX-License-Identifier: Apache-2.0
//
// esact_row_out: the output side shared by the row engines (softmax, layernorm): it
// emits a row packet of nbeats_i beats, beat b carrying the payload the engine computes
// for beat_o = b, or a single error beat (zero payload, err and last set), through the
// stream output register (esact_stream_reg).
//
// The engine starts a packet while the emitter is idle (start_i for a row, err_i for an
// error; not both) and holds nbeats_i (>= 1) while busy_o: from the cycle after the
// start to the cycle the packet's last beat is loaded (the engine holds its input while
// busy_o, so a new row is taken only once the packet has gone into the register).  A
// beat is loaded in every cycle the register is free, so a row leaves at one beat per
// cycle without back-pressure.  last is set only with valid.

module esact_row_out #(
  parameter int unsigned Width = 8,   // payload bits of a beat
  parameter int unsigned ChW   = 4    // bits of a beat index
) (
  input  logic             clk_i,
  input  logic             rst_ni,

  input  logic             start_i,   // emit a row packet of nbeats_i beats
  input  logic             err_i,     // emit one error beat
  input  logic [ChW-1:0]   nbeats_i,
  output logic [ChW-1:0]   beat_o,    // the row beat whose payload data_i carries
  input  logic [Width-1:0] data_i,
  output logic             busy_o,    // a packet is being emitted (the engine holds its input)

  output logic             out_valid_o,
  input  logic             out_ready_i,
  output logic [Width-1:0] out_data_o,
  output logic             out_err_o,
  output logic             out_last_o
);

  typedef enum logic [1:0] {Idle, Row, ErrBeat} state_e;

  state_e         state_d, state_q;
  logic [ChW-1:0] beat_d, beat_q;
  logic           reg_free;
  logic           load;
  logic           err;
  logic           last;
  logic           last_q;

  always_comb begin
    state_d = state_q;
    beat_d  = beat_q;
    load    = 1'b0;
    err     = 1'b0;
    last    = (beat_q == nbeats_i - ChW'(1));
    unique case (state_q)
      Idle: begin
        if (err_i) begin
          state_d = ErrBeat;
        end else if (start_i) begin
          state_d = Row;
          beat_d  = '0;
        end
      end
      Row: begin
        if (reg_free) begin
          load   = 1'b1;
          beat_d = beat_q + ChW'(1);
          if (last) begin
            state_d = Idle;
          end
        end
      end
      ErrBeat: begin
        err  = 1'b1;
        last = 1'b1;
        if (reg_free) begin
          load    = 1'b1;
          state_d = Idle;
        end
      end
      default: state_d = Idle;
    endcase
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      state_q <= Idle;
    end else begin
      state_q <= state_d;
    end
  end

  always_ff @(posedge clk_i) begin
    beat_q <= beat_d;
  end

  assign beat_o = beat_q;
  assign busy_o = (state_q != Idle);

  esact_stream_reg #(.Width(Width + 2)) u_out_reg (
    .clk_i,
    .rst_ni,
    .free_o  (reg_free),
    .load_i  (load),
    .data_i  ({err ? '0 : data_i, err, last}),
    .valid_o (out_valid_o),
    .ready_i (out_ready_i),
    .data_o  ({out_data_o, out_err_o, last_q})
  );

  assign out_last_o = out_valid_o && last_q;  // last only with valid

endmodule
