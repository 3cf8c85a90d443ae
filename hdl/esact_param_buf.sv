// Copyright ESACT verification project contributors.
// SPDX-License-Identifier: Apache-2.0
//
// esact_param_buf: the buffers the load port fills -- the input x, the weight
// matrices (PE_C-byte column tiles), the biases, requantization parameters
// {shift, mult}, prediction shifts and LayerNorm parameters -- with the read ports of
// the engines.  Writes come decoded from esact_load (region, row / value group, word);
// every write index is range-checked before use (an index past the end must drop the
// write: Verilator would wrap it on power-of-two arrays).  Reads are combinational.

module esact_param_buf
  import esact_pkg::*;
#(
  parameter int unsigned T_MAX         = 128,
  parameter int unsigned D_MAX         = 384,
  parameter int unsigned F_MAX         = 1536,
  parameter int unsigned PE_R          = 8,
  parameter int unsigned PE_C          = 8,
  parameter int unsigned PRED_LANES    = 16,
  parameter int unsigned PRED_ELEMS    = 8,
  parameter int unsigned LdBytes       = 64,
  localparam int unsigned LdW          = LdBytes * 8,
  localparam int unsigned RowIdxW      = $clog2(T_MAX),          // row index
  localparam int unsigned ChIdxW       = $clog2(D_MAX),          // hidden channel index
  localparam int unsigned FfnIdxW      = $clog2(F_MAX),          // FFN channel index
  localparam int unsigned DTiles       = D_MAX / PE_C,           // column tiles of a row of D_MAX
  localparam int unsigned FTiles       = F_MAX / PE_C,
  localparam int unsigned DTileIdxW    = $clog2(DTiles),
  localparam int unsigned KIdxW        = $clog2(F_MAX),          // GEMM k index (K_MAX = F_MAX)
  localparam int unsigned TileIdxW     = $clog2(F_MAX / PE_C),   // GEMM column-tile index
  localparam int unsigned TileCntW     = $clog2(F_MAX / PE_C + 1), // ... and count
  localparam int unsigned LdWordIdxW   = $clog2((F_MAX + LdBytes - 1) / LdBytes),
  localparam int unsigned TilesPerWord = LdBytes / PE_C,         // weight tiles per load word
  localparam int unsigned VecVals      = LdBytes / 4,            // 32-bit values per load word
  localparam int unsigned PredLanes    = PRED_LANES,
  localparam int unsigned PredElems    = PRED_ELEMS
) (
  input  logic                             clk_i,

  // decoded load beats (esact_load)
  input  logic                             wr_i,
  input  ld_region_e                       wr_region_i,
  input  logic [23:0]                      wr_row_i,
  input  logic [LdWordIdxW-1:0]            wr_word_i,
  input  logic [LdW-1:0]                   wr_data_i,

  // GEMM operand A from x: PE_R rows at column k
  input  logic [PE_R*RowIdxW-1:0]          a_row_i,
  input  logic [ChIdxW-1:0]                a_k_i,
  output logic [PE_R*8-1:0]                a_x_o,
  // GEMM operand B from a weight matrix: row k, column tile
  input  b_src_e                           b_src_i,
  input  logic [KIdxW-1:0]                 b_k_i,
  input  logic [TileIdxW-1:0]              b_tile_i,
  output logic [PE_C*8-1:0]                b_w_o,
  // requant A (GEMM results): per-channel {shift, mult} and bias of a column tile
  input  dst_e                             rqa_dst_i,
  input  logic [TileCntW-1:0]              rqa_tile_i,
  input  logic [ChIdxW-1:0]                rqa_off_i,       // head offset (context)
  output logic [PE_C*15-1:0]               rqa_mult_o,
  output logic [PE_C*6-1:0]                rqa_shift_o,
  output logic [PE_C*32-1:0]               rqa_bias_o,
  // requant B: residual pass (x_r of LN1, h1_r of LN2) or GELU output (g)
  input  logic                             rqb_res_i,
  input  logic                             rqb_ln1_i,
  input  logic [TileIdxW-1:0]              rqb_tile_i,
  output logic [PE_C*15-1:0]               rqb_mult_o,
  output logic [PE_C*6-1:0]                rqb_shift_o,
  // ... and the residual pass's input x: a column tile of a row
  input  logic [RowIdxW-1:0]               res_row_i,
  output logic [PE_C*8-1:0]                res_x_o,
  // prediction operands: PredElems values of x from channel k0, and the PredElems x PredLanes weight bytes
  // (rows k0.., columns ch0..) of W_Q or W_K; zero past D_MAX
  input  logic                             pred_en_i,
  input  logic                             pred_sel_i,      // 0: W_Q, 1: W_K
  input  logic [RowIdxW-1:0]               pred_row_i,
  input  logic [31:0]                      pred_k0_i,
  input  logic [31:0]                      pred_ch0_i,
  output logic [PredElems*8-1:0]           pred_x_o,
  output logic [PredLanes*PredElems*8-1:0] pred_w_o,
  // prediction requantization: bias and shift of PredLanes channels from ch0
  input  logic                             pred_par_sel_i,  // 0: Q^, 1: K^
  input  logic [31:0]                      pred_par_ch0_i,
  output logic [PredLanes*32-1:0]          pred_bias_o,
  output logic [PredLanes*5-1:0]           pred_shift_o,
  // LayerNorm gains and biases of a chunk of PE_C channels
  input  logic                             ln_en_i,
  input  logic                             ln_ln1_i,
  input  logic [ChIdxW-1:0]                ln_chunk_i,
  output logic [PE_C*16-1:0]               ln_g_o,
  output logic [PE_C*32-1:0]               ln_b_o
);

  // ---------------------------------------------------------------------------------
  // Buffers
  // ---------------------------------------------------------------------------------
  logic [7:0]        x_mem  [T_MAX][D_MAX];
  logic [PE_C*8-1:0] wq_mem [D_MAX][DTiles];
  logic [PE_C*8-1:0] wk_mem [D_MAX][DTiles];
  logic [PE_C*8-1:0] wv_mem [D_MAX][DTiles];
  logic [PE_C*8-1:0] wo_mem [D_MAX][DTiles];
  logic [PE_C*8-1:0] w1_mem [D_MAX][FTiles];
  logic [PE_C*8-1:0] w2_mem [F_MAX][DTiles];
  logic [31:0]       bq_mem [D_MAX], bk_mem [D_MAX], bv_mem [D_MAX], bo_mem [D_MAX], b2_mem [D_MAX];
  logic [31:0]       b1_mem [F_MAX];
  // requantization parameters {shift[5:0], mult[14:0]}
  logic [20:0] mq_mem [D_MAX], mk_mem [D_MAX], mv_mem [D_MAX], mctx_mem [D_MAX], mo_mem [D_MAX];
  logic [20:0] mxr_mem [D_MAX], mf2_mem [D_MAX], mhr_mem [D_MAX];
  logic [20:0] mf1_mem [F_MAX], mg_mem [F_MAX];
  logic [4:0]  pq_mem [D_MAX], pk_mem [D_MAX];
  logic [15:0] ln1g_mem [D_MAX], ln2g_mem [D_MAX];
  logic [31:0] ln1b_mem [D_MAX], ln2b_mem [D_MAX];

  // ---------------------------------------------------------------------------------
  // Writes
  // ---------------------------------------------------------------------------------
  // the input: LdBytes bytes of a row
  always_ff @(posedge clk_i) begin
    if (wr_i && wr_region_i == RegX) begin
      for (int unsigned b = 0; b < LdBytes; b++) begin
        logic [31:0] col;
        col = 32'(wr_word_i) * LdBytes + b;
        if (col < D_MAX) begin
          x_mem[RowIdxW'(wr_row_i)][ChIdxW'(col)] <= wr_data_i[b*8 +: 8];
        end
      end
    end
  end

  // the weights: TilesPerWord column tiles of a row
  always_ff @(posedge clk_i) begin
    if (wr_i) begin
      for (int unsigned t = 0; t < TilesPerWord; t++) begin
        logic [31:0]       tile;
        logic [PE_C*8-1:0] w;
        tile = 32'(wr_word_i) * TilesPerWord + t;
        w    = wr_data_i[t*PE_C*8 +: PE_C*8];
        if (tile < DTiles) begin
          unique case (wr_region_i)
            RegWq:   wq_mem[ChIdxW'(wr_row_i)][tile] <= w;
            RegWk:   wk_mem[ChIdxW'(wr_row_i)][tile] <= w;
            RegWv:   wv_mem[ChIdxW'(wr_row_i)][tile] <= w;
            RegWo:   wo_mem[ChIdxW'(wr_row_i)][tile] <= w;
            RegW2:   w2_mem[FfnIdxW'(wr_row_i)][tile] <= w;
            default: ;
          endcase
        end
        if (tile < FTiles && wr_region_i == RegW1) begin
          w1_mem[ChIdxW'(wr_row_i)][tile] <= w;
        end
      end
    end
  end

  // the per-channel vectors: VecVals 32-bit values from channel row * VecVals, of the
  // FFN width (F_MAX channels) or of the hidden size (D_MAX channels); requantization
  // parameters arrive as {shift[21:16], mult[14:0]} words
  // (the decode is block-local: module-level copies would add toggle points, the upper
  // channel bits, that no legal write reaches)

  always_ff @(posedge clk_i) begin
    for (int unsigned e = 0; e < VecVals; e++) begin
      logic [31:0] v;
      logic [31:0] ch;
      v  = wr_data_i[e*32 +: 32];
      ch = 32'(wr_row_i) * VecVals + e;
      if (wr_i && ch < F_MAX) begin
        unique case (wr_region_i)
          RegB1:   b1_mem[FfnIdxW'(ch)]  <= v;
          RegMf1:  mf1_mem[FfnIdxW'(ch)] <= {v[21:16], v[14:0]};
          RegMg:   mg_mem[FfnIdxW'(ch)]  <= {v[21:16], v[14:0]};
          default: ;
        endcase
      end
    end
  end

  always_ff @(posedge clk_i) begin
    for (int unsigned e = 0; e < VecVals; e++) begin
      logic [31:0] v;
      logic [31:0] ch;
      v  = wr_data_i[e*32 +: 32];
      ch = 32'(wr_row_i) * VecVals + e;
      if (wr_i && ch < D_MAX) begin
        unique case (wr_region_i)
          RegBq:   bq_mem[ChIdxW'(ch)]   <= v;
          RegBk:   bk_mem[ChIdxW'(ch)]   <= v;
          RegBv:   bv_mem[ChIdxW'(ch)]   <= v;
          RegBo:   bo_mem[ChIdxW'(ch)]   <= v;
          RegB2:   b2_mem[ChIdxW'(ch)]   <= v;
          RegMq:   mq_mem[ChIdxW'(ch)]   <= {v[21:16], v[14:0]};
          RegMk:   mk_mem[ChIdxW'(ch)]   <= {v[21:16], v[14:0]};
          RegMv:   mv_mem[ChIdxW'(ch)]   <= {v[21:16], v[14:0]};
          RegMctx: mctx_mem[ChIdxW'(ch)] <= {v[21:16], v[14:0]};
          RegMo:   mo_mem[ChIdxW'(ch)]   <= {v[21:16], v[14:0]};
          RegMxr:  mxr_mem[ChIdxW'(ch)]  <= {v[21:16], v[14:0]};
          RegMf2:  mf2_mem[ChIdxW'(ch)]  <= {v[21:16], v[14:0]};
          RegMhr:  mhr_mem[ChIdxW'(ch)]  <= {v[21:16], v[14:0]};
          RegPq:   pq_mem[ChIdxW'(ch)]   <= v[4:0];
          RegPk:   pk_mem[ChIdxW'(ch)]   <= v[4:0];
          RegLn1G: ln1g_mem[ChIdxW'(ch)] <= v[15:0];
          RegLn1B: ln1b_mem[ChIdxW'(ch)] <= v;
          RegLn2G: ln2g_mem[ChIdxW'(ch)] <= v[15:0];
          RegLn2B: ln2b_mem[ChIdxW'(ch)] <= v;
          default: ;
        endcase
      end
    end
  end

  // ---------------------------------------------------------------------------------
  // Read ports
  // ---------------------------------------------------------------------------------
  // GEMM operands
  always_comb begin
    for (int unsigned r = 0; r < PE_R; r++) begin
      a_x_o[r*8 +: 8] = x_mem[a_row_i[r*RowIdxW +: RowIdxW]][a_k_i];
    end
  end

  always_comb begin
    unique case (b_src_i)
      BSrcWq:  b_w_o = wq_mem[ChIdxW'(b_k_i)][DTileIdxW'(b_tile_i)];
      BSrcWk:  b_w_o = wk_mem[ChIdxW'(b_k_i)][DTileIdxW'(b_tile_i)];
      BSrcWv:  b_w_o = wv_mem[ChIdxW'(b_k_i)][DTileIdxW'(b_tile_i)];
      BSrcWo:  b_w_o = wo_mem[ChIdxW'(b_k_i)][DTileIdxW'(b_tile_i)];
      BSrcW1:  b_w_o = w1_mem[ChIdxW'(b_k_i)][b_tile_i];
      BSrcW2:  b_w_o = w2_mem[FfnIdxW'(b_k_i)][DTileIdxW'(b_tile_i)];
      default: b_w_o = '0;  // K^T, V: activation buffers
    endcase
  end

  // requantization parameters of the GEMM results (requant A)
  always_comb begin
    for (int unsigned c = 0; c < PE_C; c++) begin
      logic [FfnIdxW-1:0] ch;
      logic [20:0]        m;
      logic [31:0]        b;
      ch = FfnIdxW'(32'(rqa_tile_i) * PE_C + c);
      unique case (rqa_dst_i)
        DstQ:    begin m = mq_mem[ChIdxW'(ch)];               b = bq_mem[ChIdxW'(ch)]; end
        DstK:    begin m = mk_mem[ChIdxW'(ch)];               b = bk_mem[ChIdxW'(ch)]; end
        DstV:    begin m = mv_mem[ChIdxW'(ch)];               b = bv_mem[ChIdxW'(ch)]; end
        DstCtx:  begin m = mctx_mem[ChIdxW'(ch) + rqa_off_i]; b = '0;              end
        DstYo:   begin m = mo_mem[ChIdxW'(ch)];               b = bo_mem[ChIdxW'(ch)]; end
        DstF:    begin m = mf1_mem[FfnIdxW'(ch)];              b = b1_mem[FfnIdxW'(ch)]; end
        default: begin m = mf2_mem[ChIdxW'(ch)];              b = b2_mem[ChIdxW'(ch)]; end
      endcase
      rqa_mult_o[c*15 +: 15]  = m[14:0];
      rqa_shift_o[c*6 +: 6]   = m[20:15];
      rqa_bias_o[c*32 +: 32]  = b;
    end
  end

  // requant B: the residual pass's multipliers and input, or the GELU output's
  always_comb begin
    for (int unsigned c = 0; c < PE_C; c++) begin
      logic [FfnIdxW-1:0] ch;
      logic [20:0]        m;
      ch = FfnIdxW'(32'(rqb_tile_i) * PE_C + c);
      if (rqb_res_i) begin
        m = rqb_ln1_i ? mxr_mem[ChIdxW'(ch)] : mhr_mem[ChIdxW'(ch)];
      end else begin
        m = mg_mem[FfnIdxW'(ch)];
      end
      rqb_mult_o[c*15 +: 15] = m[14:0];
      rqb_shift_o[c*6 +: 6]  = m[20:15];
      res_x_o[c*8 +: 8]      = x_mem[res_row_i][ChIdxW'(ch)];
    end
  end

  // prediction operands (read only while the prediction is fed)
  always_comb begin
    logic [31:0] kk;
    logic [31:0] ch;
    kk       = '0;
    ch       = '0;
    pred_x_o = '0;
    pred_w_o = '0;
    if (pred_en_i) begin  // (simulation speed: nothing to fetch otherwise)
      for (int unsigned e = 0; e < PredElems; e++) begin
        kk = pred_k0_i + e;
        if (kk < D_MAX) begin
          pred_x_o[e*8 +: 8] = x_mem[pred_row_i][ChIdxW'(kk)];
          for (int unsigned l = 0; l < PredLanes; l++) begin
            ch = pred_ch0_i + l;
            if (ch < D_MAX) begin
              pred_w_o[(l*PredElems+e)*8 +: 8] =
                  pred_sel_i ? wk_mem[ChIdxW'(kk)][DTileIdxW'(ch / PE_C)][(ch % PE_C)*8 +: 8]
                             : wq_mem[ChIdxW'(kk)][DTileIdxW'(ch / PE_C)][(ch % PE_C)*8 +: 8];
            end
          end
        end
      end
    end
  end

  always_comb begin
    pred_bias_o  = '0;
    pred_shift_o = '0;
    for (int unsigned l = 0; l < PredLanes; l++) begin
      logic [31:0] ch;
      ch = pred_par_ch0_i + l;
      if (ch < D_MAX) begin
        pred_bias_o[l*32 +: 32] = pred_par_sel_i ? bk_mem[ChIdxW'(ch)] : bq_mem[ChIdxW'(ch)];
        pred_shift_o[l*5 +: 5]  = pred_par_sel_i ? pk_mem[ChIdxW'(ch)] : pq_mem[ChIdxW'(ch)];
      end
    end
  end

  // LayerNorm parameters (read only during the LayerNorm rows)
  always_comb begin
    logic [ChIdxW-1:0] ch;
    ch     = '0;
    ln_g_o = '0;
    ln_b_o = '0;
    if (ln_en_i) begin  // (simulation speed)
      for (int unsigned l = 0; l < PE_C; l++) begin
        ch = ChIdxW'(32'(ln_chunk_i) * PE_C + l);
        ln_g_o[l*16 +: 16] = ln_ln1_i ? ln1g_mem[ch] : ln2g_mem[ch];
        ln_b_o[l*32 +: 32] = ln_ln1_i ? ln1b_mem[ch] : ln2b_mem[ch];
      end
    end
  end

endmodule
