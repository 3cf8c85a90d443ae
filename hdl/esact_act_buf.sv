// Copyright ESACT verification project contributors.
// SPDX-License-Identifier: Apache-2.0
//
// esact_act_buf: the activation buffers the engines write -- Q, K, V and the scores
// (GEMM), the probabilities P (softmax), the context, Y_o, the INT16 residuals x_r /
// h1_r, Y_2 (GEMM and its requant), h1 and the layer output (LayerNorm), the GELU
// output g -- with the GEMM operand ports, the softmax and LayerNorm row ports and the
// output / debug-dump word port.  Every write index is range-checked before use (an
// index past the end must drop the write: Verilator would wrap it on power-of-two
// arrays).  Reads are combinational.

module esact_act_buf
  import esact_pkg::*;
#(
  parameter int unsigned T_MAX     = 128,
  parameter int unsigned D_MAX     = 384,
  parameter int unsigned F_MAX     = 1536,
  parameter int unsigned PE_R      = 8,
  parameter int unsigned PE_C      = 8,
  parameter int unsigned LdBytes   = 64,
  localparam int unsigned LdW      = LdBytes * 8,
  localparam int unsigned RowIdxW  = $clog2(T_MAX),
  localparam int unsigned ChIdxW   = $clog2(D_MAX),
  localparam int unsigned FfnIdxW  = $clog2(F_MAX),
  localparam int unsigned KIdxW    = $clog2(F_MAX),
  localparam int unsigned TileIdxW = $clog2(F_MAX / PE_C),
  localparam int unsigned TileCntW = $clog2(F_MAX / PE_C + 1)
) (
  input  logic                    clk_i,

  // results of the GEMM engine: scores (INT32, straight from the engine)
  input  logic                    score_wr_i,
  input  logic [RowIdxW-1:0]      score_wr_row_i,
  input  logic [TileCntW-1:0]     score_wr_tile_i,
  input  logic [PE_C*32-1:0]      score_wr_data_i,
  // ... requant A: Q, K, V, context (at the head offset), Y_o, Y_2
  input  logic                    rqa_wr_i,
  input  dst_e                    rqa_wr_dst_i,
  input  logic [ChIdxW-1:0]       rqa_wr_off_i,
  input  logic [RowIdxW-1:0]      rqa_wr_row_i,
  input  logic [TileIdxW-1:0]     rqa_wr_tile_i,
  input  logic [PE_C*16-1:0]      rqa_wr_data_i,
  // ... requant B: the residual pass (x_r / h1_r, INT16) or the GELU output g
  input  logic                    rqb_wr_i,
  input  logic                    rqb_wr_res_i,
  input  logic [RowIdxW-1:0]      rqb_wr_row_i,
  input  logic [TileIdxW-1:0]     rqb_wr_tile_i,
  input  logic [PE_C*16-1:0]      rqb_wr_data_i,
  // probabilities of a softmax chunk
  input  logic                    prob_wr_i,
  input  logic [RowIdxW-1:0]      prob_wr_row_i,
  input  logic [ChIdxW-1:0]       prob_wr_chunk_i,
  input  logic [PE_C*8-1:0]       prob_wr_data_i,
  // LayerNorm outputs of a chunk: h1 (LN1) or the layer output (LN2)
  input  logic                    ln_wr_i,
  input  logic                    ln_wr_ln1_i,
  input  logic [RowIdxW-1:0]      ln_wr_row_i,
  input  logic [ChIdxW-1:0]       ln_wr_chunk_i,
  input  logic [PE_C*8-1:0]       ln_wr_data_i,

  // GEMM operand A: PE_R rows at column k (+ the head offset for Q)
  input  a_src_e                  a_src_i,
  input  logic [ChIdxW-1:0]       a_off_i,
  input  logic [PE_R*RowIdxW-1:0] a_row_i,
  input  logic [KIdxW-1:0]        a_k_i,
  output logic [PE_R*8-1:0]       a_data_o,
  // GEMM operand B: K^T (PE_C keys at channel k) or V (key k, PE_C channels of the head)
  input  b_src_e                  b_src_i,
  input  logic [ChIdxW-1:0]       b_off_i,
  input  logic [ChIdxW-1:0]       b_k_i,
  input  logic [TileIdxW-1:0]     b_tile_i,
  output logic [PE_C*8-1:0]       b_data_o,
  // the residual pass's input h1 (LN2): a column tile of a row
  input  logic [RowIdxW-1:0]      res_row_i,
  input  logic [TileIdxW-1:0]     res_tile_i,
  output logic [PE_C*8-1:0]       res_h1_o,
  // softmax: scores of a chunk of a row
  input  logic                    sm_en_i,
  input  logic [RowIdxW-1:0]      sm_row_i,
  input  logic [ChIdxW-1:0]       sm_chunk_i,
  output logic [PE_C*32-1:0]      sm_score_o,
  // LayerNorm: Y_o (LN1) or Y_2 (LN2) of the source row and x_r / h1_r of the row
  input  logic                    ln_en_i,
  input  logic                    ln_ln1_i,
  input  logic [RowIdxW-1:0]      ln_src_i,
  input  logic [RowIdxW-1:0]      ln_row_i,
  input  logic [ChIdxW-1:0]       ln_chunk_i,
  output logic [PE_C*16-1:0]      ln_y_o,
  output logic [PE_C*16-1:0]      ln_res_o,
  // output stream: a word of a row of Q, K, V, context, h1, the output or g
  input  logic                    rd_en_i,
  input  dump_sel_e               rd_sel_i,
  input  logic [RowIdxW-1:0]      rd_row_i,
  input  logic [7:0]              rd_word_i,
  output logic [LdW-1:0]          rd_data_o
);

  // ---------------------------------------------------------------------------------
  // Buffers
  // ---------------------------------------------------------------------------------
  logic [7:0]  q_mem   [T_MAX][D_MAX];
  logic [7:0]  k_mem   [T_MAX][D_MAX];
  logic [7:0]  v_mem   [T_MAX][D_MAX];
  logic [31:0] s_mem   [T_MAX][T_MAX];
  logic [7:0]  p_mem   [T_MAX][T_MAX];
  logic [7:0]  ctx_mem [T_MAX][D_MAX];
  logic [15:0] yo_mem  [T_MAX][D_MAX];
  logic [15:0] xr_mem  [T_MAX][D_MAX];
  logic [7:0]  h1_mem  [T_MAX][D_MAX];
  logic [7:0]  g_mem   [T_MAX][F_MAX];
  logic [15:0] y2_mem  [T_MAX][D_MAX];
  logic [7:0]  out_mem [T_MAX][D_MAX];

  // ---------------------------------------------------------------------------------
  // Writes
  // ---------------------------------------------------------------------------------
  always_ff @(posedge clk_i) begin
    if (score_wr_i) begin
      for (int unsigned c = 0; c < PE_C; c++) begin
        if (32'(score_wr_tile_i) * PE_C + c < T_MAX) begin
          s_mem[score_wr_row_i][RowIdxW'(32'(score_wr_tile_i) * PE_C + c)] <= score_wr_data_i[c*32 +: 32];
        end
      end
    end
  end

  always_ff @(posedge clk_i) begin
    if (rqa_wr_i) begin
      for (int unsigned c = 0; c < PE_C; c++) begin
        logic [31:0] ch;
        ch = 32'(rqa_wr_tile_i) * PE_C + c;
        if (ch < D_MAX) begin
          unique case (rqa_wr_dst_i)
            DstQ:    q_mem[rqa_wr_row_i][ChIdxW'(ch)] <= rqa_wr_data_i[c*16 +: 8];
            DstK:    k_mem[rqa_wr_row_i][ChIdxW'(ch)] <= rqa_wr_data_i[c*16 +: 8];
            DstV:    v_mem[rqa_wr_row_i][ChIdxW'(ch)] <= rqa_wr_data_i[c*16 +: 8];
            DstCtx:  ctx_mem[rqa_wr_row_i][ChIdxW'(ch) + rqa_wr_off_i] <= rqa_wr_data_i[c*16 +: 8];
            DstYo:   yo_mem[rqa_wr_row_i][ChIdxW'(ch)] <= rqa_wr_data_i[c*16 +: 16];
            DstY2:   y2_mem[rqa_wr_row_i][ChIdxW'(ch)] <= rqa_wr_data_i[c*16 +: 16];
            default: ;  // scores and FFN1 results take other paths
          endcase
        end
      end
    end
  end

  always_ff @(posedge clk_i) begin
    if (rqb_wr_i) begin
      for (int unsigned c = 0; c < PE_C; c++) begin
        logic [31:0] ch;
        ch = 32'(rqb_wr_tile_i) * PE_C + c;
        if (rqb_wr_res_i) begin
          if (ch < D_MAX) begin
            xr_mem[rqb_wr_row_i][ChIdxW'(ch)] <= rqb_wr_data_i[c*16 +: 16];
          end
        end else if (ch < F_MAX) begin
          g_mem[rqb_wr_row_i][FfnIdxW'(ch)] <= rqb_wr_data_i[c*16 +: 8];
        end
      end
    end
  end

  always_ff @(posedge clk_i) begin
    if (prob_wr_i) begin
      for (int unsigned l = 0; l < PE_C; l++) begin
        if (32'(prob_wr_chunk_i) * PE_C + l < T_MAX) begin
          p_mem[prob_wr_row_i][RowIdxW'(32'(prob_wr_chunk_i) * PE_C + l)] <= prob_wr_data_i[l*8 +: 8];
        end
      end
    end
    if (ln_wr_i) begin
      for (int unsigned l = 0; l < PE_C; l++) begin
        if (32'(ln_wr_chunk_i) * PE_C + l < D_MAX) begin
          if (ln_wr_ln1_i) begin
            h1_mem[ln_wr_row_i][ChIdxW'(32'(ln_wr_chunk_i) * PE_C + l)] <= ln_wr_data_i[l*8 +: 8];
          end else begin
            out_mem[ln_wr_row_i][ChIdxW'(32'(ln_wr_chunk_i) * PE_C + l)] <= ln_wr_data_i[l*8 +: 8];
          end
        end
      end
    end
  end

  // ---------------------------------------------------------------------------------
  // Read ports
  // ---------------------------------------------------------------------------------
  always_comb begin
    for (int unsigned r = 0; r < PE_R; r++) begin
      logic [RowIdxW-1:0] row;
      row = a_row_i[r*RowIdxW +: RowIdxW];
      unique case (a_src_i)
        ASrcQ:   a_data_o[r*8 +: 8] = q_mem[row][ChIdxW'(a_k_i) + a_off_i];
        ASrcP:   a_data_o[r*8 +: 8] = p_mem[row][RowIdxW'(a_k_i)];
        ASrcCtx: a_data_o[r*8 +: 8] = ctx_mem[row][ChIdxW'(a_k_i)];
        ASrcH1:  a_data_o[r*8 +: 8] = h1_mem[row][ChIdxW'(a_k_i)];
        ASrcG:   a_data_o[r*8 +: 8] = g_mem[row][FfnIdxW'(a_k_i)];
        default: a_data_o[r*8 +: 8] = '0;  // x: parameter buffers
      endcase
    end
  end

  always_comb begin
    b_data_o = '0;
    for (int unsigned c = 0; c < PE_C; c++) begin
      unique case (b_src_i)
        BSrcKt:  b_data_o[c*8 +: 8] = k_mem[RowIdxW'(32'(b_tile_i) * PE_C + c)][b_k_i + b_off_i];
        BSrcV:   b_data_o[c*8 +: 8] = v_mem[RowIdxW'(b_k_i)][ChIdxW'(32'(b_tile_i) * PE_C + c) + b_off_i];
        default: ;  // weights: parameter buffers
      endcase
    end
  end

  always_comb begin
    for (int unsigned c = 0; c < PE_C; c++) begin
      res_h1_o[c*8 +: 8] = h1_mem[res_row_i][ChIdxW'(32'(res_tile_i) * PE_C + c)];
    end
  end

  always_comb begin
    logic [31:0] j;
    j          = '0;
    sm_score_o = '0;
    if (sm_en_i) begin  // (simulation speed: read only while the softmax is fed)
      for (int unsigned l = 0; l < PE_C; l++) begin
        j = 32'(sm_chunk_i) * PE_C + l;
        if (j < T_MAX) begin
          sm_score_o[l*32 +: 32] = s_mem[sm_row_i][RowIdxW'(j)];
        end
      end
    end
  end

  always_comb begin
    logic [ChIdxW-1:0] ch;
    ch       = '0;
    ln_y_o   = '0;
    ln_res_o = '0;
    if (ln_en_i) begin  // (simulation speed: read only while the LayerNorm is fed)
      for (int unsigned l = 0; l < PE_C; l++) begin
        ch = ChIdxW'(32'(ln_chunk_i) * PE_C + l);
        ln_y_o[l*16 +: 16]   = ln_ln1_i ? yo_mem[ln_src_i][ch] : y2_mem[ln_src_i][ch];
        ln_res_o[l*16 +: 16] = xr_mem[ln_row_i][ch];
      end
    end
  end

  // a word of a row: bytes past the buffer's width read as zero (the streamer masks
  // the bytes past the configured width)
  always_comb begin
    logic [31:0] col;
    col       = '0;
    rd_data_o = '0;
    if (rd_en_i) begin  // (simulation speed: read only while streaming)
      for (int unsigned b = 0; b < LdBytes; b++) begin
        col = 32'(rd_word_i) * LdBytes + b;
        if (rd_sel_i == DumpG) begin
          if (col < F_MAX) rd_data_o[b*8 +: 8] = g_mem[rd_row_i][FfnIdxW'(col)];
        end else if (col < D_MAX) begin
          unique case (rd_sel_i)
            DumpQ:   rd_data_o[b*8 +: 8] = q_mem[rd_row_i][ChIdxW'(col)];
            DumpK:   rd_data_o[b*8 +: 8] = k_mem[rd_row_i][ChIdxW'(col)];
            DumpV:   rd_data_o[b*8 +: 8] = v_mem[rd_row_i][ChIdxW'(col)];
            DumpCtx: rd_data_o[b*8 +: 8] = ctx_mem[rd_row_i][ChIdxW'(col)];
            DumpH1:  rd_data_o[b*8 +: 8] = h1_mem[rd_row_i][ChIdxW'(col)];
            DumpOut: rd_data_o[b*8 +: 8] = out_mem[rd_row_i][ChIdxW'(col)];
            default: ;  // the SPLS buffers: esact_pred
          endcase
        end
      end
    end
  end

endmodule
