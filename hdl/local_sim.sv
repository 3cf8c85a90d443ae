// Copyright ESACT verification project contributors.
// SPDX-License-Identifier: Apache-2.0
//
// local_sim: SPLS local-similarity / reuse unit (golden model: models/spls.py,
// local_similarity and column_mask).
//
// Input packet (one sequence): for every row i = 0..T-1 and head h = 0..H-1 one beat
// with the top-k keep mask of (h, i) (bit j = column j); in_head_last_i marks the last
// head of a row, in_last_i the last beat of the sequence.  in_window_i (W), in_thr_i
// (integer overlap threshold ceil(tau*H*k)) and in_heads_i (H) come with the first beat.
//
// Rows are scanned in order with a current representative r (row 0 first): row i
// reuses r when i - r < W and ov(i, r) = sum_h popcount(keep[h,i] & keep[h,r]) >= thr;
// otherwise i becomes the representative.  The column-needed mask of head h is the
// OR of keep[h, r] over the representatives.
//
// Output stream: per row one beat (kind 0: row index, representative, overlap), then
// H beats (kind 1: head index, column-needed mask), out_last_o on the final one.
// Illegal sequences (W = 0, H = 0 or > H_MAX, more than T_MAX rows, a row whose beat
// count differs from H) give a single beat with out_err_o = 1 once the packet ends.

