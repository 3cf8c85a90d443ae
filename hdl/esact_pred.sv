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
  parameter int unsigned T_MAX      = 128,
  parameter int unsigned D_MAX      = 384,
  parameter int unsigned H_MAX      = 12,
  parameter int unsigned HEAD_DIM   = 32,
  parameter int unsigned PRED_LANES = 16,
  parameter int unsigned PRED_ELEMS = 8,
  parameter int unsigned LdBytes    = 64,
  localparam int unsigned LdW       = LdBytes * 8,
  localparam int unsigned TW        = $clog2(T_MAX + 1),
  localparam int unsigned TI        = $clog2(T_MAX),
  localparam int unsigned DI        = $clog2(D_MAX),
  localparam int unsigned HW        = $clog2(H_MAX + 1),
  localparam int unsigned HI        = (H_MAX > 1) ? $clog2(H_MAX) : 1,
  localparam int unsigned OI        = $clog2(H_MAX * T_MAX),
  localparam int unsigned PL        = PRED_LANES,
  localparam int unsigned PE        = PRED_ELEMS
) (
  input  logic                clk_i,
  input  logic                rst_ni,
  input  logic                dp_rst_ni,       // the units' reset (also on abort)
  input  cfg_t                cfg_i,

  input  logic                run_i,           // the PRED stage
  output logic                done_o,          // the reuse map is complete
  input  logic                clear_i,         // a run starts: clear the row masks ...
  input  logic                clear_dense_i,   // ... to every row (a dense run)
  output logic [T_MAX-1:0]    rep_mask_o,      // row i is a representative
  output logic [T_MAX-1:0]    kv_mask_o,       // row i is needed by some head

  // Q^/K^ operands from the parameter buffers: x and W_Q / W_K
  output logic                x_rd_en_o,
  output logic                x_rd_sel_o,      // 0: W_Q, 1: W_K
  output logic [TI-1:0]       x_rd_row_o,
  output logic [31:0]         x_rd_k0_o,       // first input channel of the beat
  output logic [31:0]         x_rd_ch0_o,      // first output channel of the beat
  input  logic [PE*8-1:0]     x_rd_x_i,
  input  logic [PL*PE*8-1:0]  x_rd_w_i,
  // ... and the bias and shift of the Q^/K^ channels of a result
  output logic                par_sel_o,
  output logic [31:0]         par_ch0_o,
  input  logic [PL*32-1:0]    par_bias_i,
  input  logic [PL*5-1:0]     par_shift_i,

  // SPLS buffers for the other engines
  input  logic [HI-1:0]       keep_head_i,     // keep mask of (head, row)
  input  logic [TI-1:0]       keep_row_i,
  output logic [T_MAX-1:0]    keep_o,
  input  logic [TI-1:0]       rep_row_i,       // representative of a row
  output logic [TI-1:0]       rep_o,
  input  logic [HI-1:0]       col_head_i,      // column-needed mask of a head
  output logic [T_MAX-1:0]    col_o,

  // debug dump: a word of the reuse map, the column or keep masks, Q^ or K^
  input  logic                dump_en_i,
  input  dump_sel_e           dump_sel_i,
  input  logic [OI-1:0]       dump_row_i,
  input  logic [7:0]          dump_word_i,
  output logic [LdW-1:0]      dump_data_o,

  output logic                feeding_o        // observed by the checkers
);

  typedef enum logic [2:0] {
    PredIdle,     // waiting for PRED; on run_i the Q^/K^ pass starts
    PredQk,       // Q^/K^ prediction
    PredPamInit,  // between the passes
    PredPam,      // PAM rows -> topk -> local_sim
    PredDone      // the reuse map is complete
  } state_e;

  state_e            state_d, state_q;
  logic              pam;                   // the PAM pass (else Q^/K^)
  // feed position: row, Q/K select, channel (Q^/K^) or key (PAM) group, head, element group
  logic [TI-1:0]     feed_row_d, feed_row_q;
  logic              feed_sel_d, feed_sel_q;
  logic [DI-1:0]     feed_grp_d, feed_grp_q;
  logic [HW-1:0]     feed_head_d, feed_head_q;
  logic [DI-1:0]     feed_elem_d, feed_elem_q;
  logic              feed_done_d, feed_done_q;
  // Q^/K^ results: row, Q/K select, channel group
  logic [TI-1:0]     res_row_d, res_row_q;
  logic              res_sel_d, res_sel_q;
  logic [DI-1:0]     res_grp_d, res_grp_q;
  logic              res_done_d, res_done_q;
  // topk: key group of the next input beat; row and head of the next keep mask
  logic [DI-1:0]     tk_grp_d, tk_grp_q;
  logic [TI-1:0]     tk_row_d, tk_row_q;
  logic [HW-1:0]     tk_head_d, tk_head_q;
  logic [T_MAX-1:0]  rep_mask_d, rep_mask_q;
  logic [T_MAX-1:0]  kv_mask_d, kv_mask_q;
  logic [31:0]       elem_last;             // element groups per packet - 1
  logic [31:0]       grp_last;              // channel / key groups - 1
  logic              head_last;

  // SPLS buffers
  logic [7:0]        qh_mem   [T_MAX][D_MAX];
  logic [7:0]        kh_mem   [T_MAX][D_MAX];
  logic [T_MAX-1:0]  keep_mem [H_MAX][T_MAX];
  logic [TI-1:0]     rep_mem  [T_MAX];
  logic [T_MAX-1:0]  col_mem  [H_MAX];

  // units
  logic              pr_in_valid, pr_in_ready, pr_in_last;
  logic [PE*8-1:0]   pr_a;
  logic [PL*PE*8-1:0] pr_b;
  logic              pr_out_valid, pr_out_ready;
  logic [PL*32-1:0]  pr_sum;
  logic [PL*8-1:0]   qk_res;                // the Q^/K^ values of a result
  logic              tk_in_valid, tk_in_ready, tk_in_last;
  logic [PL*24-1:0]  tk_data;
  logic              tk_out_valid, tk_out_ready, tk_err;
  logic [T_MAX-1:0]  tk_keep;
  logic              ls_out_valid, ls_kind, ls_err, ls_last;
  logic [TW-1:0]     ls_row, ls_rep;
  logic [$clog2(H_MAX * T_MAX + 1)-1:0] ls_ov;
  logic [T_MAX-1:0]  ls_mask;

  assign pam       = (state_q == PredPam) || (state_q == PredDone);
  assign elem_last = pam ? (HEAD_DIM / PE) - 1 : (32'(cfg_i.hidden) + PE - 1) / PE - 1;
  assign grp_last  = pam ? (32'(cfg_i.seq_len) + PL - 1) / PL - 1 : (32'(cfg_i.hidden) + PL - 1) / PL - 1;
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
    tk_grp_d    = tk_grp_q;
    tk_row_d    = tk_row_q;
    tk_head_d   = tk_head_q;
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
        if (pr_in_valid && pr_in_ready) begin
          if (32'(feed_elem_q) == elem_last) begin
            feed_elem_d = '0;
            if (32'(feed_grp_q) == grp_last) begin
              feed_grp_d = '0;
              feed_sel_d = !feed_sel_q;
              if (feed_sel_q) begin
                if (32'(feed_row_q) == 32'(cfg_i.seq_len) - 1) feed_done_d = 1'b1;
                else feed_row_d = feed_row_q + TI'(1);
              end
            end else begin
              feed_grp_d = feed_grp_q + DI'(1);
            end
          end else begin
            feed_elem_d = feed_elem_q + DI'(1);
          end
        end
        // results: channel group -> Q/K -> row
        if (pr_out_valid && pr_out_ready) begin
          if (32'(res_grp_q) == grp_last) begin
            res_grp_d = '0;
            res_sel_d = !res_sel_q;
            if (res_sel_q) begin
              if (32'(res_row_q) == 32'(cfg_i.seq_len) - 1) res_done_d = 1'b1;
              else res_row_d = res_row_q + TI'(1);
            end
          end else begin
            res_grp_d = res_grp_q + DI'(1);
          end
        end
        if (res_done_q) state_d = PredPamInit;
      end
      PredPamInit: begin
        {feed_row_d, feed_grp_d, feed_head_d, feed_elem_d, feed_done_d} = '0;
        {tk_grp_d, tk_row_d, tk_head_d} = '0;
        state_d = PredPam;
      end
      PredPam: begin
        // feed: element group -> key group -> head -> row
        if (pr_in_valid && pr_in_ready) begin
          if (32'(feed_elem_q) == elem_last) begin
            feed_elem_d = '0;
            if (32'(feed_grp_q) == grp_last) begin
              feed_grp_d = '0;
              if (head_last) begin
                feed_head_d = '0;
                if (32'(feed_row_q) == 32'(cfg_i.seq_len) - 1) feed_done_d = 1'b1;
                else feed_row_d = feed_row_q + TI'(1);
              end else begin
                feed_head_d = feed_head_q + HW'(1);
              end
            end else begin
              feed_grp_d = feed_grp_q + DI'(1);
            end
          end else begin
            feed_elem_d = feed_elem_q + DI'(1);
          end
        end
        if (tk_in_valid && tk_in_ready) begin
          tk_grp_d = (32'(tk_grp_q) == grp_last) ? '0 : tk_grp_q + DI'(1);
        end
        if (tk_out_valid && tk_out_ready) begin
          if (32'(tk_head_q) == 32'(cfg_i.heads) - 1) begin
            tk_head_d = '0;
            tk_row_d  = tk_row_q + TI'(1);
          end else begin
            tk_head_d = tk_head_q + HW'(1);
          end
        end
        if (ls_out_valid && ls_last) state_d = PredDone;
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
    if (ls_out_valid && !ls_err) begin
      if (!ls_kind) begin
        rep_mask_d[TI'(ls_row)] = (ls_rep == ls_row);
      end else begin
        kv_mask_d = kv_mask_q | ls_mask;
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
    tk_grp_q    <= tk_grp_d;
    tk_row_q    <= tk_row_d;
    tk_head_q   <= tk_head_d;
  end

  assign rep_mask_o = rep_mask_q;
  assign kv_mask_o  = kv_mask_q;

  // ---------------------------------------------------------------------------------
  // spls_predict: operands of the current beat
  // ---------------------------------------------------------------------------------
  assign pr_in_valid = (state_q == PredQk || state_q == PredPam) && !feed_done_q;
  assign pr_in_last  = (32'(feed_elem_q) == elem_last);
  assign feeding_o   = pr_in_valid;

  assign x_rd_en_o  = run_i && !pam;
  assign x_rd_sel_o = feed_sel_q;
  assign x_rd_row_o = feed_row_q;
  assign x_rd_k0_o  = 32'(feed_elem_q) * PE;
  assign x_rd_ch0_o = 32'(feed_grp_q) * PL;

  always_comb begin
    logic [DI-1:0] kk;   // channel of the head (PAM)
    logic [31:0]   j;    // key (PAM)
    kk   = '0;
    j    = '0;
    pr_a = '0;
    pr_b = '0;
    if (run_i && !pam) begin
      // Q^/K^: x and the weights from the parameter buffers (zero past the hidden size)
      for (int unsigned e = 0; e < PE; e++) begin
        if (x_rd_k0_o + e < 32'(cfg_i.hidden)) begin                  // input channel
          pr_a[e*8 +: 8] = x_rd_x_i[e*8 +: 8];
          for (int unsigned l = 0; l < PL; l++) begin
            if (x_rd_ch0_o + l < 32'(cfg_i.hidden)) begin              // output channel
              pr_b[(l*PE+e)*8 +: 8] = x_rd_w_i[(l*PE+e)*8 +: 8];
            end
          end
        end
      end
    end else if (run_i) begin
      // PAM: a predicted query of the head against PL predicted keys
      for (int unsigned e = 0; e < PE; e++) begin
        kk = DI'(32'(feed_head_q) * HEAD_DIM + 32'(feed_elem_q) * PE + e);
        pr_a[e*8 +: 8] = qh_mem[feed_row_q][kk];
        for (int unsigned l = 0; l < PL; l++) begin
          j = 32'(feed_grp_q) * PL + l;
          if (j < 32'(cfg_i.seq_len)) begin
            pr_b[(l*PE+e)*8 +: 8] = kh_mem[TI'(j)][kk];
          end
        end
      end
    end
  end

  spls_predict #(.LANES(PL), .ELEMS(PE), .ACC_W(32), .ROUND(1'b0)) u_predict (
    .clk_i,
    .rst_ni      (dp_rst_ni),
    .in_valid_i  (pr_in_valid),
    .in_ready_o  (pr_in_ready),
    .in_a_i      (pr_a),
    .in_b_i      (pr_b),
    .in_last_i   (pr_in_last),
    .out_valid_o (pr_out_valid),
    .out_ready_i (pr_out_ready),
    .out_sum_o   (pr_sum)
  );

  // Q^/K^ results: + bias, shift-only requantization to INT8
  assign par_sel_o = res_sel_q;
  assign par_ch0_o = 32'(res_grp_q) * PL;

  always_comb begin
    for (int unsigned l = 0; l < PL; l++) begin
      logic signed [33:0] s;
      logic signed [33:0] r;
      logic [4:0]         sh;
      sh = par_shift_i[l*5 +: 5];
      s  = 34'($signed(pr_sum[l*32 +: 32])) + 34'($signed(par_bias_i[l*32 +: 32]));
      r  = (sh == '0) ? s : ((s + (34'sd1 <<< (sh - 5'd1))) >>> sh);
      qk_res[l*8 +: 8] = (r > 34'sd127) ? 8'sd127 : (r < -34'sd128) ? -8'sd128 : r[7:0];
    end
  end

  always_ff @(posedge clk_i) begin
    if (pr_out_valid && pr_out_ready && !pam) begin
      for (int unsigned l = 0; l < PL; l++) begin
        if (par_ch0_o + l < D_MAX) begin
          if (res_sel_q) begin
            kh_mem[res_row_q][DI'(par_ch0_o + l)] <= qk_res[l*8 +: 8];
          end else begin
            qh_mem[res_row_q][DI'(par_ch0_o + l)] <= qk_res[l*8 +: 8];
          end
        end
      end
    end
  end

  // ---------------------------------------------------------------------------------
  // PAM rows -> topk -> local_sim
  // ---------------------------------------------------------------------------------
  assign tk_in_valid  = pr_out_valid && pam;
  assign tk_in_last   = (32'(tk_grp_q) == grp_last);
  assign pr_out_ready = pam ? tk_in_ready : 1'b1;

  always_comb begin
    for (int unsigned l = 0; l < PL; l++) begin
      tk_data[l*24 +: 24] = pr_sum[l*32 +: 24];
    end
  end

  topk #(.T_MAX(T_MAX), .LANES(PL), .W(24)) u_topk (
    .clk_i,
    .rst_ni      (dp_rst_ni),
    .in_valid_i  (tk_in_valid),
    .in_ready_o  (tk_in_ready),
    .in_data_i   (tk_data),
    .in_len_i    (TW'(cfg_i.seq_len)),
    .in_k_i      (TW'(cfg_i.topk)),
    .in_last_i   (tk_in_last),
    .out_valid_o (tk_out_valid),
    .out_ready_i (tk_out_ready),
    .out_keep_o  (tk_keep),
    .out_err_o   (tk_err)
  );

  local_sim #(.T_MAX(T_MAX), .H_MAX(H_MAX)) u_local_sim (
    .clk_i,
    .rst_ni         (dp_rst_ni),
    .in_valid_i     (tk_out_valid),
    .in_ready_o     (tk_out_ready),
    .in_mask_i      (tk_keep),
    .in_head_last_i (32'(tk_head_q) == 32'(cfg_i.heads) - 1),
    .in_last_i      (32'(tk_head_q) == 32'(cfg_i.heads) - 1 && 32'(tk_row_q) == 32'(cfg_i.seq_len) - 1),
    .in_window_i    (TW'(cfg_i.window)),
    .in_thr_i       (($clog2(H_MAX * T_MAX + 1))'(cfg_i.thr)),
    .in_heads_i     (($clog2(H_MAX + 2))'(cfg_i.heads)),
    .out_valid_o    (ls_out_valid),
    .out_ready_i    (1'b1),
    .out_kind_o     (ls_kind),
    .out_row_o      (ls_row),
    .out_rep_o      (ls_rep),
    .out_overlap_o  (ls_ov),
    .out_mask_o     (ls_mask),
    .out_err_o      (ls_err),
    .out_last_o     (ls_last)
  );

  // keep masks, reuse map and column-needed masks
  always_ff @(posedge clk_i) begin
    if (tk_out_valid && tk_out_ready) begin
      keep_mem[HI'(tk_head_q)][tk_row_q] <= tk_keep;
    end
    if (ls_out_valid && !ls_err) begin
      if (!ls_kind) begin
        rep_mem[TI'(ls_row)] <= TI'(ls_rep);
      end else begin
        col_mem[HI'(ls_row)] <= ls_mask;
      end
    end
  end

  logic unused_pred;
  assign unused_pred = ^{tk_err, ls_ov, cfg_i};  // (the engine reads some fields of cfg_i)

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
            if (i < 32'(cfg_i.seq_len)) dump_data_o[b*8 +: 8] = 8'(cfg_i.sparse ? rep_mem[TI'(i)] : TI'(i));
          end
          DumpCol: if (b < T_MAX / 8) dump_data_o[b*8 +: 8] = cfg_i.sparse ? col_mem[HI'(dump_row_i)][b*8 +: 8]
                                                                           : 8'hff;
          DumpKeep: if (b < T_MAX / 8) dump_data_o[b*8 +: 8] =
                        keep_mem[HI'(32'(dump_row_i) / 32'(cfg_i.seq_len))]
                                [TI'(32'(dump_row_i) % 32'(cfg_i.seq_len))][b*8 +: 8];
          DumpQh: if (col < D_MAX) dump_data_o[b*8 +: 8] = qh_mem[TI'(dump_row_i)][DI'(col)];
          DumpKh: if (col < D_MAX) dump_data_o[b*8 +: 8] = kh_mem[TI'(dump_row_i)][DI'(col)];
          default: ;  // the activation buffers: esact_act_buf
        endcase
      end
    end
  end

endmodule
