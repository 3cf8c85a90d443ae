// Copyright ESACT verification project contributors.
// SPDX-License-Identifier: Apache-2.0
//
// esact_top: the ESACT layer engine.  Runs one integer BERT encoder layer, dense or
// SPLS-sparse, exactly as models/int_layer.py defines it (docs/esact_top.md draws it).
// It is the stage sequencer: one step register walks the stages; a step starts an
// engine and waits for its done.
//   PRED   (sparse) Q^/K^ and PAM prediction, top-k, local similarity: esact_pred
//   QKV    GEMM jobs Q (representative rows), K and V (rows some head needs): esact_gemm
//   ATTN   per head: scores (SDDMM, esact_gemm), softmax over the kept keys
//          (esact_softmax_stage), P.V over the needed keys (SpMM, esact_gemm)
//   OPROJ  output projection of the representatives -> INT16
//   LN1    residual pass x -> x_r (esact_gemm), LayerNorm(y_o[rep] + x_r) -> h1
//          (esact_ln_stage)
//   FFN    FFN1 -> i-GELU -> g, FFN2 -> INT16
//   LN2    residual pass h1 -> h1_r, LayerNorm(y_2[rep] + h1_r) -> out
//   OUT    the layer output streams out (tag 0); a dump streams a buffer: esact_stream
// Around them: the APB4 CSRs (esact_regs: commands, configuration, status, counters,
// irq_o), the load stream (esact_load -> esact_param_buf) and the activation buffers
// (esact_act_buf).

module esact_top
  import esact_pkg::*;