module local_sim #(
  parameter int unsigned T_MAX = 128,
  parameter int unsigned H_MAX = 12,
  localparam int unsigned IdxW = $clog2(T_MAX + 1),
  localparam int unsigned HW   = $clog2(H_MAX + 2),  // room for an illegal H_MAX + 1
  localparam int unsigned OvW  = $clog2(H_MAX * T_MAX + 1),
  localparam int unsigned HI   = (H_MAX > 1) ? $clog2(H_MAX) : 1
) (
  input  logic              clk_i,
  input  logic              rst_ni,

  input  logic              in_valid_i,
  output logic              in_ready_o,
  input  logic [T_MAX-1:0]  in_mask_i,
  input  logic              in_head_last_i,
  input  logic              in_last_i,
  input  logic [IdxW-1:0]   in_window_i,
  input  logic [OvW-1:0]    in_thr_i,
  input  logic [HW-1:0]     in_heads_i,

  output logic              out_valid_o,
  input  logic              out_ready_i,
  output logic              out_kind_o,
  output logic [IdxW-1:0]   out_row_o,
  output logic [IdxW-1:0]   out_rep_o,
  output logic [OvW-1:0]    out_overlap_o,
  output logic [T_MAX-1:0]  out_mask_o,
  output logic              out_err_o,
  output logic              out_last_o
);

  typedef enum logic [1:0] {Rows, Cols, Err} state_e;

  state_e            state_d, state_q;
  logic [T_MAX-1:0]  rep_mask_q [H_MAX];
  logic [T_MAX-1:0]  row_mask_q [H_MAX];
  logic [T_MAX-1:0]  col_q [H_MAX];
  logic              first_d, first_q;       // next beat starts a sequence
  logic              err_d, err_q;
  logic [IdxW-1:0]   window_d, window_q;
  logic [OvW-1:0]    thr_d, thr_q;
  logic [HW-1:0]     heads_d, heads_q;
  logic [IdxW-1:0]   row_d, row_q;           // index of the row being received
  logic [HW-1:0]     head_d, head_q;         // heads received in this row
  logic [IdxW-1:0]   rep_d, rep_q;           // current representative
  logic [OvW-1:0]    ov_d, ov_q;             // overlap accumulated over the row
  logic [HW-1:0]     col_idx_d, col_idx_q;   // column-mask beat being emitted
  // output register: the beat loaded and the register's state
  logic              out_free;
  logic              out_load;
  logic              out_kind;
  logic [IdxW-1:0]   out_row;
  logic [IdxW-1:0]   out_rep;
  logic [OvW-1:0]    out_ov;
  logic [T_MAX-1:0]  out_mask;
  logic              out_err;
  logic              out_last;
  logic              out_last_q;

  logic              accept;
  logic [HW-1:0]     heads_cur;
  logic [IdxW-1:0]   window_cur;
  logic [OvW-1:0]    pop;
  logic [OvW-1:0]    ov_row;
  logic              cfg_bad;
  logic              reuse;
  logic              new_rep;        // the completed row becomes the representative
  logic [HW-1:0]     cur_head;       // head index of the beat being accepted

  // a new input beat is taken only in the row phase and when its result (if the beat
  // completes a row) can be written to the output register
  assign in_ready_o = (state_q == Rows) && out_free;
  assign accept     = in_valid_i && in_ready_o;

  assign heads_cur  = first_q ? in_heads_i : heads_q;
  assign cur_head   = first_q ? '0 : head_q;
  assign window_cur = first_q ? in_window_i : window_q;
  assign cfg_bad    = (window_cur == '0) || (heads_cur == '0) || (32'(heads_cur) > H_MAX);

  // overlap of this beat's mask with the representative's mask of the same head
  always_comb begin
    pop = (32'(cur_head) < H_MAX) ? OvW'($countones(in_mask_i & rep_mask_q[HI'(cur_head)])) : '0;
    ov_row = (first_q || head_q == '0 ? '0 : ov_q) + pop;
  end

  // reuse decision for a completed row (row 0 is always a representative)
  assign reuse = !first_q && (row_q != '0) && ((row_q - rep_q) < window_q) && (ov_row >= thr_q);

  always_comb begin
    state_d   = state_q;
    new_rep   = 1'b0;
    first_d   = first_q;
    err_d     = err_q;
    window_d  = window_q;
    thr_d     = thr_q;
    heads_d   = heads_q;
    row_d     = row_q;
    head_d    = head_q;
    rep_d     = rep_q;
    ov_d      = ov_q;
    col_idx_d = col_idx_q;
    out_load  = 1'b0;
    out_kind  = 1'b0;
    out_row   = '0;
    out_rep   = '0;
    out_ov    = '0;
    out_mask  = '0;
    out_err   = 1'b0;
    out_last  = 1'b0;
    unique case (state_q)
      Rows: begin
        if (accept) begin
          if (first_q) begin
            window_d = in_window_i;
            thr_d    = in_thr_i;
            heads_d  = in_heads_i;
            err_d    = cfg_bad;
            row_d    = '0;
            head_d   = '0;
            rep_d    = '0;
          end
          first_d = in_last_i;
          ov_d   = ov_row;
          head_d = (first_q ? '0 : head_q) + HW'(1);
          if (!first_q && 32'(head_q) >= H_MAX) begin
            err_d = 1'b1;  // more beats in a row than heads exist
          end
          if (in_head_last_i || in_last_i) begin
            // row complete
            if (head_d != heads_cur || !in_head_last_i || 32'(first_q ? '0 : row_q) >= T_MAX) begin
              err_d = 1'b1;
            end
            head_d = '0;
            if (!err_d) begin
              if (reuse) begin
                out_rep = rep_q;
              end else begin
                out_rep = first_q ? '0 : row_q;
                rep_d   = first_q ? '0 : row_q;
                new_rep = 1'b1;
              end
              out_load = 1'b1;
              out_row  = first_q ? '0 : row_q;
              out_ov   = (first_q || (first_q ? '0 : row_q) == '0) ? '0 : ov_row;
            end
            row_d = (first_q ? '0 : row_q) + IdxW'(1);
          end
          if (in_last_i) begin
            col_idx_d = '0;
            state_d   = err_d ? Err : Cols;
          end
        end
      end
      Cols: begin
        if (out_free) begin
          out_load = 1'b1;
          out_kind = 1'b1;
          out_row  = IdxW'(col_idx_q);
          for (int unsigned h = 0; h < H_MAX; h++) begin
            if (HW'(h) == col_idx_q) begin
              out_mask = col_q[h];
            end
          end
          out_last  = (col_idx_q == heads_q - HW'(1));
          col_idx_d = col_idx_q + HW'(1);
          if (col_idx_q == heads_q - HW'(1)) begin
            state_d = Rows;
          end
        end
      end
      Err: begin
        if (out_free) begin
          out_load = 1'b1;
          out_err  = 1'b1;
          out_last = 1'b1;
          state_d  = Rows;
        end
      end
      default: state_d = Rows;
    endcase
  end

  // mask storage, written directly (memory style): the current row's masks, the
  // representative's masks, and the column-needed masks (OR over representatives)
  always_ff @(posedge clk_i) begin
    if (state_q == Rows && accept) begin
      if (first_q) begin
        for (int unsigned h = 0; h < H_MAX; h++) begin
          col_q[h]      <= '0;
          rep_mask_q[h] <= '0;
        end
      end
      if (32'(cur_head) < H_MAX) begin
        row_mask_q[HI'(cur_head)] <= in_mask_i;
      end
      if (new_rep) begin
        for (int unsigned h = 0; h < H_MAX; h++) begin
          if (32'(h) < 32'(heads_cur)) begin
            // the new representative's masks: this row's (current beat included)
            rep_mask_q[h] <= (HW'(h) == cur_head) ? in_mask_i : row_mask_q[h];
            col_q[h]      <= (first_q ? '0 : col_q[h]) | ((HW'(h) == cur_head) ? in_mask_i : row_mask_q[h]);
          end
        end
      end
    end
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      state_q  <= Rows;
      first_q  <= 1'b1;
      err_q    <= 1'b0;
    end else begin
      state_q  <= state_d;
      first_q  <= first_d;
      err_q    <= err_d;
    end
  end

  always_ff @(posedge clk_i) begin
    window_q   <= window_d;
    thr_q      <= thr_d;
    heads_q    <= heads_d;
    row_q      <= row_d;
    head_q     <= head_d;
    rep_q      <= rep_d;
    ov_q       <= ov_d;
    col_idx_q  <= col_idx_d;
  end

  esact_stream_reg #(.Width(2*IdxW+OvW+T_MAX+3)) u_out_reg (
    .clk_i,
    .rst_ni,
    .free_o  (out_free),
    .load_i  (out_load),
    .data_i  ({out_kind, out_row, out_rep, out_ov, out_mask, out_err, out_last}),
    .valid_o (out_valid_o),
    .ready_i (out_ready_i),
    .data_o  ({out_kind_o, out_row_o, out_rep_o, out_overlap_o, out_mask_o, out_err_o, out_last_q})
  );

  assign out_last_o = out_valid_o && out_last_q;  // last only with valid

endmodule
