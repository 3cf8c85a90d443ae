// Copyright ESACT verification project contributors.
// SPDX-License-Identifier: Apache-2.0
//
// esact_pred: the prediction engine of a sparse run (PRED stage) and the SPLS state it
// computes.  Two passes through `spls_predict`:
//   Q^/K^  for every row, channel group (PRED_LANES output channels) and Q/K:
//          HLog(x) . HLog(W_Q / W_K) over PRED_ELEMS input channels per beat, then
//          + bias and a rounding shift to INT8 (the Q^ and K^ buffers);
//   PAM    for every row, head and key group (PRED_LANES keys): HLog(q^) . HLog(k^)
//          over the head's channels; the rows go to `topk` (k of the run), the keep
//          masks to the keep buffer and to `local_sim` (window, threshold): the reuse
//          map, the representative rows, the column-needed masks of every head and
//          the rows some head needs.
// done_o: the reuse map is complete.  The engine serves the SPLS buffers to the other
// engines (keep masks, representatives, column masks) and to the debug dump.

module esact_pred
  import esact_pkg::*;
#(
  parameter int unsigned T_MAX       = 128,
  parameter int unsigned D_MAX       = 384,
  parameter int unsigned H_MAX       = 12,
  parameter int unsigned HEAD_DIM    = 32,
  parameter int unsigned PRED_LANES  = 16,
  parameter int unsigned PRED_ELEMS  = 8,
  parameter int unsigned LdBytes     = 64,
  localparam int unsigned LdW        = LdBytes * 8,
  localparam int unsigned LenW       = $clog2(T_MAX + 1),
  localparam int unsigned RowIdxW    = $clog2(T_MAX),
  localparam int unsigned ChIdxW     = $clog2(D_MAX),
  localparam int unsigned HeadCntW   = $clog2(H_MAX + 1),
  localparam int unsigned HeadIdxW   = (H_MAX > 1) ? $clog2(H_MAX) : 1,
  localparam int unsigned StreamRowW = $clog2(H_MAX * T_MAX),
  localparam int unsigned Lanes      = PRED_LANES,
  localparam int unsigned Elems      = PRED_ELEMS
) (
  input  logic                     clk_i,
  input  logic                     rst_ni,
  input  logic                     dp_rst_ni,       // the units' reset (also on abort)
  input  cfg_t                     cfg_i,

  input  logic                     run_i,           // the PRED stage
  output logic                     done_o,          // the reuse map is complete
  input  logic                     clear_i,         // a run starts: clear the row masks ...
  input  logic                     clear_dense_i,   // ... to every row (a dense run)
  output logic [T_MAX-1:0]         rep_mask_o,      // row i is a representative
  output logic [T_MAX-1:0]         kv_mask_o,       // row i is needed by some head

  // Q^/K^ operands from the parameter buffers: x and W_Q / W_K
  output logic                     x_rd_en_o,
  output logic                     x_rd_sel_o,      // 0: W_Q, 1: W_K
  output logic [RowIdxW-1:0]       x_rd_row_o,
  output logic [31:0]              x_rd_k0_o,       // first input channel of the beat
  output logic [31:0]              x_rd_ch0_o,      // first output channel of the beat
  input  logic [Elems*8-1:0]       x_rd_x_i,
  input  logic [Lanes*Elems*8-1:0] x_rd_w_i,
  // ... and the bias and shift of the Q^/K^ channels of a result
  output logic                     par_sel_o,
  output logic [31:0]              par_ch0_o,
  input  logic [Lanes*32-1:0]      par_bias_i,
  input  logic [Lanes*5-1:0]       par_shift_i,

  // SPLS buffers for the other engines
  input  logic [HeadIdxW-1:0]      keep_head_i,     // keep mask of (head, row)
  input  logic [RowIdxW-1:0]       keep_row_i,
  output logic [T_MAX-1:0]         keep_o,
  input  logic [RowIdxW-1:0]       rep_row_i,       // representative of a row
  output logic [RowIdxW-1:0]       rep_o,
  input  logic [HeadIdxW-1:0]      col_head_i,      // column-needed mask of a head
  output logic [T_MAX-1:0]         col_o,

  // debug dump: a word of the reuse map, the column or keep masks, Q^ or K^
  input  logic                     dump_en_i,
  input  dump_sel_e                dump_sel_i,
  input  logic [StreamRowW-1:0]    dump_row_i,
  input  logic [7:0]               dump_word_i,
  output logic [LdW-1:0]           dump_data_o,

  output logic                     feeding_o        // observed by the checkers
);

  typedef enum logic [2:0] {
    PredIdle,     // waiting for PRED; on run_i the Q^/K^ pass starts
    PredQk,       // Q^/K^ prediction
    PredPamInit,  // between the passes
    PredPam,      // PAM rows -> topk -> local_sim
    PredDone      // the reuse map is complete
  } state_e;

  state_e state_d, state_q;
  logic   pam;                   // the PAM pass (else Q^/K^)
  // feed position: row, Q/K select, channel (Q^/K^) or key (PAM) group, head, element group
  logic [RowIdxW-1:0]  feed_row_d, feed_row_q;
  logic                feed_sel_d, feed_sel_q;
  logic [ChIdxW-1:0]   feed_grp_d, feed_grp_q;
  logic [HeadCntW-1:0] feed_head_d, feed_head_q;
  logic [ChIdxW-1:0]   feed_elem_d, feed_elem_q;
  logic                feed_done_d, feed_done_q;
  // Q^/K^ results: row, Q/K select, channel group
  logic [RowIdxW-1:0] res_row_d, res_row_q;
  logic               res_sel_d, res_sel_q;
  logic [ChIdxW-1:0]  res_grp_d, res_grp_q;
  logic               res_done_d, res_done_q;
  // topk: key group of the next input beat; row and head of the next keep mask
  logic [ChIdxW-1:0]   topk_grp_d, topk_grp_q;
  logic [RowIdxW-1:0]  topk_row_d, topk_row_q;
  logic [HeadCntW-1:0] topk_head_d, topk_head_q;
  logic [T_MAX-1:0]    rep_mask_d, rep_mask_q;
  logic [T_MAX-1:0]    kv_mask_d, kv_mask_q;
  logic [31:0]         elem_last;             // element groups per packet - 1
  logic [31:0]         grp_last;              // channel / key groups - 1
  logic [31:0]         row_last;              // rows of the run - 1
  logic                head_last;

  // a position of the Q^/K^ pass (feed and results): the channel group runs fastest,
  // then Q/K, then the row; done when the last row's K^ group passes (the row stays)
  typedef struct packed {
    logic [RowIdxW-1:0] row;
    logic               sel;
    logic [ChIdxW-1:0]  grp;
    logic               done;
  } qk_pos_t;

  function automatic qk_pos_t qk_pos_next(qk_pos_t p, logic [31:0] grp_max, logic [31:0] row_max);
    qk_pos_t n = p;
    if (32'(p.grp) == grp_max) begin
      n.grp = '0;
      n.sel = !p.sel;
      if (p.sel) begin
        if (32'(p.row) == row_max) n.done = 1'b1;
        else n.row = p.row + RowIdxW'(1);
      end
    end else begin
      n.grp = p.grp + ChIdxW'(1);
    end
    return n;
  endfunction

  // SPLS buffers
  logic [7:0]         qh_mem   [T_MAX][D_MAX];
  logic [7:0]         kh_mem   [T_MAX][D_MAX];
  logic [T_MAX-1:0]   keep_mem [H_MAX][T_MAX];
  logic [RowIdxW-1:0] rep_mem  [T_MAX];
  logic [T_MAX-1:0]   col_mem  [H_MAX];

  // units
  logic                                 predict_in_valid, predict_in_ready, predict_in_last;
  logic [Elems*8-1:0]                   predict_a;
  logic [Lanes*Elems*8-1:0]             predict_b;
  logic                                 predict_out_valid, predict_out_ready;
  logic [Lanes*32-1:0]                  predict_sum;
  logic [Lanes*8-1:0]                   qk_res;                // the Q^/K^ values of a result
  logic                                 topk_in_valid, topk_in_ready, topk_in_last;
  logic [Lanes*24-1:0]                  topk_data;
  logic                                 topk_out_valid, topk_out_ready, topk_err;
  logic [T_MAX-1:0]                     topk_keep;
  logic                                 lsim_out_valid, lsim_kind, lsim_err, lsim_last;
  logic [LenW-1:0]                      lsim_row, lsim_rep;
  logic [$clog2(H_MAX * T_MAX + 1)-1:0] lsim_ov;
  logic [T_MAX-1:0]                     lsim_mask;

  assign pam       = (state_q == PredPam) || (state_q == PredDone);
  assign elem_last = pam ? (HEAD_DIM / Elems) - 1 : (32'(cfg_i.hidden) + Elems - 1) / Elems - 1;
  assign grp_last  = pam ? (32'(cfg_i.seq_len) + Lanes - 1) / Lanes - 1 : (32'(cfg_i.hidden) + Lanes - 1) / Lanes - 1;
  assign row_last  = 32'(cfg_i.seq_len) - 1;
  assign head_last = (32'(feed_head_q) == 32'(cfg_i.heads) - 1);
  assign done_o    = (state_q == PredDone);

  // ---------------------------------------------------------------------------------
  // Sequencing of the two passes
  // ---------------------------------------------------------------------------------
  always_comb begin
    state_d     = state_q;
    feed_row_d  = feed_row_q;
    feed_sel_d  = feed_sel_q;
    feed_grp_d  = feed_grp_q;
    feed_head_d = feed_head_q;
    feed_elem_d = feed_elem_q;
    feed_done_d = feed_done_q;
    res_row_d   = res_row_q;
    res_sel_d   = res_sel_q;
    res_grp_d   = res_grp_q;
    res_done_d  = res_done_q;
    topk_grp_d    = topk_grp_q;
    topk_row_d    = topk_row_q;
    topk_head_d   = topk_head_q;
    unique case (state_q)
      PredIdle: begin
        if (run_i) begin
          {feed_row_d, feed_sel_d, feed_grp_d, feed_head_d, feed_elem_d, feed_done_d} = '0;
          {res_row_d, res_sel_d, res_grp_d, res_done_d} = '0;
          state_d = PredQk;
        end
      end
      PredQk: begin
        // feed: element group -> channel group -> Q/K -> row
        if (predict_in_valid && predict_in_ready) begin
          if (32'(feed_elem_q) == elem_last) begin
            feed_elem_d = '0;
            {feed_row_d, feed_sel_d, feed_grp_d, feed_done_d} =
                qk_pos_next({feed_row_q, feed_sel_q, feed_grp_q, feed_done_q}, grp_last, row_last);
          end else begin
            feed_elem_d = feed_elem_q + ChIdxW'(1);
          end
        end
        // results: channel group -> Q/K -> row
        if (predict_out_valid && predict_out_ready) begin
          {res_row_d, res_sel_d, res_grp_d, res_done_d} =
              qk_pos_next({res_row_q, res_sel_q, res_grp_q, res_done_q}, grp_last, row_last);
        end
        if (res_done_q) state_d = PredPamInit;
      end
      PredPamInit: begin
        {feed_row_d, feed_grp_d, feed_head_d, feed_elem_d, feed_done_d} = '0;
        {topk_grp_d, topk_row_d, topk_head_d} = '0;
        state_d = PredPam;
      end
      PredPam: begin
        // feed: element group -> key group -> head -> row
        if (predict_in_valid && predict_in_ready) begin
          if (32'(feed_elem_q) == elem_last) begin
            feed_elem_d = '0;
            if (32'(feed_grp_q) == grp_last) begin
              feed_grp_d = '0;
              if (head_last) begin
                feed_head_d = '0;
                if (32'(feed_row_q) == row_last) feed_done_d = 1'b1;
                else feed_row_d = feed_row_q + RowIdxW'(1);
              end else begin
                feed_head_d = feed_head_q + HeadCntW'(1);
              end
            end else begin
              feed_grp_d = feed_grp_q + ChIdxW'(1);
            end
          end else begin
            feed_elem_d = feed_elem_q + ChIdxW'(1);
          end
        end
        if (topk_in_valid && topk_in_ready) begin
          topk_grp_d = (32'(topk_grp_q) == grp_last) ? '0 : topk_grp_q + ChIdxW'(1);
        end
        if (topk_out_valid && topk_out_ready) begin
          if (32'(topk_head_q) == 32'(cfg_i.heads) - 1) begin
            topk_head_d = '0;
            topk_row_d  = topk_row_q + RowIdxW'(1);
          end else begin
            topk_head_d = topk_head_q + HeadCntW'(1);
          end
        end
        if (lsim_out_valid && lsim_last) state_d = PredDone;
      end
      PredDone: ;  // background K/V generation may still run
      default: state_d = PredIdle;
    endcase
    if (!run_i) state_d = PredIdle;
  end

  // representative / needed-row masks follow the local-similarity results
  always_comb begin
    rep_mask_d = rep_mask_q;
    kv_mask_d  = kv_mask_q;
    if (lsim_out_valid && !lsim_err) begin
      if (!lsim_kind) begin
        rep_mask_d[RowIdxW'(lsim_row)] = (lsim_rep == lsim_row);
      end else begin
        kv_mask_d = kv_mask_q | lsim_mask;
      end
    end
    if (clear_i) begin
      rep_mask_d = {T_MAX{clear_dense_i}};
      kv_mask_d  = {T_MAX{clear_dense_i}};
    end
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      state_q    <= PredIdle;
      rep_mask_q <= '0;
      kv_mask_q  <= '0;
    end else begin
      state_q    <= state_d;
      rep_mask_q <= rep_mask_d;
      kv_mask_q  <= kv_mask_d;
    end
  end

  always_ff @(posedge clk_i) begin
    feed_row_q  <= feed_row_d;
    feed_sel_q  <= feed_sel_d;
    feed_grp_q  <= feed_grp_d;
    feed_head_q <= feed_head_d;
    feed_elem_q <= feed_elem_d;
    feed_done_q <= feed_done_d;
    res_row_q   <= res_row_d;
    res_sel_q   <= res_sel_d;
    res_grp_q   <= res_grp_d;
    res_done_q  <= res_done_d;
    topk_grp_q    <= topk_grp_d;
    topk_row_q    <= topk_row_d;
    topk_head_q   <= topk_head_d;
  end

  assign rep_mask_o = rep_mask_q;
  assign kv_mask_o  = kv_mask_q;

  // ---------------------------------------------------------------------------------
  // spls_predict: operands of the current beat
  // ---------------------------------------------------------------------------------
  assign predict_in_valid = (state_q == PredQk || state_q == PredPam) && !feed_done_q;
  assign predict_in_last  = (32'(feed_elem_q) == elem_last);
  assign feeding_o        = predict_in_valid;

  assign x_rd_en_o  = run_i && !pam;
  assign x_rd_sel_o = feed_sel_q;
  assign x_rd_row_o = feed_row_q;
  assign x_rd_k0_o  = 32'(feed_elem_q) * Elems;
  assign x_rd_ch0_o = 32'(feed_grp_q) * Lanes;

  always_comb begin
    logic [ChIdxW-1:0] kk;   // channel of the head (PAM)
    logic [31:0]       j;    // key (PAM)
    kk   = '0;
    j    = '0;
    predict_a = '0;
    predict_b = '0;
    if (run_i && !pam) begin
      // Q^/K^: x and the weights from the parameter buffers (zero past the hidden size)
      for (int unsigned e = 0; e < Elems; e++) begin
        if (x_rd_k0_o + e < 32'(cfg_i.hidden)) begin                  // input channel
          predict_a[e*8 +: 8] = x_rd_x_i[e*8 +: 8];
          for (int unsigned l = 0; l < Lanes; l++) begin
            if (x_rd_ch0_o + l < 32'(cfg_i.hidden)) begin              // output channel
              predict_b[(l*Elems+e)*8 +: 8] = x_rd_w_i[(l*Elems+e)*8 +: 8];
            end
          end
        end
      end
    end else if (run_i) begin
      // PAM: a predicted query of the head against Lanes predicted keys
      for (int unsigned e = 0; e < Elems; e++) begin
        kk = ChIdxW'(32'(feed_head_q) * HEAD_DIM + 32'(feed_elem_q) * Elems + e);
        predict_a[e*8 +: 8] = qh_mem[feed_row_q][kk];
        for (int unsigned l = 0; l < Lanes; l++) begin
          j = 32'(feed_grp_q) * Lanes + l;
          if (j < 32'(cfg_i.seq_len)) begin
            predict_b[(l*Elems+e)*8 +: 8] = kh_mem[RowIdxW'(j)][kk];
          end
        end
      end
    end
  end

  spls_predict #(.LANES(Lanes), .ELEMS(Elems), .ACC_W(32), .ROUND(1'b0)) u_predict (
    .clk_i,
    .rst_ni      (dp_rst_ni),
    .in_valid_i  (predict_in_valid),
    .in_ready_o  (predict_in_ready),
    .in_a_i      (predict_a),
    .in_b_i      (predict_b),
    .in_last_i   (predict_in_last),
    .out_valid_o (predict_out_valid),
    .out_ready_i (predict_out_ready),
    .out_sum_o   (predict_sum)
  );

  // Q^/K^ results: + bias, shift-only requantization to INT8
  assign par_sel_o = res_sel_q;
  assign par_ch0_o = 32'(res_grp_q) * Lanes;

  always_comb begin
    for (int unsigned l = 0; l < Lanes; l++) begin
      logic signed [33:0] s;
      logic signed [33:0] r;
      logic [4:0] sh;
      sh = par_shift_i[l*5 +: 5];
      s  = 34'($signed(predict_sum[l*32 +: 32])) + 34'($signed(par_bias_i[l*32 +: 32]));
      r  = (sh == '0) ? s : ((s + (34'sd1 <<< (sh - 5'd1))) >>> sh);
      qk_res[l*8 +: 8] = (r > 34'sd127) ? 8'sd127 : (r < -34'sd128) ? -8'sd128 : r[7:0];
    end
  end

  always_ff @(posedge clk_i) begin
    if (predict_out_valid && predict_out_ready && !pam) begin
      for (int unsigned l = 0; l < Lanes; l++) begin
        if (par_ch0_o + l < D_MAX) begin
          if (res_sel_q) begin
            kh_mem[res_row_q][ChIdxW'(par_ch0_o + l)] <= qk_res[l*8 +: 8];
          end else begin
            qh_mem[res_row_q][ChIdxW'(par_ch0_o + l)] <= qk_res[l*8 +: 8];
          end
        end
      end
    end
  end

  // ---------------------------------------------------------------------------------
  // PAM rows -> topk -> local_sim
  // ---------------------------------------------------------------------------------
  assign topk_in_valid     = predict_out_valid && pam;
  assign topk_in_last      = (32'(topk_grp_q) == grp_last);
  assign predict_out_ready = pam ? topk_in_ready : 1'b1;

  always_comb begin
    for (int unsigned l = 0; l < Lanes; l++) begin
      topk_data[l*24 +: 24] = predict_sum[l*32 +: 24];
    end
  end

  topk #(.T_MAX(T_MAX), .LANES(Lanes), .W(24)) u_topk (
    .clk_i,
    .rst_ni      (dp_rst_ni),
    .in_valid_i  (topk_in_valid),
    .in_ready_o  (topk_in_ready),
    .in_data_i   (topk_data),
    .in_len_i    (LenW'(cfg_i.seq_len)),
    .in_k_i      (LenW'(cfg_i.topk)),
    .in_last_i   (topk_in_last),
    .out_valid_o (topk_out_valid),
    .out_ready_i (topk_out_ready),
    .out_keep_o  (topk_keep),
    .out_err_o   (topk_err)
  );

  local_sim #(.T_MAX(T_MAX), .H_MAX(H_MAX)) u_local_sim (
    .clk_i,
    .rst_ni         (dp_rst_ni),
    .in_valid_i     (topk_out_valid),
    .in_ready_o     (topk_out_ready),
    .in_mask_i      (topk_keep),
    .in_head_last_i (32'(topk_head_q) == 32'(cfg_i.heads) - 1),
    .in_last_i      (32'(topk_head_q) == 32'(cfg_i.heads) - 1 && 32'(topk_row_q) == 32'(cfg_i.seq_len) - 1),
    .in_window_i    (LenW'(cfg_i.window)),
    .in_thr_i       (($clog2(H_MAX * T_MAX + 1))'(cfg_i.thr)),
    .in_heads_i     (($clog2(H_MAX + 2))'(cfg_i.heads)),
    .out_valid_o    (lsim_out_valid),
    .out_ready_i    (1'b1),
    .out_kind_o     (lsim_kind),
    .out_row_o      (lsim_row),
    .out_rep_o      (lsim_rep),
    .out_overlap_o  (lsim_ov),
    .out_mask_o     (lsim_mask),
    .out_err_o      (lsim_err),
    .out_last_o     (lsim_last)
  );

  // keep masks, reuse map and column-needed masks
  always_ff @(posedge clk_i) begin
    if (topk_out_valid && topk_out_ready) begin
      keep_mem[HeadIdxW'(topk_head_q)][topk_row_q] <= topk_keep;
    end
    if (lsim_out_valid && !lsim_err) begin
      if (!lsim_kind) begin
        rep_mem[RowIdxW'(lsim_row)] <= RowIdxW'(lsim_rep);
      end else begin
        col_mem[HeadIdxW'(lsim_row)] <= lsim_mask;
      end
    end
  end

  logic unused_pred;
  assign unused_pred = ^{topk_err, lsim_ov, cfg_i};  // (the engine reads some fields of cfg_i)

  // ---------------------------------------------------------------------------------
  // Read ports
  // ---------------------------------------------------------------------------------
  assign keep_o = keep_mem[keep_head_i][keep_row_i];
  assign rep_o  = rep_mem[rep_row_i];
  assign col_o  = col_mem[col_head_i];

  // debug dump (dense run: identity reuse map, all-ones column masks)
  always_comb begin
    logic [31:0] col;    // column (Q^, K^)
    logic [31:0] i;      // row of the reuse map
    col         = '0;
    i           = '0;
    dump_data_o = '0;
    if (dump_en_i) begin  // (simulation speed: read only while dumping)
      for (int unsigned b = 0; b < LdBytes; b++) begin
        col = 32'(dump_word_i) * LdBytes + b;
        i   = 32'(dump_row_i) * LdBytes + b;
        unique case (dump_sel_i)
          DumpRep: begin
            if (i < 32'(cfg_i.seq_len)) dump_data_o[b*8 +: 8] = 8'(cfg_i.sparse ? rep_mem[RowIdxW'(i)] : RowIdxW'(i));
          end
          DumpCol: if (b < T_MAX / 8) dump_data_o[b*8 +: 8] = cfg_i.sparse ? col_mem[HeadIdxW'(dump_row_i)][b*8 +: 8]
                                                                           : 8'hff;
          DumpKeep: if (b < T_MAX / 8) dump_data_o[b*8 +: 8] =
                        keep_mem[HeadIdxW'(32'(dump_row_i) / 32'(cfg_i.seq_len))]
                                [RowIdxW'(32'(dump_row_i) % 32'(cfg_i.seq_len))][b*8 +: 8];
          DumpQh: if (col < D_MAX) dump_data_o[b*8 +: 8] = qh_mem[RowIdxW'(dump_row_i)][ChIdxW'(col)];
          DumpKh: if (col < D_MAX) dump_data_o[b*8 +: 8] = kh_mem[RowIdxW'(dump_row_i)][ChIdxW'(col)];
          default: ;  // the activation buffers: esact_act_buf
        endcase
      end
    end
  end

endmodule
