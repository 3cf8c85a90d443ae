// Copyright ESACT verification project contributors.
// SPDX-License-Identifier: Apache-2.0
//
// esact_top_assert (bound: esact_top.sv itself is not edited here): the port rules of
// the load stream, the output stream and the APB port, and the controller's invariants:
// legal stage, loads only while idle, the configuration latched at start stable for the
// whole run, one row at a time in softmax and LayerNorm (a stage never started while its
// engine is busy), write indices of the keep-mask, reuse-map, column-mask, probability
// and LayerNorm buffers inside the configured sizes (checked in the cycle of the
// write, before the index could wrap), no datapath unit reporting an error for a legal
// configuration, and the output row inside the sequence.
// The output stream's out_last_o is decoded from the row/word counters and is not gated
// by out_valid_o, so LastOnlyWithValid does not apply to it (LastGated = 0).

// checker code is not part of the RTL's code coverage
/* verilator coverage_off */

`include "prim_assert.svh"

module esact_top_assert #(
  parameter int unsigned T_MAX    = 128,
  parameter int unsigned D_MAX    = 384,
  parameter int unsigned H_MAX    = 12,
  parameter int unsigned PE_C     = 8,
  localparam int unsigned LdW     = 512,
  localparam int unsigned TW      = $clog2(T_MAX + 1),
  localparam int unsigned TI      = $clog2(T_MAX),
  localparam int unsigned OI      = $clog2(H_MAX * T_MAX),
  localparam int unsigned DI      = $clog2(D_MAX),
  localparam int unsigned HW      = $clog2(H_MAX + 1),
  localparam int unsigned OvW     = $clog2(H_MAX * T_MAX + 1)
) (
  input logic               clk_i,
  input logic               rst_ni,
  input logic               psel_i,
  input logic               penable_i,
  input logic               pwrite_i,
  input logic [6:0]         paddr_i,
  input logic [31:0]        pwdata_i,
  input logic [3:0]         pstrb_i,
  input logic               pready_o,
  input logic [31:0]        prdata_o,
  input logic               pslverr_o,
  input logic               ld_valid_i,
  input logic               ld_ready_o,
  input logic [31:0]        ld_addr_i,
  input logic [LdW-1:0]     ld_data_i,
  input logic               out_valid_o,
  input logic               out_ready_i,
  input logic [LdW-1:0]     out_data_o,
  input logic [7:0]         out_tag_o,
  input logic               out_last_o,
  input logic               irq_o,
  // controller
  input logic [3:0]         stage_q,
  input logic               busy,
  input logic               abort_q,
  input logic [15:0]        cfg_t, cfg_d, cfg_f,
  input logic [TW-1:0]      cfg_k,
  input logic [7:0]         cfg_h,
  input logic [TW-1:0]      cfg_w,
  input logic [OvW-1:0]     cfg_thr,
  input logic               cfg_sparse, cfg_ffn_reuse, cfg_overlap,
  input logic [14:0]        cfg_sm_mult,
  input logic [5:0]         cfg_sm_shift,
  input logic [17:0]        cfg_qb,
  input logic [31:0]        cfg_qc,
  input logic [3:0]         cfg_gf1, cfg_gf2,
  // prediction path
  input logic               tk_out_valid, tk_out_ready, tk_err,
  input logic [TI-1:0]      tk_row,
  input logic [HW-1:0]      tk_h,
  input logic               ls_out_valid, ls_kind, ls_err,
  input logic [TW-1:0]      ls_row, ls_rep,
  input logic               pr_in_valid,
  input logic               g_busy,
  // softmax / LayerNorm feeders
  input logic               sm_in_valid, sm_in_ready, sm_busy, sm_out_valid, sm_out_err,
  input logic [DI-1:0]      sf_c, sc_c,
  input logic [TI-1:0]      sc_row,
  input logic               ln_in_valid, ln_in_ready, ln_busy, ln_out_valid, ln_out_err,
  input logic [DI-1:0]      lf_c, lc_c,
  input logic [TI-1:0]      lc_row,
  input logic               g_out_valid, g_out_err,
  input logic [OI-1:0]      of_row
);

  localparam logic [3:0] SIdle = 4'd0, SPred = 4'd1, SOut = 4'd8, SDump = 4'd9;

  esact_stream_chk #(.DataW(32+LdW), .Assumed(1'b1)) u_ld_chk (
    .clk_i, .rst_ni, .valid(ld_valid_i), .ready(ld_ready_o), .last(1'b0), .data({ld_addr_i, ld_data_i})
  );
  esact_stream_chk #(.DataW(LdW+8), .HasLast(1'b1), .LastGated(1'b0)) u_out_chk (
    .clk_i, .rst_ni, .valid(out_valid_o), .ready(out_ready_i), .last(out_last_o), .data({out_data_o, out_tag_o})
  );
  esact_apb_chk #(.AddrW(7), .Assumed(1'b1)) u_apb_chk (
    .clk_i, .rst_ni, .psel(psel_i), .penable(penable_i), .pwrite(pwrite_i), .paddr(paddr_i), .pwdata(pwdata_i),
    .pstrb(pstrb_i), .pready(pready_o), .prdata(prdata_o), .pslverr(pslverr_o)
  );

  // the configuration of the running job and its value one cycle earlier
  localparam int unsigned CfgW = 3*16 + 8 + 8 + 8 + 16 + 3 + 15 + 6 + 18 + 32 + 8;
  logic [CfgW-1:0] cfg, cfg_q;
  logic         run_q;
  assign cfg = {cfg_t, cfg_d, cfg_f, 8'(cfg_k), cfg_h, 8'(cfg_w), 16'(cfg_thr), cfg_sparse, cfg_ffn_reuse,
                cfg_overlap, cfg_sm_mult, cfg_sm_shift, cfg_qb, cfg_qc, cfg_gf1, cfg_gf2};
  always_ff @(posedge clk_i) begin
    cfg_q <= cfg;
    if (!rst_ni) run_q <= 1'b0;
    else run_q <= busy && stage_q != SDump;
  end

  logic run, cfg_same;
  assign run      = busy && stage_q != SDump;
  assign cfg_same = cfg == cfg_q;

  `ASSERT(StageLegal_A, stage_q <= SDump, clk_i, rst_ni)
  `ASSERT_IF(LoadOnlyWhenIdle_A, stage_q == SIdle, ld_valid_i && ld_ready_o, clk_i, rst_ni)
  `ASSERT_IF(ConfigStableDuringRun_A, cfg_same, run && run_q, clk_i, rst_ni)
  `ASSERT_IF(SoftmaxOneRowInFlight_A, !sm_busy, sm_in_valid && sm_in_ready && sf_c == '0, clk_i, rst_ni)
  `ASSERT_IF(LnOneRowInFlight_A, !ln_busy, ln_in_valid && ln_in_ready && lf_c == '0, clk_i, rst_ni)
  `ASSERT_IF(KeepWriteInDepth_A, 32'(tk_h) < 32'(cfg_h) && 32'(tk_row) < 32'(cfg_t),
             tk_out_valid && tk_out_ready, clk_i, rst_ni)
  `ASSERT_IF(RepWriteInDepth_A, 32'(ls_row) < 32'(cfg_t) && ls_rep <= ls_row,
             ls_out_valid && !ls_err && !ls_kind, clk_i, rst_ni)
  `ASSERT_IF(ColWriteInDepth_A, 32'(ls_row) < 32'(cfg_h), ls_out_valid && !ls_err && ls_kind, clk_i, rst_ni)
  `ASSERT_IF(ProbWriteInRow_A, 32'(sc_row) < 32'(cfg_t) && 32'(sc_c) * PE_C < 32'(cfg_t),
             sm_out_valid && !sm_out_err, clk_i, rst_ni)
  `ASSERT_IF(LnWriteInRow_A, 32'(lc_row) < 32'(cfg_t) && 32'(lc_c) * PE_C < 32'(cfg_d),
             ln_out_valid && !ln_out_err, clk_i, rst_ni)
  `ASSERT_IF(OutRowInSequence_A, 32'(of_row) < 32'(cfg_t), out_valid_o && stage_q == SOut, clk_i, rst_ni)
  `ASSERT_IF(TopkNoError_A, !tk_err, tk_out_valid, clk_i, rst_ni)
  `ASSERT_IF(LocalSimNoError_A, !ls_err, ls_out_valid, clk_i, rst_ni)
  `ASSERT_IF(SoftmaxNoError_A, !sm_out_err, sm_out_valid, clk_i, rst_ni)
  `ASSERT_IF(LayerNormNoError_A, !ln_out_err, ln_out_valid, clk_i, rst_ni)
  `ASSERT_IF(GemmNoError_A, !g_out_err, g_out_valid, clk_i, rst_ni)
  `ASSERT_KNOWN(IrqKnown_A, irq_o, clk_i, rst_ni)
  logic unused_x_only;  // read only by the X checks (empty in 2-state tools)
  assign unused_x_only = irq_o;

  `COVER(PredWhileGemmBusy_C, stage_q == SPred && pr_in_valid && g_busy, clk_i, rst_ni)
  `COVER(SkippedRow_C, ls_out_valid && !ls_err && !ls_kind && ls_rep != ls_row, clk_i, rst_ni)
  `COVER(ReuseAtWindowEdge_C, ls_out_valid && !ls_err && !ls_kind && ls_rep != ls_row &&
         ls_row - ls_rep == cfg_w - TW'(1), clk_i, rst_ni)
  `COVER(OutStallOnLast_C, out_valid_o && !out_ready_i && out_last_o && stage_q == SOut, clk_i, rst_ni)
  `COVER(AbortRun_C, abort_q, clk_i, rst_ni)

endmodule

bind esact_top esact_top_assert #(.T_MAX(T_MAX), .D_MAX(D_MAX), .H_MAX(H_MAX), .PE_C(PE_C))
  u_esact_top_assert (.*, .stage_q(stage_q));
