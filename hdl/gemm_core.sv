// Copyright ESACT verification project contributors.
// SPDX-License-Identifier: Apache-2.0
//
// gemm_core: INT8 GEMM engine with masked-row, masked-column-tile and masked-k skipping
// (golden model: an exact integer matrix product, models/quant.py imatmul, over the
// unmasked operands; tb/gemm/gemm_scoreboard.py gives the tile order).
//
//   C[m, n] = sum_{k selected} A[m, k] * B[k, n]   for selected rows m and column tiles
//
// A PE_R x PE_C array of multiply-accumulate PEs (INT32 accumulators) computes one
// output tile at a time, output-stationary: each cycle every PE takes one A value of
// its row and one B value of its column.  A row tile holds the next PE_R *selected*
// rows (row_mask), so masked rows cost nothing; column tiles (PE_C columns) whose bit
// in ctile_mask is clear are skipped; k steps whose bit in k_mask is clear are skipped.
// The accumulators are double-buffered: a finished tile drains (one beat per row)
// while the next one accumulates, so the array does one MAC per PE per cycle in
// steady state whenever a tile has at least PE_R selected k steps.
//
// Dense GEMM: all masks set.  Sparse QKV/FFN generation: row_mask = rows to compute.
// SDDMM (Q K^T at kept positions): rows = representative queries, B = K^T,
// ctile_mask/k... from the kept sets.  SpMM (P V over kept entries): A = P (unsigned,
// a_unsigned = 1), k_mask = kept keys.
//
// Operands are read through combinational ports: A (PE_R row indices and one k; one
// byte per PE row back) and B (one k and one column tile; PE_C bytes back), so the
// engine works on any buffer organisation (gemm.sv: local memories; esact_top: the
// layer buffers).  A job is one command beat; its output packet
// has one beat per computed (row, column tile) with the row index, the tile index and
// PE_C INT32 results, out_last_o on the final beat.  A job that computes nothing
// gives one beat with out_none_o = 1; illegal dimensions (0 or above the maxima) one
// beat with out_err_o = 1.

