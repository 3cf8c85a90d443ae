// Copyright ESACT verification project contributors.
// SPDX-License-Identifier: Apache-2.0
//
// esact_stream: the output and debug-dump streamer.  OUT streams the layer output
// (tag 0): T rows of ceil(d / LdBytes) words.  A dump streams the buffer DEBUG.sel
// selects (tag = sel + 1) with its own geometry: the reuse map (one byte per row,
// ceil(T / LdBytes) words), the column-needed masks (H words), the keep masks (H x T
// words), a matrix of d (or f: the GELU output) columns.  Bytes past the configured
// width read as zero.  out_last_o is decoded from the row and word counters (not gated
// by out_valid_o).  A stream starts with one cycle without valid.

module esact_stream
  import esact_pkg::*;
#(
  parameter int unsigned T_MAX       = 128,
  parameter int unsigned H_MAX       = 12,
  parameter int unsigned LdBytes     = 64,
  localparam int unsigned LdW        = LdBytes * 8,
  localparam int unsigned StreamRowW = $clog2(H_MAX * T_MAX)   // streamed row index
) (
  input  logic                  clk_i,
  input  logic                  rst_ni,
  input  cfg_t                  cfg_i,

  input  logic                  out_start_i,   // the layer output starts streaming
  input  logic                  dump_start_i,  // a dump starts ...
  input  dump_sel_e             dump_sel_i,    // ... of this buffer
  input  logic                  stream_i,      // the OUT or dump stage
  input  logic                  dump_i,        // the dump stage
  output logic                  done_o,        // the last word is taken

  // read port of the buffers: the word streamed next
  output logic                  rd_en_o,
  output dump_sel_e             rd_sel_o,
  output logic [StreamRowW-1:0] rd_row_o,
  output logic [7:0]            rd_word_o,
  input  logic [LdW-1:0]        rd_act_i,      // from the activation buffers
  input  logic [LdW-1:0]        rd_spls_i,     // from the SPLS buffers (esact_pred)

  output logic                  out_valid_o,
  input  logic                  out_ready_i,
  output logic [LdW-1:0]        out_data_o,
  output logic [7:0]            out_tag_o,
  output logic                  out_last_o
);

  logic                  valid_d, valid_q;
  logic [StreamRowW-1:0] row_d, row_q;
  logic [7:0]            word_d, word_q;
  dump_sel_e             sel_d, sel_q;
  logic [31:0]           rows, words;          // geometry of the streamed buffer
  logic [31:0]           width;                // columns of a matrix row
  logic                  spls;                 // the buffer is an SPLS buffer
  logic                  matrix;               // ... a matrix (bytes past its width are zero)
  logic [LdW-1:0]        byte_mask;

  // geometry
  always_comb begin
    rows   = 32'(cfg_i.seq_len);
    words  = (32'(cfg_i.hidden) + LdBytes - 1) / LdBytes;
    width  = 32'(cfg_i.hidden);
    spls   = 1'b0;
    matrix = 1'b1;
    if (dump_i) begin
      unique case (sel_q)
        DumpRep: begin
          rows   = (32'(cfg_i.seq_len) + LdBytes - 1) / LdBytes;
          words  = 1;
          spls   = 1'b1;
          matrix = 1'b0;
        end
        DumpCol, DumpKeep: begin
          rows   = (sel_q == DumpCol) ? 32'(cfg_i.heads) : 32'(cfg_i.heads) * 32'(cfg_i.seq_len);
          words  = 1;
          spls   = 1'b1;
          matrix = 1'b0;
        end
        DumpG: begin
          words = (32'(cfg_i.ffn) + LdBytes - 1) / LdBytes;
          width = 32'(cfg_i.ffn);
        end
        DumpQh, DumpKh: spls = 1'b1;
        default: ;
      endcase
    end
  end

  // the word: bytes past the configured width are zero
  assign rd_en_o   = stream_i;
  assign rd_sel_o  = dump_i ? sel_q : DumpOut;
  assign rd_row_o  = row_q;
  assign rd_word_o = word_q;

  always_comb begin
    for (int unsigned b = 0; b < LdBytes; b++) begin
      byte_mask[b*8 +: 8] = (!matrix || 32'(word_q) * LdBytes + b < width) ? 8'hff : 8'h00;
    end
  end

  assign out_data_o  = (spls ? rd_spls_i : rd_act_i) & byte_mask;
  assign out_valid_o = valid_q;
  assign out_tag_o   = dump_i ? 8'(sel_q) + 8'd1 : 8'd0;
  assign out_last_o  = (32'(row_q) == rows - 1) && (32'(word_q) == words - 1);
  assign done_o      = stream_i && valid_q && out_ready_i && out_last_o;

  // row and word counters
  always_comb begin
    valid_d = valid_q;
    row_d   = row_q;
    word_d  = word_q;
    sel_d   = sel_q;
    if (stream_i) begin
      if (!valid_q) begin
        valid_d = 1'b1;
      end else if (out_ready_i) begin
        if (out_last_o) begin
          valid_d = 1'b0;
        end else if (32'(word_q) == words - 1) begin
          word_d = '0;
          row_d  = row_q + StreamRowW'(1);
        end else begin
          word_d = word_q + 8'd1;
        end
      end
    end
    if (out_start_i || dump_start_i) begin
      row_d  = '0;
      word_d = '0;
    end
    if (dump_start_i) begin
      sel_d = dump_sel_i;
    end
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      valid_q <= 1'b0;
      row_q   <= '0;
      word_q  <= '0;
      sel_q   <= DumpRep;
    end else begin
      valid_q <= valid_d;
      row_q   <= row_d;
      word_q  <= word_d;
      sel_q   <= sel_d;
    end
  end

  logic unused_cfg;
  assign unused_cfg = ^cfg_i;  // (the streamer reads the sizes of cfg_i)

endmodule
