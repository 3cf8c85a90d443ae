// Copyright ESACT verification project contributors.
// SPDX-License-Identifier: Apache-2.0
//
// esact_regs: the register interface of esact_top around the generated CSR block
// (hdl/esact_csr.rdl, `make csr`): CTRL writes become the sequencer's commands
//   run_start_o   start while idle with a legal configuration (cfg_o latches it)
//   dump_start_o  dump while idle (and no run starting) with a known DEBUG.sel, after a
//                 legal run has started since reset
//   abort_o       start or dump while a job computes (nothing is streamed; an output
//                 already streaming completes)
// and the status side: STATUS (busy, done, error, stage), the sticky ERROR bits (the
// configuration check of a start, start/dump while busy, a load to no buffer, an
// unknown DEBUG.sel or a dump before any run), the performance counters CYCLES, EXEC_MACS, SKIP_MACS (dense
// MACs of the configuration minus executed ones), STAGE_CYCLES[8], and irq_o.

module esact_regs
  import esact_pkg::*;
#(
  parameter int unsigned T_MAX     = 128,
  parameter int unsigned D_MAX     = 384,
  parameter int unsigned F_MAX     = 1536,
  parameter int unsigned H_MAX     = 12,
  parameter int unsigned HEAD_DIM  = 32,
  parameter int unsigned PE_C      = 8,
  parameter int unsigned MacCntW   = 7,
  localparam int unsigned CsrAw    = 7,
  localparam int unsigned OverlapW = $clog2(H_MAX * T_MAX + 1)   // overlap count of local_sim
) (
  input  logic               clk_i,
  input  logic               rst_ni,

  // APB4
  input  logic               psel_i,
  input  logic               penable_i,
  input  logic               pwrite_i,
  input  logic [2:0]         pprot_i,
  input  logic [CsrAw-1:0]   paddr_i,
  input  logic [31:0]        pwdata_i,
  input  logic [3:0]         pstrb_i,
  output logic               pready_o,
  output logic [31:0]        prdata_o,
  output logic               pslverr_o,

  // sequencer commands and the configuration of the run
  input  stage_e             stage_i,       // the sequencer's stage
  output logic               run_start_o,
  output logic               dump_start_o,
  output dump_sel_e          dump_sel_o,
  output logic               abort_o,
  output logic               req_sparse_o,  // CTRL.sparse / overlap of a run starting
  output logic               req_overlap_o,
  output cfg_t               cfg_o,         // the configuration of the run (latched at start)

  // status events and counters
  input  logic               done_i,        // the layer output is complete (STATUS.done)
  input  logic               ld_err_i,      // a load beat to no buffer
  input  logic [MacCntW-1:0] macs_i,        // MACs executed this cycle
  output logic               irq_o
);

  esact_csr_pkg::esact_csr__in_t  hwif_in;
  esact_csr_pkg::esact_csr__out_t hwif_out;

  esact_csr u_csr (
    .clk           (clk_i),
    .rst_n         (rst_ni),
    .s_apb_psel    (psel_i),
    .s_apb_penable (penable_i),
    .s_apb_pwrite  (pwrite_i),
    .s_apb_pprot   (pprot_i),
    .s_apb_paddr   (paddr_i),
    .s_apb_pwdata  (pwdata_i),
    .s_apb_pstrb   (pstrb_i),
    .s_apb_pready  (pready_o),
    .s_apb_prdata  (prdata_o),
    .s_apb_pslverr (pslverr_o),
    .hwif_in       (hwif_in),
    .hwif_out      (hwif_out)
  );

  logic                               start, dump, busy, streaming;
  logic                               ran;                     // a legal run started since reset
  logic [6:0]                         cfg_err;                 // illegal: seq_len hidden heads ffn topk window gelu_qb
  cfg_t                               cfg_req;                 // the configuration a start latches
  cfg_t                               cfg_q;
  logic [31:0]                        cycles_d, cycles_q;
  logic [63:0]                        exec_macs_d, exec_macs_q;
  logic [63:0]                        dense_macs;
  logic [NumCountedStages-1:0] [31:0] stage_cycles_d, stage_cycles_q;
  logic                               done_q;

  assign start     = hwif_out.ctrl.start.value;
  assign dump      = hwif_out.ctrl.dump.value;
  assign busy      = (stage_i != StageIdle);
  assign streaming = (stage_i == StageOut) || (stage_i == StageDump);

  // ---------------------------------------------------------------------------------
  // Configuration of a start and its check
  // ---------------------------------------------------------------------------------
  always_comb begin
    cfg_req.seq_len   = hwif_out.dim0.seq_len.value;
    cfg_req.hidden    = hwif_out.dim0.hidden.value;
    cfg_req.heads     = hwif_out.dim1.heads.value;
    cfg_req.ffn       = hwif_out.dim1.ffn.value;
    cfg_req.topk      = hwif_out.spls0.topk.value;
    // windows and thresholds beyond what T_MAX rows can reach saturate (same meaning)
    cfg_req.window    = (32'(hwif_out.spls0.window.value) > T_MAX) ? 8'(T_MAX) : hwif_out.spls0.window.value;
    cfg_req.thr       = (32'(hwif_out.spls1.thr.value) >= (1 << OverlapW)) ? 16'((1 << OverlapW) - 1)
                                                                        : hwif_out.spls1.thr.value;
    cfg_req.sparse    = hwif_out.ctrl.sparse.value;
    cfg_req.ffn_reuse = hwif_out.ctrl.ffn_reuse.value;
    cfg_req.overlap   = hwif_out.ctrl.overlap.value;
    cfg_req.sm_mult   = hwif_out.softmax.mult.value;
    cfg_req.sm_shift  = hwif_out.softmax.shift.value;
    cfg_req.gelu_qb   = hwif_out.gelu0.qb.value;
    cfg_req.gelu_qc   = hwif_out.gelu1.qc.value;
    cfg_req.ln1_gf    = hwif_out.ln.ln1_gf.value;
    cfg_req.ln2_gf    = hwif_out.ln.ln2_gf.value;
  end

  always_comb begin
    cfg_err[0] = (cfg_req.seq_len == '0) || (32'(cfg_req.seq_len) > T_MAX);
    cfg_err[1] = (cfg_req.hidden == '0) || (32'(cfg_req.hidden) > D_MAX) ||
                 (32'(cfg_req.hidden) != 32'(cfg_req.heads) * HEAD_DIM);
    cfg_err[2] = (cfg_req.heads == '0) || (32'(cfg_req.heads) > H_MAX);
    cfg_err[3] = (cfg_req.ffn == '0) || (32'(cfg_req.ffn) > F_MAX) || (32'(cfg_req.ffn) % PE_C != 0);
    cfg_err[4] = cfg_req.sparse && ((cfg_req.topk == '0) || (cfg_req.topk > cfg_req.seq_len));
    cfg_err[5] = cfg_req.sparse && (hwif_out.spls0.window.value == '0);
    // the i-GELU clipping constant is <= 0 (gelu flags a positive qb only on its own
    // result beats, too late for a run already under way)
    cfg_err[6] = !cfg_req.gelu_qb[17] && (cfg_req.gelu_qb != '0);
  end

  // ---------------------------------------------------------------------------------
  // Commands
  // ---------------------------------------------------------------------------------
  // a dump streams a buffer in the geometry of the last run's configuration: before the
  // first legal start since reset cfg_q is all zero (no rows, no words: the stream would
  // never reach its last beat), so such a dump is refused with ERROR.dump_sel
  assign ran           = (cfg_q.seq_len != '0);
  assign run_start_o   = !busy && start && !(|cfg_err);
  assign dump_start_o  = !busy && !run_start_o && dump && ran && (hwif_out.debug.sel.value <= DumpSelMax);
  assign dump_sel_o    = dump_sel_e'(hwif_out.debug.sel.value[3:0]);  // (<= DumpSelMax at a dump start)
  assign req_sparse_o  = cfg_req.sparse;
  assign req_overlap_o = cfg_req.overlap;
  assign abort_o       = (start || dump) && busy && !streaming;

  // ---------------------------------------------------------------------------------
  // Counters
  // ---------------------------------------------------------------------------------
  always_comb begin
    cycles_d       = cycles_q;
    exec_macs_d    = exec_macs_q + 64'(macs_i);
    stage_cycles_d = stage_cycles_q;
    if (busy && !streaming) begin
      cycles_d = cycles_q + 32'd1;
    end
    if (busy && stage_i != StageDump) begin  // StagePred .. StageOut
      stage_cycles_d[3'(stage_i - StagePred)] = stage_cycles_q[3'(stage_i - StagePred)] + 32'd1;
    end
    if (run_start_o) begin
      cycles_d       = '0;
      exec_macs_d    = '0;
      stage_cycles_d = '0;
    end
  end

  always_comb begin
    logic [63:0] t, d, f, h;
    t = 64'(cfg_q.seq_len);
    d = 64'(cfg_q.hidden);
    f = 64'(cfg_q.ffn);
    h = 64'(cfg_q.heads);
    dense_macs = t * (4 * d * d + 2 * d * f) + 2 * h * t * t * 64'(HEAD_DIM);
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      cfg_q          <= '0;
      cycles_q       <= '0;
      exec_macs_q    <= '0;
      stage_cycles_q <= '0;
      done_q         <= 1'b0;
    end else begin
      cfg_q          <= run_start_o ? cfg_req : cfg_q;
      cycles_q       <= cycles_d;
      exec_macs_q    <= exec_macs_d;
      stage_cycles_q <= stage_cycles_d;
      done_q         <= hwif_out.status.done.value;
    end
  end

  assign cfg_o = cfg_q;
  assign irq_o = done_q && hwif_out.ctrl.irq_en.value;

  // ---------------------------------------------------------------------------------
  // Status, errors, counter registers
  // ---------------------------------------------------------------------------------
  always_comb begin
    hwif_in.status.busy.next  = busy;
    hwif_in.status.done.hwset = done_i;
    hwif_in.status.error.next = |{hwif_out.error.seq_len.value, hwif_out.error.hidden.value,
                                  hwif_out.error.heads.value, hwif_out.error.ffn.value,
                                  hwif_out.error.topk.value, hwif_out.error.window.value,
                                  hwif_out.error.start_busy.value, hwif_out.error.load_addr.value,
                                  hwif_out.error.dump_sel.value, hwif_out.error.gelu_qb.value};
    hwif_in.status.stage.next = stage_i;
    hwif_in.error.seq_len.hwset    = start && !busy && cfg_err[0];
    hwif_in.error.hidden.hwset     = start && !busy && cfg_err[1];
    hwif_in.error.heads.hwset      = start && !busy && cfg_err[2];
    hwif_in.error.ffn.hwset        = start && !busy && cfg_err[3];
    hwif_in.error.topk.hwset       = start && !busy && cfg_err[4];
    hwif_in.error.window.hwset     = start && !busy && cfg_err[5];
    hwif_in.error.gelu_qb.hwset    = start && !busy && cfg_err[6];
    hwif_in.error.start_busy.hwset = (start || dump) && busy;
    hwif_in.error.load_addr.hwset  = ld_err_i;
    hwif_in.error.dump_sel.hwset   = dump && !busy && ((hwif_out.debug.sel.value > DumpSelMax)
                                                        || (!ran && !run_start_o));
    hwif_in.cycles.count.next       = cycles_q;
    hwif_in.exec_macs_lo.count.next = exec_macs_q[31:0];
    hwif_in.exec_macs_hi.count.next = exec_macs_q[63:32];
    hwif_in.skip_macs_lo.count.next = 32'(dense_macs - exec_macs_q);
    hwif_in.skip_macs_hi.count.next = 32'((dense_macs - exec_macs_q) >> 32);
    for (int unsigned s = 0; s < NumCountedStages; s++) begin
      hwif_in.stage_cycles[s].count.next = stage_cycles_q[s];
    end
  end

endmodule
