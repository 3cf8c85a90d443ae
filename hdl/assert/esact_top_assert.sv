// Copyright ESACT verification project contributors.
// SPDX-License-Identifier: Apache-2.0
//
// esact_top_assert (bound): the port rules of the load stream, the output stream and
// the APB port, and the sequencer's invariants: a legal step, loads only while idle,
// the configuration latched at start stable for the whole run, the attention head
// inside the configured heads, and the irq output known.  The engines have checkers
// of their own (esact_pred_assert, esact_gemm_assert, esact_row_feed_assert,
// esact_softmax_stage_assert, esact_ln_stage_assert, esact_stream_assert).
// The output stream's out_last_o is decoded from the row/word counters and is not gated
// by out_valid_o, so LastOnlyWithValid does not apply to it (LastGated = 0).

// checker code is not part of the RTL's code coverage
/* verilator coverage_off */

`include "prim_assert.svh"

module esact_top_assert
  import esact_pkg::*;
#(
  parameter int unsigned H_MAX     = 12,
  localparam int unsigned LdW      = 512,
  localparam int unsigned HeadCntW = $clog2(H_MAX + 1)
) (
  input  logic                clk_i,
  input  logic                rst_ni,
  input  logic                psel_i,
  input  logic                penable_i,
  input  logic                pwrite_i,
  input  logic [6:0]          paddr_i,
  input  logic [31:0]         pwdata_i,
  input  logic [3:0]          pstrb_i,
  input  logic                pready_o,
  input  logic [31:0]         prdata_o,
  input  logic                pslverr_o,
  input  logic                ld_valid_i,
  input  logic                ld_ready_o,
  input  logic [31:0]         ld_addr_i,
  input  logic [LdW-1:0]      ld_data_i,
  input  logic                out_valid_o,
  input  logic                out_ready_i,
  input  logic [LdW-1:0]      out_data_o,
  input  logic [7:0]          out_tag_o,
  input  logic                out_last_o,
  input  logic                irq_o,
  // sequencer
  input  step_e               step_q,
  input  step_e               step_d,
  input  stage_e              stage,
  input  logic                done,
  input  logic [HeadCntW-1:0] head_q,
  input  logic                abort,
  input  logic                dump_start,
  input  cfg_t                cfg,
  // engines
  input  logic                pred_feeding,
  input  logic                gemm_busy
);

  esact_stream_chk #(.DataW(32+LdW), .Assumed(1'b1)) u_ld_chk (
    .clk_i, .rst_ni, .valid(ld_valid_i), .ready(ld_ready_o), .last(1'b0), .data({ld_addr_i, ld_data_i})
  );
  // esact_top's control FPV job (`make formal`, -D ESACT_FPV_CTRL) replaces the engines
  // and buffers by free outputs: the streamed words are read from the buffers, so there
  // the payload is free and only the tag's stability is checked (the payload's in every
  // simulation)
`ifdef ESACT_FPV_CTRL
  localparam logic OutData = 1'b0;
`else
  localparam logic OutData = 1'b1;
`endif
  esact_stream_chk #(.DataW(LdW+8), .HasLast(1'b1), .LastGated(1'b0)) u_out_chk (
    .clk_i, .rst_ni, .valid(out_valid_o), .ready(out_ready_i), .last(out_last_o),
    .data({out_data_o & {LdW{OutData}}, out_tag_o})
  );
  esact_apb_chk #(.AddrW(7), .Assumed(1'b1)) u_apb_chk (
    .clk_i, .rst_ni, .psel(psel_i), .penable(penable_i), .pwrite(pwrite_i), .paddr(paddr_i), .pwdata(pwdata_i),
    .pstrb(pstrb_i), .pready(pready_o), .prdata(prdata_o), .pslverr(pslverr_o)
  );

  // the configuration of the running job and its value one cycle earlier
  cfg_t cfg_q;
  logic run, run_q;
  assign run = stage != StageIdle && stage != StageDump;
  always_ff @(posedge clk_i) begin
    cfg_q <= cfg;
    if (!rst_ni) run_q <= 1'b0;
    else run_q <= run;
  end

  logic cfg_same;
  assign cfg_same = cfg == cfg_q;

  `ASSERT(StepLegal_A, step_q <= StepDump, clk_i, rst_ni)
  `ASSERT_IF(LoadOnlyWhenIdle_A, stage == StageIdle, ld_valid_i && ld_ready_o, clk_i, rst_ni)
  `ASSERT_IF(ConfigStableDuringRun_A, cfg_same, run && run_q, clk_i, rst_ni)
  `ASSERT_IF(HeadInRange_A, 32'(head_q) < 32'(cfg.heads), stage == StageAttn, clk_i, rst_ni)
  // ... and the invariants that make it inductive: the latched configuration is its
  // reset value (no rows) or a legal one (esact_regs latches it only at a legal start;
  // heads, and d and f for the output streamer's geometry),
  // the sequencer leaves idle only after such a start (a run, or a dump after one), and
  // the head counter is 0 until the attention starts (cleared at the start, advanced
  // only in PV)
  `ASSERT_IF(CfgHeadsLegal_A, cfg.heads != '0 && 32'(cfg.heads) <= H_MAX, cfg.seq_len != '0, clk_i, rst_ni)
  `ASSERT_IF(CfgSizesLegal_A, cfg.hidden != '0 && cfg.ffn != '0, cfg.seq_len != '0, clk_i, rst_ni)
  `ASSERT_IF(BusyAfterStart_A, cfg.seq_len != '0, stage != StageIdle, clk_i, rst_ni)
  `ASSERT_IF(HeadZeroBeforeAttn_A, head_q == '0, stage == StagePred || stage == StageQkv, clk_i, rst_ni)
  `ASSERT_KNOWN(IrqKnown_A, irq_o, clk_i, rst_ni)
  // STATUS.done (and the irq) means the layer output is complete: it is set only in the
  // cycle LN2 writes its last row, where the sequencer hands over to the output stream
  // (or a start/dump aborting the run in that same cycle)
  `ASSERT_IF(DoneAtOutStart_A, step_q == StepLn2Rows && (step_d == StepOut || abort), done, clk_i, rst_ni)
  // a dump streams in the geometry of the latched configuration: only after a legal run
  // started since reset (cfg's reset value has no rows: the stream would never end)
  `ASSERT_IF(DumpAfterRun_A, cfg.seq_len != '0, dump_start, clk_i, rst_ni)
  logic unused_x_only;  // read only by the X checks (empty in 2-state tools)
  assign unused_x_only = irq_o;

  `COVER(PredWhileGemmBusy_C, stage == StagePred && pred_feeding && gemm_busy, clk_i, rst_ni)
  `COVER(OutStallOnLast_C, out_valid_o && !out_ready_i && out_last_o && stage == StageOut, clk_i, rst_ni)
  `COVER(AbortRun_C, abort, clk_i, rst_ni)

endmodule

bind esact_top esact_top_assert #(.H_MAX(H_MAX)) u_esact_top_assert (.*);
