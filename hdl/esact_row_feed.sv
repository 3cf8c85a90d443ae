// Copyright ESACT verification project contributors.
// SPDX-License-Identifier: Apache-2.0
//
// esact_row_feed: feeds the rows of a stage into a row unit (softmax or layernorm),
// chunk by chunk, one row in flight at a time, and tracks where the unit's output
// beats go.
//
// While run_i is high the feeder offers the rows 0 .. rows_last_i in order: a row
// whose row_en_i is low (softmax: not a representative) is skipped; an enabled row is
// offered as chunks 0 .. chunks_last_i (in_last_o on the last), and the next row waits
// until the unit has returned every output beat of this one.  The output
// beats of the row in flight go to (out_row_o, out_chunk_o).  done_o: every row fed
// and returned; the feeder then clears itself for the next run (so do abort_i and
// reset).  The row and chunk being fed (feed_row_o, feed_chunk_o) address the
// stage's operand reads.

module esact_row_feed #(
  parameter int unsigned T_MAX    = 128,
  parameter int unsigned CHUNKS   = 16,                     // chunks of the longest row
  localparam int unsigned RowIdxW = $clog2(T_MAX),
  localparam int unsigned ChunkW  = $clog2(CHUNKS + 1)
) (
  input  logic               clk_i,
  input  logic               rst_ni,

  input  logic               run_i,          // the stage's step: feed the rows
  input  logic               abort_i,        // the run is aborted: drop everything
  input  logic [31:0]        rows_last_i,    // index of the last row
  input  logic [31:0]        chunks_last_i,  // index of the last chunk of a row
  input  logic               row_en_i,       // the row at feed_row_o is computed (else skipped)
  output logic               done_o,

  // the unit's input stream (the payload is read at feed_row_o / feed_chunk_o)
  output logic               in_valid_o,
  input  logic               in_ready_i,
  output logic               in_last_o,
  output logic [RowIdxW-1:0] feed_row_o,
  output logic [ChunkW-1:0]  feed_chunk_o,

  // the unit's output stream: the beat goes to out_row_o / out_chunk_o
  input  logic               out_valid_i,
  input  logic               out_last_i,
  output logic [RowIdxW-1:0] out_row_o,
  output logic [ChunkW-1:0]  out_chunk_o
);

  logic               valid_d, valid_q;
  logic [RowIdxW-1:0] feed_row_d, feed_row_q;
  logic [ChunkW-1:0]  feed_chunk_d, feed_chunk_q;
  logic               fed_d, fed_q;           // every row has been fed
  logic [RowIdxW-1:0] out_row_d, out_row_q;
  logic [ChunkW-1:0]  out_chunk_d, out_chunk_q;
  logic               busy_d, busy_q;         // a fed row has not come back yet
  logic               last_row;

  assign last_row  = (32'(feed_row_q) == rows_last_i);
  assign in_last_o = (32'(feed_chunk_q) == chunks_last_i);
  assign done_o    = run_i && fed_q && !busy_q && !valid_q;

  always_comb begin
    valid_d      = valid_q;
    feed_row_d   = feed_row_q;
    feed_chunk_d = feed_chunk_q;
    fed_d        = fed_q;
    out_row_d    = out_row_q;
    out_chunk_d  = out_chunk_q;
    busy_d       = busy_q;
    if (run_i) begin
      // the next row: offer it, or skip it
      if (!fed_q && !valid_q && !busy_q) begin
        if (row_en_i) begin
          valid_d = 1'b1;
        end else if (last_row) begin
          fed_d = 1'b1;
        end else begin
          feed_row_d = feed_row_q + RowIdxW'(1);
        end
      end
      // a chunk taken (the first one starts the row in flight)
      if (valid_q && in_ready_i) begin
        if (feed_chunk_q == '0) begin
          out_row_d   = feed_row_q;
          out_chunk_d = '0;
          busy_d      = 1'b1;
        end
        if (in_last_o) begin
          valid_d      = 1'b0;
          feed_chunk_d = '0;
          if (last_row) begin
            fed_d = 1'b1;
          end else begin
            feed_row_d = feed_row_q + RowIdxW'(1);
          end
        end else begin
          feed_chunk_d = feed_chunk_q + ChunkW'(1);
        end
      end
      // an output beat returned
      if (out_valid_i) begin
        out_chunk_d = out_chunk_q + ChunkW'(1);
        if (out_last_i) begin
          busy_d = 1'b0;
        end
      end
    end
    if (done_o || abort_i) begin
      valid_d      = 1'b0;
      feed_row_d   = '0;
      feed_chunk_d = '0;
      fed_d        = 1'b0;
      out_row_d    = '0;
      out_chunk_d  = '0;
      busy_d       = 1'b0;
    end
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      valid_q      <= 1'b0;
      feed_row_q   <= '0;
      feed_chunk_q <= '0;
      fed_q        <= 1'b0;
      out_row_q    <= '0;
      out_chunk_q  <= '0;
      busy_q       <= 1'b0;
    end else begin
      valid_q      <= valid_d;
      feed_row_q   <= feed_row_d;
      feed_chunk_q <= feed_chunk_d;
      fed_q        <= fed_d;
      out_row_q    <= out_row_d;
      out_chunk_q  <= out_chunk_d;
      busy_q       <= busy_d;
    end
  end

  assign in_valid_o   = valid_q;
  assign feed_row_o   = feed_row_q;
  assign feed_chunk_o = feed_chunk_q;
  assign out_row_o    = out_row_q;
  assign out_chunk_o  = out_chunk_q;

endmodule
