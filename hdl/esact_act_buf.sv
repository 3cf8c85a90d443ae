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
  parameter int unsigned T_MAX      = 128,
  parameter int unsigned D_MAX      = 384,
  parameter int unsigned F_MAX      = 1536,
  parameter int unsigned PE_R       = 8,
  parameter int unsigned PE_C       = 8,
  parameter int unsigned LdBytes    = 64,
  localparam int unsigned LdW       = LdBytes * 8,
  localparam int unsigned TI        = $clog2(T_MAX),
  localparam int unsigned DI        = $clog2(D_MAX),
  localparam int unsigned FI        = $clog2(F_MAX),
  localparam int unsigned GemmKI    = $clog2(F_MAX),
  localparam int unsigned GemmTileI = $clog2(F_MAX / PE_C),
  localparam int unsigned GemmTileW = $clog2(F_MAX / PE_C + 1)
) (
  input  logic                    clk_i,

  // results of the GEMM engine: scores (INT32, straight from the engine)
  input  logic                    s_wr_i,
  input  logic [TI-1:0]           s_row_i,
  input  logic [GemmTileW-1:0]    s_tile_i,
  input  logic [PE_C*32-1:0]      s_data_i,
  // ... requant A: Q, K, V, context (at the head offset), Y_o, Y_2
  input  logic                    ra_wr_i,
  input  dst_e                    ra_dst_i,
  input  logic [DI-1:0]           ra_off_i,
  input  logic [TI-1:0]           ra_row_i,
  input  logic [GemmTileI-1:0]    ra_tile_i,
  input  logic [PE_C*16-1:0]      ra_data_i,
  // ... requant B: the residual pass (x_r / h1_r, INT16) or the GELU output g
  input  logic                    rb_wr_i,
  input  logic                    rb_res_i,
  input  logic [TI-1:0]           rb_row_i,
  input  logic [GemmTileI-1:0]    rb_tile_i,
  input  logic [PE_C*16-1:0]      rb_data_i,
  // probabilities of a softmax chunk
  input  logic                    p_wr_i,
  input  logic [TI-1:0]           p_row_i,
  input  logic [DI-1:0]           p_chunk_i,
  input  logic [PE_C*8-1:0]       p_data_i,
  // LayerNorm outputs of a chunk: h1 (LN1) or the layer output (LN2)
  input  logic                    ln_wr_i,
  input  logic                    ln_wr_ln1_i,
  input  logic [TI-1:0]           ln_wr_row_i,
  input  logic [DI-1:0]           ln_wr_chunk_i,
  input  logic [PE_C*8-1:0]       ln_wr_data_i,

  // GEMM operand A: PE_R rows at column k (+ the head offset for Q)
  input  a_src_e                  a_src_i,
  input  logic [DI-1:0]           a_off_i,
  input  logic [PE_R*TI-1:0]      a_row_i,
  input  logic [GemmKI-1:0]       a_k_i,
  output logic [PE_R*8-1:0]       a_data_o,
  // GEMM operand B: K^T (PE_C keys at channel k) or V (key k, PE_C channels of the head)
  input  b_src_e                  b_src_i,
  input  logic [DI-1:0]           b_off_i,
  input  logic [DI-1:0]           b_k_i,
  input  logic [GemmTileI-1:0]    b_tile_i,
  output logic [PE_C*8-1:0]       b_data_o,
  // the residual pass's input h1 (LN2): a column tile of a row
  input  logic [TI-1:0]           res_row_i,
  input  logic [GemmTileI-1:0]    res_tile_i,
  output logic [PE_C*8-1:0]       res_h1_o,
  // softmax: scores of a chunk of a row
  input  logic                    sm_en_i,
  input  logic [TI-1:0]           sm_row_i,
  input  logic [DI-1:0]           sm_chunk_i,
  output logic [PE_C*32-1:0]      sm_score_o,
  // LayerNorm: Y_o (LN1) or Y_2 (LN2) of the source row and x_r / h1_r of the row
  input  logic                    ln_en_i,
  input  logic                    ln_ln1_i,
  input  logic [TI-1:0]           ln_src_i,
  input  logic [TI-1:0]           ln_row_i,
  input  logic [DI-1:0]           ln_chunk_i,
  output logic [PE_C*16-1:0]      ln_y_o,
  output logic [PE_C*16-1:0]      ln_res_o,
  // output stream: a word of a row of Q, K, V, context, h1, the output or g
  input  logic                    rd_en_i,
  input  dump_sel_e               rd_sel_i,
  input  logic [TI-1:0]           rd_row_i,
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
    if (s_wr_i) begin
      for (int unsigned c = 0; c < PE_C; c++) begin
        if (32'(s_tile_i) * PE_C + c < T_MAX) begin
          s_mem[s_row_i][TI'(32'(s_tile_i) * PE_C + c)] <= s_data_i[c*32 +: 32];
        end
      end
    end
  end

  always_ff @(posedge clk_i) begin
    if (ra_wr_i) begin
      for (int unsigned c = 0; c < PE_C; c++) begin
        logic [31:0] ch;
        ch = 32'(ra_tile_i) * PE_C + c;
        if (ch < D_MAX) begin
          unique case (ra_dst_i)
            DstQ:    q_mem[ra_row_i][DI'(ch)] <= ra_data_i[c*16 +: 8];
            DstK:    k_mem[ra_row_i][DI'(ch)] <= ra_data_i[c*16 +: 8];
            DstV:    v_mem[ra_row_i][DI'(ch)] <= ra_data_i[c*16 +: 8];
            DstCtx:  ctx_mem[ra_row_i][DI'(ch) + ra_off_i] <= ra_data_i[c*16 +: 8];
            DstYo:   yo_mem[ra_row_i][DI'(ch)] <= ra_data_i[c*16 +: 16];
            DstY2:   y2_mem[ra_row_i][DI'(ch)] <= ra_data_i[c*16 +: 16];
            default: ;  // scores and FFN1 results take other paths
          endcase
        end
      end
    end
  end

  always_ff @(posedge clk_i) begin
    if (rb_wr_i) begin
      for (int unsigned c = 0; c < PE_C; c++) begin
        logic [31:0] ch;
        ch = 32'(rb_tile_i) * PE_C + c;
        if (rb_res_i) begin
          if (ch < D_MAX) begin
            xr_mem[rb_row_i][DI'(ch)] <= rb_data_i[c*16 +: 16];
          end
        end else if (ch < F_MAX) begin
          g_mem[rb_row_i][FI'(ch)] <= rb_data_i[c*16 +: 8];
        end
      end
    end
  end

  always_ff @(posedge clk_i) begin
    if (p_wr_i) begin
      for (int unsigned l = 0; l < PE_C; l++) begin
        if (32'(p_chunk_i) * PE_C + l < T_MAX) begin
          p_mem[p_row_i][TI'(32'(p_chunk_i) * PE_C + l)] <= p_data_i[l*8 +: 8];
        end
      end
    end
    if (ln_wr_i) begin
      for (int unsigned l = 0; l < PE_C; l++) begin
        if (32'(ln_wr_chunk_i) * PE_C + l < D_MAX) begin
          if (ln_wr_ln1_i) begin
            h1_mem[ln_wr_row_i][DI'(32'(ln_wr_chunk_i) * PE_C + l)] <= ln_wr_data_i[l*8 +: 8];
          end else begin
            out_mem[ln_wr_row_i][DI'(32'(ln_wr_chunk_i) * PE_C + l)] <= ln_wr_data_i[l*8 +: 8];
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
      logic [TI-1:0] row;
      row = a_row_i[r*TI +: TI];
      unique case (a_src_i)
        ASrcQ:   a_data_o[r*8 +: 8] = q_mem[row][DI'(a_k_i) + a_off_i];
        ASrcP:   a_data_o[r*8 +: 8] = p_mem[row][TI'(a_k_i)];
        ASrcCtx: a_data_o[r*8 +: 8] = ctx_mem[row][DI'(a_k_i)];
        ASrcH1:  a_data_o[r*8 +: 8] = h1_mem[row][DI'(a_k_i)];
        ASrcG:   a_data_o[r*8 +: 8] = g_mem[row][FI'(a_k_i)];
        default: a_data_o[r*8 +: 8] = '0;  // x: parameter buffers
      endcase
    end
  end

  always_comb begin
    b_data_o = '0;
    for (int unsigned c = 0; c < PE_C; c++) begin
      unique case (b_src_i)
        BSrcKt:  b_data_o[c*8 +: 8] = k_mem[TI'(32'(b_tile_i) * PE_C + c)][b_k_i + b_off_i];
        BSrcV:   b_data_o[c*8 +: 8] = v_mem[TI'(b_k_i)][DI'(32'(b_tile_i) * PE_C + c) + b_off_i];
        default: ;  // weights: parameter buffers
      endcase
    end
  end

  always_comb begin
    for (int unsigned c = 0; c < PE_C; c++) begin
      res_h1_o[c*8 +: 8] = h1_mem[res_row_i][DI'(32'(res_tile_i) * PE_C + c)];
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
          sm_score_o[l*32 +: 32] = s_mem[sm_row_i][TI'(j)];
        end
      end
    end
  end

  always_comb begin
    logic [DI-1:0] ch;
    ch       = '0;
    ln_y_o   = '0;
    ln_res_o = '0;
    if (ln_en_i) begin  // (simulation speed: read only while the LayerNorm is fed)
      for (int unsigned l = 0; l < PE_C; l++) begin
        ch = DI'(32'(ln_chunk_i) * PE_C + l);
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
          if (col < F_MAX) rd_data_o[b*8 +: 8] = g_mem[rd_row_i][FI'(col)];
        end else if (col < D_MAX) begin
          unique case (rd_sel_i)
            DumpQ:   rd_data_o[b*8 +: 8] = q_mem[rd_row_i][DI'(col)];
            DumpK:   rd_data_o[b*8 +: 8] = k_mem[rd_row_i][DI'(col)];
            DumpV:   rd_data_o[b*8 +: 8] = v_mem[rd_row_i][DI'(col)];
            DumpCtx: rd_data_o[b*8 +: 8] = ctx_mem[rd_row_i][DI'(col)];
            DumpH1:  rd_data_o[b*8 +: 8] = h1_mem[rd_row_i][DI'(col)];
            DumpOut: rd_data_o[b*8 +: 8] = out_mem[rd_row_i][DI'(col)];
            default: ;  // the SPLS buffers: esact_pred
          endcase
        end
      end
    end
  end

endmodule
