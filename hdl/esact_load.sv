// Copyright ESACT verification project contributors.
// SPDX-License-Identifier: Apache-2.0
//
// esact_load: the load port's address decoder.  A beat of the load stream carries
// LdBytes bytes to the word addressed by ld_addr_i: region = bits 31:24 (ld_region_e),
// word index = bits 23:0.  Matrices are stored row by row with a power-of-two stride of
// words per row (2^ceil(log2(ceil(cols / LdBytes)))): the index splits into a row and a
// word of the row.  Vectors (biases, requantization parameters, shifts, LayerNorm
// parameters) take LdBytes / 4 values of 32 bits per beat: the index is the value
// group.  A beat outside its buffer (row or word past the end, unknown region) is
// dropped and flagged (err_o -> ERROR.load_addr).  Loads are taken only while the
// engine is idle.  The decoded write goes to esact_param_buf (docs/esact_top.md).

module esact_load
  import esact_pkg::*;
#(
  parameter int unsigned T_MAX    = 128,
  parameter int unsigned D_MAX    = 384,
  parameter int unsigned F_MAX    = 1536,
  parameter int unsigned LdBytes  = 64,
  localparam int unsigned DWords  = (D_MAX + LdBytes - 1) / LdBytes,  // words of a row of D_MAX
  localparam int unsigned FWords  = (F_MAX + LdBytes - 1) / LdBytes,  // ... of F_MAX
  localparam int unsigned DRowSh  = $clog2(DWords),                   // row strides (log2 words)
  localparam int unsigned FRowSh  = $clog2(FWords),
  localparam int unsigned VecVals = LdBytes / 4                      // 32-bit values per beat
) (
  input  logic              busy_i,      // a run or a dump is in progress
  input  logic              ld_valid_i,
  output logic              ld_ready_o,
  input  logic [31:0]       ld_addr_i,

  output logic              wr_o,        // write the beat:
  output ld_region_e        wr_region_o, //   into this buffer,
  output logic [23:0]       wr_row_o,    //   at this matrix row / vector value group,
  output logic [FRowSh-1:0] wr_word_o,   //   and this word of the matrix row
  output logic              err_o        // a beat taken that addresses no buffer
);

  ld_region_e  region;
  logic [23:0] idx;
  logic [31:0] d_row, d_word, f_row, f_word;   // the index split by the two row strides
  logic        fire;
  logic        bad;

  assign region = ld_region_e'(ld_addr_i[31:24]);
  assign idx    = ld_addr_i[23:0];
  assign d_row  = 32'(idx >> DRowSh);
  assign d_word = 32'(idx) % (1 << DRowSh);
  assign f_row  = 32'(idx >> FRowSh);
  assign f_word = 32'(idx) % (1 << FRowSh);

  always_comb begin
    unique case (region)
      RegX:                       bad = (d_row >= T_MAX) || (d_word >= DWords);
      RegWq, RegWk, RegWv, RegWo: bad = (d_row >= D_MAX) || (d_word >= DWords);
      RegW1:                      bad = (f_row >= D_MAX) || (f_word >= FWords);
      RegW2:                      bad = (d_row >= F_MAX) || (d_word >= DWords);
      RegB1, RegMf1, RegMg:       bad = 32'(idx) * VecVals >= F_MAX;
      RegBq, RegBk, RegBv, RegBo, RegB2, RegMq, RegMk, RegMv, RegMctx, RegMo, RegMxr, RegMf2,
      RegMhr, RegPq, RegPk, RegLn1G, RegLn1B, RegLn2G, RegLn2B:
                                  bad = 32'(idx) * VecVals >= D_MAX;
      default:                    bad = 1'b1;
    endcase
  end

  assign ld_ready_o  = !busy_i;
  assign fire        = ld_valid_i && ld_ready_o;
  assign wr_o        = fire && !bad;
  assign err_o       = fire && bad;
  assign wr_region_o = region;
  always_comb begin
    unique case (region)
      RegX, RegWq, RegWk, RegWv, RegWo, RegW2: begin
        wr_row_o  = d_row[23:0];
        wr_word_o = FRowSh'(d_word);
      end
      RegW1: begin
        wr_row_o  = f_row[23:0];
        wr_word_o = FRowSh'(f_word);
      end
      default: begin
        wr_row_o  = idx;
        wr_word_o = '0;
      end
    endcase
  end

endmodule