module gemm_core #(
  parameter int unsigned PE_R  = 8,
  parameter int unsigned PE_C  = 8,
  parameter int unsigned M_MAX = 32,
  parameter int unsigned N_MAX = 32,
  parameter int unsigned K_MAX = 64,
  localparam int unsigned MW   = $clog2(M_MAX + 1),
  localparam int unsigned NW   = $clog2(N_MAX + 1),
  localparam int unsigned KW   = $clog2(K_MAX + 1),
  localparam int unsigned NT   = N_MAX / PE_C,            // column tiles
  localparam int unsigned TW   = $clog2(NT + 1),
  localparam int unsigned AIdxW   = $clog2(M_MAX),
  localparam int unsigned KIdxW   = $clog2(K_MAX),
  localparam int unsigned TIdxW   = (NT > 1) ? $clog2(NT) : 1,
  localparam int unsigned MacW    = $clog2(PE_R * PE_C + 1)
) (
  input  logic                  clk_i,
  input  logic                  rst_ni,

  // operand read ports (combinational: data in the same cycle)
  output logic [PE_R*AIdxW-1:0] a_rd_row_o,   // A rows of the PE rows
  output logic [KIdxW-1:0]      a_rd_k_o,
  input  logic [PE_R*8-1:0]     a_rd_data_i,
  output logic [KIdxW-1:0]      b_rd_k_o,
  output logic [TIdxW-1:0]      b_rd_tile_o,
  input  logic [PE_C*8-1:0]     b_rd_data_i,
  output logic                  busy_o,       // a job is running (operands must hold)
  output logic [MacW-1:0]       macs_o,       // useful MACs performed this cycle

  // job command stream
  input  logic                  cmd_valid_i,
  output logic                  cmd_ready_o,
  input  logic [MW-1:0]         cmd_m_i,
  input  logic [NW-1:0]         cmd_n_i,
  input  logic [KW-1:0]         cmd_k_i,
  input  logic                  cmd_a_unsigned_i,
  input  logic [M_MAX-1:0]      cmd_row_mask_i,
  input  logic [NT-1:0]         cmd_ctile_mask_i,
  input  logic [K_MAX-1:0]      cmd_k_mask_i,

  // result stream
  output logic                  out_valid_o,
  input  logic                  out_ready_i,
  output logic [MW-1:0]         out_row_o,
  output logic [TW-1:0]         out_ctile_o,
  output logic [PE_C*32-1:0]    out_data_o,
  output logic                  out_none_o,
  output logic                  out_err_o,
  output logic                  out_last_o
);

  typedef enum logic [1:0] {Idle, Run, Flush, Finish} state_e;

  // declared first: used by the load, command and issue logic below
  state_e       state_d, state_q;
  logic         drain_q;              // a finished tile is being emitted
  logic         drain_busy;
  logic         drain_busy_next;      // ... and will still be after this cycle

  // ------------------------------------------------------------------ job state
  logic [MW-1:0]       m_q, m_d;
  logic [NW-1:0]       n_q, n_d;
  logic [KW-1:0]       k_q, k_d;
  logic                aus_q, aus_d;
  logic [NT-1:0]       ctm_q, ctm_d;     // selected column tiles (masked by N)
  logic [K_MAX-1:0]    km_q, km_d;       // selected k steps (masked by K)
  logic [MW-1:0]       rows_q [M_MAX];   // selected row indices, in order
  logic [M_MAX-1:0]    sel_rows;         // rows the command selects (mask within M)
  logic [MW-1:0]       nrows_q, nrows_d; // number of selected rows
  logic                km_all_q, km_all_d;    // every k < K is selected
  logic                ctm_all_q, ctm_all_d;  // every column tile within N is selected
  logic [MW-1:0]       rt_q, rt_d;       // first list entry of the current row tile
  logic [TW-1:0]       ct_q, ct_d;       // current column tile
  logic [KW-1:0]       kk_q, kk_d;       // current k step
  logic                tile_first_q, tile_first_d;
  logic                cmd_accept;
  logic                cmd_bad;

  // next selected k at or after a position, and the first selected column tile
  // (a priority encoder scanned from the top, single exit: the lowest match wins)
  function automatic logic [KW:0] next_k(logic [K_MAX-1:0] mask, logic [KW-1:0] from);
    next_k = {1'b1, KW'(0)};  // none
    for (int i = K_MAX - 1; i >= 0; i--) begin
      if (KW'(i) >= from && mask[i]) begin
        next_k = {1'b0, KW'(i)};
      end
    end
  endfunction

  function automatic logic [TW:0] next_ct(logic [NT-1:0] mask, logic [TW-1:0] from);
    next_ct = {1'b1, TW'(0)};  // none
    for (int i = NT - 1; i >= 0; i--) begin
      if (TW'(i) >= from && mask[i]) begin
        next_ct = {1'b0, TW'(i)};
      end
    end
  endfunction

  assign cmd_ready_o = (state_q == Idle) && !out_valid_o && !drain_busy;
  assign cmd_accept  = cmd_valid_i && cmd_ready_o;
  assign cmd_bad     = (cmd_m_i == '0) || (32'(cmd_m_i) > M_MAX) || (cmd_n_i == '0) ||
                       (32'(cmd_n_i) > N_MAX) || (cmd_k_i == '0) || (32'(cmd_k_i) > K_MAX);

  // ------------------------------------------------------------------ issue stage
  // One issue per cycle in Run: operands of (row tile, column tile, k) into the pipe.
  logic                issue;            // an operand step enters the pipe this cycle
  logic                stall;            // the pipe cannot take a tile-ending step
  logic [KW:0]         k_here;           // current k step (or none)
  logic [KW:0]         k_after;          // next selected k after the current one
  logic [TW:0]         ct_after;
  logic                tile_last;        // this issue is the final k step of the tile
  logic                job_last;         // ... of the final tile of the job
  // first list entry of the next row tile, in 32 bits: rt_q + PE_R passes 2**MW when
  // M_MAX is not a multiple of PE_R (M_MAX 3, PE_R 2: 2 + 2 wrapped to row tile 0, and
  // the job restarted its rows forever; gemm_core_assert RowTileAdvances_A)
  logic [31:0]         rt_next;
  logic                any_tile;

  // pipe register (operands of one k step)
  logic                p_valid_q;
  logic                p_first_q, p_last_q, p_job_last_q;
  logic                p_empty_q;        // a tile with no selected k step (zero result)
  logic [PE_R*9-1:0]   p_a_q;
  logic [PE_C*8-1:0]   p_b_q;
  logic [MW-1:0]       p_rt_q;
  logic [TW-1:0]       p_ct_q;
  logic [MacW-1:0]     p_macs_q;         // valid rows x valid columns of this step
  logic [MacW-1:0]     step_macs;
  logic [31:0]         step_rows, step_cols;

  always_comb begin
    // dense masks (every step within K / N selected, the common case) need no search
    if (km_all_q) begin
      k_here  = tile_first_q ? '0 : {1'b0, kk_q};
      k_after = (k_here[KW-1:0] + KW'(1) < k_q) ? {1'b0, k_here[KW-1:0] + KW'(1)} : {1'b1, KW'(0)};
    end else begin
      k_here  = tile_first_q ? next_k(km_q, '0) : {1'b0, kk_q};
      k_after = next_k(km_q, k_here[KW-1:0] + KW'(1));
      if (k_here[KW-1:0] == KW'(K_MAX - 1)) begin
        k_after = {1'b1, KW'(0)};
      end
    end
    tile_last = k_here[KW] || k_after[KW];
    if (ctm_all_q) begin
      ct_after = (32'(ct_q) + 1 < (32'(n_q) + PE_C - 1) / PE_C) ? {1'b0, ct_q + TW'(1)} : {1'b1, TW'(0)};
    end else begin
      ct_after = next_ct(ctm_q, ct_q + TW'(1));
      if (32'(ct_q) == NT - 1) begin
        ct_after = {1'b1, TW'(0)};
      end
    end
    rt_next   = 32'(rt_q) + PE_R;
    job_last  = tile_last && ct_after[TW] && (rt_next >= 32'(nrows_q));
  end

  // the pipe register is free unless it holds a tile end the drain cannot take yet
  assign stall = p_valid_q && p_last_q && drain_busy_next;
  assign issue = (state_q == Run) && !stall;

  always_comb begin
    state_d      = state_q;
    m_d          = m_q;
    n_d          = n_q;
    k_d          = k_q;
    aus_d        = aus_q;
    ctm_d        = ctm_q;
    km_d         = km_q;
    nrows_d      = nrows_q;
    km_all_d     = km_all_q;
    ctm_all_d    = ctm_all_q;
    rt_d         = rt_q;
    ct_d         = ct_q;
    kk_d         = kk_q;
    tile_first_d = tile_first_q;
    any_tile     = 1'b0;
    unique case (state_q)
      Idle: begin
        if (cmd_accept) begin
          m_d   = cmd_m_i;
          n_d   = cmd_n_i;
          k_d   = cmd_k_i;
          aus_d = cmd_a_unsigned_i;
          for (int unsigned t = 0; t < NT; t++) begin
            ctm_d[t] = cmd_ctile_mask_i[t] && (32'(t) * PE_C < 32'(cmd_n_i));
          end
          for (int unsigned i = 0; i < K_MAX; i++) begin
            km_d[i] = cmd_k_mask_i[i] && (32'(i) < 32'(cmd_k_i));
          end
          km_all_d  = 1'b1;
          for (int unsigned i = 0; i < K_MAX; i++) begin
            if (32'(i) < 32'(cmd_k_i) && !cmd_k_mask_i[i]) km_all_d = 1'b0;
          end
          ctm_all_d = 1'b1;
          for (int unsigned t = 0; t < NT; t++) begin
            if (32'(t) * PE_C < 32'(cmd_n_i) && !cmd_ctile_mask_i[t]) ctm_all_d = 1'b0;
          end
          nrows_d = MW'($countones(sel_rows));
          rt_d         = '0;
          ct_d         = next_ct(ctm_d, '0)[TW-1:0];
          tile_first_d = 1'b1;
          any_tile     = (nrows_d != '0) && !next_ct(ctm_d, '0)[TW];
          state_d      = cmd_bad ? Finish : (any_tile ? Run : Finish);
        end
      end
      Run: begin
        if (issue) begin
          if (tile_last) begin
            tile_first_d = 1'b1;
            if (!ct_after[TW]) begin
              ct_d = ct_after[TW-1:0];
            end else begin
              ct_d = next_ct(ctm_q, '0)[TW-1:0];
              rt_d = MW'(rt_next);  // < nrows_q (not the job's last tile)
            end
            if (job_last) begin
              state_d = Flush;
            end
          end else begin
            tile_first_d = 1'b0;
            kk_d         = k_after[KW-1:0];
          end
        end
      end
      Flush: begin
        // wait until the final tile has left the pipe and the drain
        if (!p_valid_q && !drain_busy && !out_valid_o) begin
          state_d = Idle;
        end
      end
      Finish: begin
        // the single error / "none" beat has been written to the output register
        if (!out_valid_o) begin
          state_d = Idle;
        end
      end
      default: state_d = Idle;
    endcase
  end

  // operand fetch for the issue
  logic [PE_R*9-1:0] a_vec;
  logic [PE_C*8-1:0] b_vec;

  function automatic logic [8:0] a_ext(logic [7:0] v, logic uns);
    return uns ? {1'b0, v} : {v[7], v};
  endfunction

  logic [PE_C*8-1:0] b_word;
  logic [PE_C*8-1:0] b_colmask;  // columns beyond N read as zero

  always_comb begin
    for (int unsigned r = 0; r < PE_R; r++) begin
      a_rd_row_o[r*AIdxW +: AIdxW] = AIdxW'(rows_q[AIdxW'(32'(rt_q) + r)]);
    end
  end
  assign a_rd_k_o    = KIdxW'(k_here[KW-1:0]);
  assign b_rd_k_o    = KIdxW'(k_here[KW-1:0]);
  assign b_rd_tile_o = TIdxW'(ct_q);
  assign busy_o      = (state_q != Idle);

  always_comb begin
    a_vec = '0;
    for (int unsigned r = 0; r < PE_R; r++) begin
      if (32'(rt_q) + r < 32'(nrows_q) && !k_here[KW]) begin
        a_vec[r*9 +: 9] = a_ext(a_rd_data_i[r*8 +: 8], aus_q);
      end
    end
  end

  always_comb begin
    for (int unsigned c = 0; c < PE_C; c++) begin
      b_colmask[c*8 +: 8] = (32'(ct_q) * PE_C + c < 32'(n_q)) ? 8'hff : 8'h00;
    end
  end

  assign b_word = b_rd_data_i;
  assign b_vec  = k_here[KW] ? '0 : (b_word & b_colmask);

  always_comb begin
    for (int unsigned i = 0; i < M_MAX; i++) begin
      sel_rows[i] = cmd_row_mask_i[i] && (32'(i) < 32'(cmd_m_i));
    end
  end

  // the list of selected rows, built when a command is accepted (memory style)
  always_ff @(posedge clk_i) begin
    if (state_q == Idle && cmd_accept) begin
      logic [MW-1:0] n;
      n = '0;
      for (int unsigned i = 0; i < M_MAX; i++) begin
        if (sel_rows[i]) begin
          rows_q[AIdxW'(n)] <= MW'(i);
          n = n + MW'(1);
        end
      end
    end
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      p_valid_q <= 1'b0;
    end else if (!stall) begin
      p_valid_q <= issue;
    end
  end

  always_comb begin
    step_rows = (32'(nrows_q) - 32'(rt_q) < PE_R) ? 32'(nrows_q) - 32'(rt_q) : PE_R;
    step_cols = (32'(n_q) - 32'(ct_q) * PE_C < PE_C) ? 32'(n_q) - 32'(ct_q) * PE_C : PE_C;
    step_macs = k_here[KW] ? '0 : MacW'(step_rows * step_cols);
  end

  always_ff @(posedge clk_i) begin
    if (!stall) begin
      p_macs_q     <= step_macs;
      p_first_q    <= tile_first_q;
      p_last_q     <= tile_last;
      p_job_last_q <= job_last;
      p_empty_q    <= k_here[KW];
      p_a_q        <= a_vec;
      p_b_q        <= b_vec;
      p_rt_q       <= rt_q;
      p_ct_q       <= ct_q;
    end
  end

  // ------------------------------------------------------------------ PE array
  logic [31:0] acc_q [PE_R][PE_C];
  logic [31:0] mac   [PE_R][PE_C];
  logic        pe_go;

  assign pe_go  = p_valid_q && !stall;
  assign macs_o = pe_go ? p_macs_q : '0;

  always_comb begin
    for (int unsigned r = 0; r < PE_R; r++) begin
      for (int unsigned c = 0; c < PE_C; c++) begin
        logic signed [17:0] prod;
        prod = 18'($signed(p_a_q[r*9 +: 9])) * 18'($signed(p_b_q[c*8 +: 8]));
        mac[r][c] = (p_first_q ? 32'd0 : acc_q[r][c]) + (p_empty_q ? 32'd0 : 32'($signed(prod)));
      end
    end
  end

  always_ff @(posedge clk_i) begin
    if (pe_go) begin
      acc_q <= mac;
    end
  end

  // ------------------------------------------------------------------ drain
  logic [31:0]  res_q [PE_R][PE_C];
  logic [MW-1:0] d_rt_q;
  logic [TW-1:0] d_ct_q;
  logic          d_job_last_q;
  logic [MW-1:0] d_row_q;               // next row of the tile to emit
  logic          d_load;                // a tile ends in the PE array this cycle
  logic          d_step;                // a drain beat goes to the output register
  logic          d_end;                 // that beat is the tile's last
  logic [MW-1:0] d_rows;                // rows in the draining tile

  // output register: the beat loaded (a drain row, or the single error / "none" beat)
  logic               out_free;
  logic               out_load;
  logic [MW-1:0]      out_row;
  logic [PE_C*32-1:0] out_data;
  logic               out_last;
  logic               out_last_q;

  assign drain_busy = drain_q;
  assign d_rows     = ((32'(nrows_q) - 32'(d_rt_q)) < PE_R) ? MW'(32'(nrows_q) - 32'(d_rt_q)) : MW'(PE_R);
  assign d_step     = drain_q && out_free;
  assign d_end      = d_step && (d_row_q == d_rows - MW'(1));
  assign drain_busy_next = drain_q && !d_end;
  assign d_load     = pe_go && p_last_q;

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      drain_q <= 1'b0;
    end else if (d_load) begin
      drain_q <= 1'b1;
    end else if (d_end) begin
      drain_q <= 1'b0;
    end
  end

  always_ff @(posedge clk_i) begin
    if (d_load) begin
      res_q        <= mac;
      d_rt_q       <= p_rt_q;
      d_ct_q       <= p_ct_q;
      d_job_last_q <= p_job_last_q;
      d_row_q      <= '0;
    end else if (d_step) begin
      d_row_q <= d_row_q + MW'(1);
    end
  end

  // a drain beat: row d_row_q of the draining tile; a job that computes nothing or is
  // illegal: its single beat (out_none_o / out_err_o) when the command is accepted
  assign out_load = d_step || (cmd_accept && (cmd_bad || !any_tile));
  assign out_row  = rows_q[AIdxW'(32'(d_rt_q) + 32'(d_row_q))];
  assign out_last = d_job_last_q && (d_row_q == d_rows - MW'(1));

  always_comb begin
    out_data = '0;
    for (int unsigned r = 0; r < PE_R; r++) begin
      if (MW'(r) == d_row_q) begin
        for (int unsigned c = 0; c < PE_C; c++) begin
          out_data[c*32 +: 32] = res_q[r][c];
        end
      end
    end
  end

  esact_stream_reg #(.Width(MW+TW+PE_C*32+3)) u_out_reg (
    .clk_i,
    .rst_ni,
    .free_o  (out_free),
    .load_i  (out_load),
    .data_i  (d_step ? {out_row, d_ct_q, out_data, 1'b0, 1'b0, out_last}
                     : {MW'(0), TW'(0), (PE_C*32)'(0), !cmd_bad, cmd_bad, 1'b1}),
    .valid_o (out_valid_o),
    .ready_i (out_ready_i),
    .data_o  ({out_row_o, out_ctile_o, out_data_o, out_none_o, out_err_o, out_last_q})
  );

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      state_q <= Idle;
    end else begin
      state_q <= state_d;
    end
  end

  always_ff @(posedge clk_i) begin
    m_q          <= m_d;
    n_q          <= n_d;
    k_q          <= k_d;
    aus_q        <= aus_d;
    ctm_q        <= ctm_d;
    km_q         <= km_d;
    nrows_q      <= nrows_d;
    km_all_q     <= km_all_d;
    ctm_all_q    <= ctm_all_d;
    rt_q         <= rt_d;
    ct_q         <= ct_d;
    kk_q         <= kk_d;
    tile_first_q <= tile_first_d;
  end

  assign out_last_o = out_valid_o && out_last_q;  // last only with valid

endmodule