#(
  parameter int unsigned T_MAX      = 128,
  parameter int unsigned D_MAX      = 384,
  parameter int unsigned F_MAX      = 1536,
  parameter int unsigned H_MAX      = 12,
  parameter int unsigned HEAD_DIM   = 32,
  parameter int unsigned PE_R       = 8,
  parameter int unsigned PE_C       = 8,
  parameter int unsigned PRED_LANES = 16,
  parameter int unsigned PRED_ELEMS = 8,
  localparam int unsigned LdBytes   = 64,
  localparam int unsigned LdW       = LdBytes * 8,
  localparam int unsigned CsrAw     = 7
) (
  input  logic             clk_i,
  input  logic             rst_ni,

  // APB4 register interface
  input  logic             psel_i,
  input  logic             penable_i,
  input  logic             pwrite_i,
  input  logic [2:0]       pprot_i,
  input  logic [CsrAw-1:0] paddr_i,
  input  logic [31:0]      pwdata_i,
  input  logic [3:0]       pstrb_i,
  output logic             pready_o,
  output logic [31:0]      prdata_o,
  output logic             pslverr_o,

  // buffer load stream
  input  logic             ld_valid_i,
  output logic             ld_ready_o,
  input  logic [31:0]      ld_addr_i,
  input  logic [LdW-1:0]   ld_data_i,

  // output stream: layer output (tag 0) or a debug dump (tag = DEBUG.sel + 1)
  output logic             out_valid_o,
  input  logic             out_ready_i,
  output logic [LdW-1:0]   out_data_o,
  output logic [7:0]       out_tag_o,
  output logic             out_last_o,

  output logic             irq_o
);

  localparam int unsigned RowIdxW    = $clog2(T_MAX);                      // row index
  localparam int unsigned ChIdxW     = $clog2(D_MAX);                      // hidden channel index
  localparam int unsigned HeadCntW   = $clog2(H_MAX + 1);                  // head count
  localparam int unsigned HeadIdxW   = (H_MAX > 1) ? $clog2(H_MAX) : 1;   // head index
  localparam int unsigned StreamRowW = $clog2(H_MAX * T_MAX);              // streamed row index
  localparam int unsigned KIdxW      = $clog2(F_MAX);                      // GEMM k index (K_MAX = F_MAX)
  localparam int unsigned TileIdxW   = $clog2(F_MAX / PE_C);               // GEMM column tile index
  localparam int unsigned TileCntW   = $clog2(F_MAX / PE_C + 1);
  localparam int unsigned MacCntW    = $clog2(PE_R * PE_C + 1);
  localparam int unsigned LdWordIdxW = $clog2((F_MAX + LdBytes - 1) / LdBytes);

  // ---------------------------------------------------------------------------------
  // Register interface: commands, configuration, status
  // ---------------------------------------------------------------------------------
  stage_e             stage;
  logic               run_start, dump_start, abort, done;
  dump_sel_e          dump_sel;
  logic               req_sparse, req_overlap;
  cfg_t               cfg;
  logic               ld_err;
  logic [MacCntW-1:0] macs;

  esact_regs #(
    .T_MAX (T_MAX), .D_MAX (D_MAX), .F_MAX (F_MAX), .H_MAX (H_MAX), .HEAD_DIM (HEAD_DIM), .PE_C (PE_C),
    .MacCntW (MacCntW)
  ) u_regs (
    .clk_i, .rst_ni,
    .psel_i, .penable_i, .pwrite_i, .pprot_i, .paddr_i, .pwdata_i, .pstrb_i, .pready_o, .prdata_o, .pslverr_o,
    .stage_i (stage), .run_start_o (run_start), .dump_start_o (dump_start), .dump_sel_o (dump_sel),
    .abort_o (abort), .req_sparse_o (req_sparse), .req_overlap_o (req_overlap), .cfg_o (cfg),
    .done_i (done), .ld_err_i (ld_err), .macs_i (macs), .irq_o
  );

  // ---------------------------------------------------------------------------------
  // Stage sequencer: the step register walks esact_pkg::step_e
  // ---------------------------------------------------------------------------------
  // progressive generation (CTRL.overlap, sparse runs): the GEMM engine generates K and
  // V of every row in the background of PRED (they do not depend on the prediction)
  typedef enum logic [1:0] {BgOff, BgK, BgV, BgDone} bg_e;

  step_e               step_d, step_q;
  bg_e                 bg_d, bg_q;
  logic [HeadCntW-1:0] head_d, head_q;     // attention head
  logic                job_req, job_done, pred_done, sm_done, ln_done, res_done, out_done;
  gemm_job_e           job;

  always_comb begin
    unique case (step_q)
      StepPred:                        stage = StagePred;
      StepQ, StepK, StepV:             stage = StageQkv;
      StepScores, StepSoftmax, StepPv: stage = StageAttn;
      StepOproj:                       stage = StageOproj;
      StepLn1Res, StepLn1Rows:         stage = StageLn1;
      StepFfn1, StepFfn2:              stage = StageFfn;
      StepLn2Res, StepLn2Rows:         stage = StageLn2;
      StepOut:                         stage = StageOut;
      StepDump:                        stage = StageDump;
      default:                         stage = StageIdle;
    endcase
  end

  always_comb begin
    step_d = step_q;
    bg_d   = bg_q;
    head_d = head_q;
    if (abort) begin
      step_d = StepIdle;
      bg_d   = BgOff;
    end else if (run_start) begin
      step_d = req_sparse ? StepPred : StepQ;
      bg_d   = (req_sparse && req_overlap) ? BgK : BgOff;
      head_d = '0;
    end else if (dump_start) begin
      step_d = StepDump;
    end else begin
      unique case (step_q)
        StepPred: begin
          if (job_done) bg_d = (bg_q == BgK) ? BgV : BgDone;
          if (pred_done && (bg_q == BgOff || bg_q == BgDone)) step_d = StepQ;
        end
        // with progressive generation K and V exist already
        StepQ:       if (job_done) step_d = (cfg.sparse && cfg.overlap) ? StepScores : StepK;
        StepK:       if (job_done) step_d = StepV;
        StepV:       if (job_done) step_d = StepScores;
        StepScores:  if (job_done) step_d = StepSoftmax;
        StepSoftmax: if (sm_done) step_d = StepPv;
        StepPv: begin  // the next head, or OPROJ after the last
          if (job_done && 32'(head_q) == 32'(cfg.heads) - 1) begin
            step_d = StepOproj;
          end else if (job_done) begin
            step_d = StepScores;
            head_d = head_q + HeadCntW'(1);
          end
        end
        StepOproj:   if (job_done) step_d = StepLn1Res;
        StepLn1Res:  if (res_done) step_d = StepLn1Rows;
        StepLn1Rows: if (ln_done) step_d = StepFfn1;
        StepFfn1:    if (job_done) step_d = StepFfn2;
        StepFfn2:    if (job_done) step_d = StepLn2Res;
        StepLn2Res:  if (res_done) step_d = StepLn2Rows;
        StepLn2Rows: if (ln_done) step_d = StepOut;
        StepOut, StepDump: if (out_done) step_d = StepIdle;
        default: ;
      endcase
    end
  end

  // the GEMM job of a job step
  always_comb begin
    job_req = 1'b1;
    job     = JobQ;
    unique case (step_q)
      StepPred:   begin job_req = (bg_q == BgK) || (bg_q == BgV); job = (bg_q == BgV) ? JobVAll : JobKAll; end
      StepQ:      job = JobQ;
      StepK:      job = JobK;
      StepV:      job = JobV;
      StepScores: job = JobScores;
      StepPv:     job = JobPv;
      StepOproj:  job = JobOproj;
      StepFfn1:   job = JobFfn1;
      StepFfn2:   job = JobFfn2;
      default:    job_req = 1'b0;
    endcase
  end

  // the engine each step runs
  logic run_pred, run_softmax, run_ln_rows, req_residual, ln1, run_stream, run_dump, out_start;
  assign run_pred     = (step_q == StepPred);
  assign run_softmax  = (step_q == StepSoftmax);
  assign run_ln_rows  = (step_q == StepLn1Rows) || (step_q == StepLn2Rows);
  assign req_residual = (step_q == StepLn1Res) || (step_q == StepLn2Res);
  assign ln1          = (stage == StageLn1);
  assign run_stream   = (step_q == StepOut) || (step_q == StepDump);
  assign run_dump     = (step_q == StepDump);
  assign out_start    = (step_q == StepLn2Rows) && (step_d == StepOut);
  // the layer output is complete (STATUS.done) when LN2 has written its last row
  assign done = (step_q == StepLn2Rows) && ln_done;

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      step_q  <= StepIdle;
      bg_q    <= BgOff;
      head_q  <= '0;
    end else begin
      step_q  <= step_d;
      bg_q    <= bg_d;
      head_q  <= head_d;
    end
  end

  // An aborted job leaves the datapath units mid-packet: they get a one-cycle
  // synchronous reset of their control state at the edge the abort is taken, with the
  // engines' own clearing, so the next job starts clean and no unit offers a stale beat
  // to an engine that has already dropped its row.
  logic dp_rst_n;
  assign dp_rst_n = rst_ni && !abort;

  // ---------------------------------------------------------------------------------
  // Engines and buffers
  // ---------------------------------------------------------------------------------
  logic                               ld_wr;          // load port -> parameter buffers
  ld_region_e                         ld_region;
  logic [23:0]                        ld_row;
  logic [LdWordIdxW-1:0]              ld_word;
  a_src_e                             a_src;          // the GEMM job's routing
  b_src_e                             b_src;
  dst_e                               dst;
  logic [ChIdxW-1:0]                  off;
  logic [PE_R*RowIdxW-1:0]            a_row;          // GEMM operands
  logic [KIdxW-1:0]                   a_k, b_k;
  logic [PE_R*8-1:0]                  a_x, a_act;
  logic [PE_C*8-1:0]                  b_w, b_act, res_x, res_h1;
  logic [TileIdxW-1:0]                b_tile, rqb_par_tile, rqa_wr_tile, rqb_wr_tile;
  logic [TileCntW-1:0]                rqa_par_tile, score_wr_tile;   // requantization parameters and GEMM results
  logic [PE_C*15-1:0]                 rqa_mult, rqb_mult;
  logic [PE_C*6-1:0]                  rqa_shift, rqb_shift;
  logic [PE_C*32-1:0]                 rqa_bias, score_wr_data, sm_score, ln_b;
  logic                               rqb_res, score_wr, rqa_wr, rqb_wr, gemm_busy;
  logic [RowIdxW-1:0]                 res_row, score_wr_row, rqa_wr_row, rqb_wr_row;
  logic [PE_C*16-1:0]                 rqa_wr_data, rqb_wr_data, ln_y, ln_res, ln_g;
  logic [T_MAX-1:0]                   rep_mask, kv_mask, head_cols, keep_row;  // prediction
  logic                               pred_rd_en, pred_rd_sel, pred_par_sel, pred_feeding;
  logic [RowIdxW-1:0]                 pred_rd_row;
  logic [31:0]                        pred_rd_k0, pred_rd_ch0, pred_par_ch0;
  logic [PRED_ELEMS*8-1:0]            pred_rd_x;
  logic [PRED_LANES*PRED_ELEMS*8-1:0] pred_rd_w;
  logic [PRED_LANES*32-1:0]           pred_bias;
  logic [PRED_LANES*5-1:0]            pred_shift;
  logic [RowIdxW-1:0]                 sm_row, prob_wr_row, ln_row, ln_src, ln_rep, ln_wr_row;   // softmax, LayerNorm
  logic [ChIdxW-1:0]                  sm_chunk, prob_wr_chunk, ln_chunk, ln_wr_chunk;
  logic                               prob_wr, ln_wr;
  logic [PE_C*8-1:0]                  prob_wr_data, ln_wr_data;
  logic                               rd_en;          // output streamer
  dump_sel_e                          rd_sel;
  logic [StreamRowW-1:0]              rd_row;
  logic [7:0]                         rd_word;
  logic [LdW-1:0]                     rd_act, rd_spls;

  esact_load #(.T_MAX (T_MAX), .D_MAX (D_MAX), .F_MAX (F_MAX), .LdBytes (LdBytes)) u_load (
    .busy_i (stage != StageIdle), .ld_valid_i, .ld_ready_o, .ld_addr_i,
    .wr_o (ld_wr), .wr_region_o (ld_region), .wr_row_o (ld_row), .wr_word_o (ld_word), .err_o (ld_err)
  );

  esact_param_buf #(
    .T_MAX (T_MAX), .D_MAX (D_MAX), .F_MAX (F_MAX), .PE_R (PE_R), .PE_C (PE_C),
    .PRED_LANES (PRED_LANES), .PRED_ELEMS (PRED_ELEMS), .LdBytes (LdBytes)
  ) u_param_buf (
    .clk_i,
    .wr_i (ld_wr), .wr_region_i (ld_region), .wr_row_i (ld_row), .wr_word_i (ld_word), .wr_data_i (ld_data_i),
    .a_row_i (a_row), .a_k_i (ChIdxW'(a_k)), .a_x_o (a_x),
    .b_src_i (b_src), .b_k_i (b_k), .b_tile_i (b_tile), .b_w_o (b_w),
    .rqa_dst_i (dst), .rqa_tile_i (rqa_par_tile), .rqa_off_i (off),
    .rqa_mult_o (rqa_mult), .rqa_shift_o (rqa_shift), .rqa_bias_o (rqa_bias),
    .rqb_res_i (rqb_res), .rqb_ln1_i (ln1), .rqb_tile_i (rqb_par_tile),
    .rqb_mult_o (rqb_mult), .rqb_shift_o (rqb_shift),
    .res_row_i (res_row), .res_x_o (res_x),
    .pred_en_i (pred_rd_en), .pred_sel_i (pred_rd_sel), .pred_row_i (pred_rd_row),
    .pred_k0_i (pred_rd_k0), .pred_ch0_i (pred_rd_ch0),
    .pred_x_o (pred_rd_x), .pred_w_o (pred_rd_w),
    .pred_par_sel_i (pred_par_sel), .pred_par_ch0_i (pred_par_ch0),
    .pred_bias_o (pred_bias), .pred_shift_o (pred_shift),
    .ln_en_i (run_ln_rows), .ln_ln1_i (ln1), .ln_chunk_i (ln_chunk), .ln_g_o (ln_g), .ln_b_o (ln_b)
  );

  esact_pred #(
    .T_MAX (T_MAX), .D_MAX (D_MAX), .H_MAX (H_MAX), .HEAD_DIM (HEAD_DIM),
    .PRED_LANES (PRED_LANES), .PRED_ELEMS (PRED_ELEMS), .LdBytes (LdBytes)
  ) u_pred (
    .clk_i, .rst_ni,
    .dp_rst_ni (dp_rst_n), .cfg_i (cfg), .run_i (run_pred), .done_o (pred_done),
    .clear_i (run_start), .clear_dense_i (!req_sparse), .rep_mask_o (rep_mask), .kv_mask_o (kv_mask),
    .x_rd_en_o (pred_rd_en), .x_rd_sel_o (pred_rd_sel), .x_rd_row_o (pred_rd_row),
    .x_rd_k0_o (pred_rd_k0), .x_rd_ch0_o (pred_rd_ch0),
    .x_rd_x_i (pred_rd_x), .x_rd_w_i (pred_rd_w),
    .par_sel_o (pred_par_sel), .par_ch0_o (pred_par_ch0), .par_bias_i (pred_bias), .par_shift_i (pred_shift),
    .keep_head_i (HeadIdxW'(head_q)), .keep_row_i (sm_row), .keep_o (keep_row),
    .rep_row_i (ln_row), .rep_o (ln_rep),
    .col_head_i (HeadIdxW'(head_q)), .col_o (head_cols),
    .dump_en_i (rd_en), .dump_sel_i (rd_sel), .dump_row_i (rd_row), .dump_word_i (rd_word), .dump_data_o (rd_spls),
    .feeding_o (pred_feeding)
  );

  esact_gemm #(
    .T_MAX (T_MAX), .D_MAX (D_MAX), .F_MAX (F_MAX), .H_MAX (H_MAX), .HEAD_DIM (HEAD_DIM), .PE_R (PE_R),
    .PE_C (PE_C)
  ) u_gemm (
    .clk_i, .rst_ni,
    .dp_rst_ni (dp_rst_n), .cfg_i (cfg),
    .job_req_i (job_req), .job_i (job), .abort_i (abort), .job_done_o (job_done),
    .head_i (head_q), .head_cols_i (head_cols), .rep_mask_i (rep_mask), .kv_mask_i (kv_mask),
    .a_src_o (a_src), .b_src_o (b_src), .dst_o (dst), .off_o (off),
    .a_row_o (a_row), .a_k_o (a_k), .a_x_i (a_x), .a_act_i (a_act),
    .b_k_o (b_k), .b_tile_o (b_tile), .b_w_i (b_w), .b_act_i (b_act),
    .rqa_tile_o (rqa_par_tile), .rqa_mult_i (rqa_mult), .rqa_shift_i (rqa_shift), .rqa_bias_i (rqa_bias),
    .rqb_res_o (rqb_res), .rqb_tile_o (rqb_par_tile), .rqb_mult_i (rqb_mult), .rqb_shift_i (rqb_shift),
    .res_req_i (req_residual), .res_ln1_i (ln1),
    .res_done_o (res_done), .res_row_o (res_row), .res_x_i (res_x), .res_h1_i (res_h1),
    .score_wr_o (score_wr), .score_wr_row_o (score_wr_row), .score_wr_tile_o (score_wr_tile),
    .score_wr_data_o (score_wr_data),
    .rqa_wr_o (rqa_wr), .rqa_wr_row_o (rqa_wr_row), .rqa_wr_tile_o (rqa_wr_tile), .rqa_wr_data_o (rqa_wr_data),
    .rqb_wr_o (rqb_wr), .rqb_wr_row_o (rqb_wr_row), .rqb_wr_tile_o (rqb_wr_tile), .rqb_wr_data_o (rqb_wr_data),
    .macs_o (macs), .busy_o (gemm_busy)
  );

  esact_softmax_stage #(.T_MAX (T_MAX), .D_MAX (D_MAX), .PE_C (PE_C)) u_softmax_stage (
    .clk_i, .rst_ni,
    .dp_rst_ni (dp_rst_n), .cfg_i (cfg),
    .run_i (run_softmax), .abort_i (abort), .done_o (sm_done), .rep_mask_i (rep_mask),
    .row_o (sm_row), .chunk_o (sm_chunk), .score_i (sm_score), .keep_i (keep_row),
    .prob_wr_o (prob_wr), .prob_wr_row_o (prob_wr_row), .prob_wr_chunk_o (prob_wr_chunk),
    .prob_wr_data_o (prob_wr_data)
  );

  esact_ln_stage #(.T_MAX (T_MAX), .D_MAX (D_MAX), .PE_C (PE_C)) u_ln_stage (
    .clk_i, .rst_ni,
    .dp_rst_ni (dp_rst_n), .cfg_i (cfg),
    .run_i (run_ln_rows), .ln1_i (ln1), .abort_i (abort), .done_o (ln_done),
    .row_o (ln_row), .src_o (ln_src), .chunk_o (ln_chunk), .rep_i (ln_rep),
    .y_i (ln_y), .res_i (ln_res), .g_i (ln_g), .b_i (ln_b),
    .y_wr_o (ln_wr), .y_row_o (ln_wr_row), .y_chunk_o (ln_wr_chunk), .y_data_o (ln_wr_data)
  );

  esact_act_buf #(
    .T_MAX (T_MAX), .D_MAX (D_MAX), .F_MAX (F_MAX), .PE_R (PE_R), .PE_C (PE_C), .LdBytes (LdBytes)
  ) u_act_buf (
    .clk_i,
    .score_wr_i (score_wr), .score_wr_row_i (score_wr_row), .score_wr_tile_i (score_wr_tile),
    .score_wr_data_i (score_wr_data),
    .rqa_wr_i (rqa_wr), .rqa_wr_dst_i (dst), .rqa_wr_off_i (off), .rqa_wr_row_i (rqa_wr_row),
    .rqa_wr_tile_i (rqa_wr_tile), .rqa_wr_data_i (rqa_wr_data),
    .rqb_wr_i (rqb_wr), .rqb_wr_res_i (rqb_res), .rqb_wr_row_i (rqb_wr_row), .rqb_wr_tile_i (rqb_wr_tile),
    .rqb_wr_data_i (rqb_wr_data),
    .prob_wr_i (prob_wr), .prob_wr_row_i (prob_wr_row), .prob_wr_chunk_i (prob_wr_chunk),
    .prob_wr_data_i (prob_wr_data),
    .ln_wr_i (ln_wr), .ln_wr_ln1_i (ln1), .ln_wr_row_i (ln_wr_row), .ln_wr_chunk_i (ln_wr_chunk),
    .ln_wr_data_i (ln_wr_data),
    .a_src_i (a_src), .a_off_i (off), .a_row_i (a_row), .a_k_i (a_k), .a_data_o (a_act),
    .b_src_i (b_src), .b_off_i (off), .b_k_i (ChIdxW'(b_k)), .b_tile_i (b_tile), .b_data_o (b_act),
    .res_row_i (res_row), .res_tile_i (rqb_par_tile), .res_h1_o (res_h1),
    .sm_en_i (run_softmax), .sm_row_i (sm_row), .sm_chunk_i (sm_chunk), .sm_score_o (sm_score),
    .ln_en_i (run_ln_rows), .ln_ln1_i (ln1),
    .ln_src_i (ln_src), .ln_row_i (ln_row), .ln_chunk_i (ln_chunk), .ln_y_o (ln_y), .ln_res_o (ln_res),
    .rd_en_i (rd_en), .rd_sel_i (rd_sel), .rd_row_i (RowIdxW'(rd_row)), .rd_word_i (rd_word), .rd_data_o (rd_act)
  );

  esact_stream #(.T_MAX (T_MAX), .H_MAX (H_MAX), .LdBytes (LdBytes)) u_stream (
    .clk_i, .rst_ni,
    .cfg_i (cfg),
    .out_start_i (out_start), .dump_start_i (dump_start), .dump_sel_i (dump_sel),
    .stream_i (run_stream), .dump_i (run_dump), .done_o (out_done),
    .rd_en_o (rd_en), .rd_sel_o (rd_sel), .rd_row_o (rd_row), .rd_word_o (rd_word),
    .rd_act_i (rd_act), .rd_spls_i (rd_spls),
    .out_valid_o, .out_ready_i, .out_data_o, .out_tag_o, .out_last_o
  );

  // observed by the assertion checker (esact_top_assert): the prediction engine streams
  // while the GEMM engine computes
  logic unused_observed;
  assign unused_observed = ^{pred_feeding, gemm_busy};

endmodule
