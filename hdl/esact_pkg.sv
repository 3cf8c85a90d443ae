// Copyright ESACT verification project contributors.
// SPDX-License-Identifier: Apache-2.0
//
// esact_pkg: the types esact_top, its engines and their checkers share: the controller
// stages and the sequencer's steps, the regions of the load address space, the GEMM
// jobs and their operand / result routing, the debug-dump selects, and the
// configuration of a run (docs/esact_top.md).

package esact_pkg;

  // Controller stages as STATUS.stage reports them; STAGE_CYCLES[s - 1] counts stage s
  // (StagePred .. StageOut)
  typedef enum logic [3:0] {
    StageIdle  = 4'd0,
    StagePred  = 4'd1,
    StageQkv   = 4'd2,
    StageAttn  = 4'd3,
    StageOproj = 4'd4,
    StageLn1   = 4'd5,
    StageFfn   = 4'd6,
    StageLn2   = 4'd7,
    StageOut   = 4'd8,
    StageDump  = 4'd9
  } stage_e;

  localparam int unsigned NumCountedStages = 8;  // StagePred .. StageOut

  // Steps of the stage sequencer (esact_top): each step starts an engine and waits for
  // its done
  typedef enum logic [4:0] {
    StepIdle,
    StepPred,                         // PRED: prediction (and background K/V generation)
    StepQ, StepK, StepV,              // QKV
    StepScores, StepSoftmax, StepPv,  // ATTN, one head after the other
    StepOproj,                        // OPROJ
    StepLn1Res, StepLn1Rows,          // LN1: residual pass, LayerNorm of every row
    StepFfn1, StepFfn2,               // FFN
    StepLn2Res, StepLn2Rows,          // LN2
    StepOut,                          // OUT: the layer output streams
    StepDump                          // a debug dump streams
  } step_e;

  // Regions of the load address space (address bits 31:24)
  typedef enum logic [7:0] {
    RegX    = 8'd0,   // input x (INT8), T_MAX rows of D_MAX
    RegWq   = 8'd1,   // W_Q^T, W_K^T, W_V^T, W_O^T: D_MAX rows of D_MAX
    RegWk   = 8'd2,
    RegWv   = 8'd3,
    RegWo   = 8'd4,
    RegW1   = 8'd5,   // W_1^T: D_MAX rows of F_MAX
    RegW2   = 8'd6,   // W_2^T: F_MAX rows of D_MAX
    RegBq   = 8'd8,   // biases (INT32)
    RegBk   = 8'd9,
    RegBv   = 8'd10,
    RegBo   = 8'd11,
    RegB1   = 8'd12,
    RegB2   = 8'd13,
    RegMq   = 8'd16,  // requantization {shift[21:16], mult[14:0]}
    RegMk   = 8'd17,
    RegMv   = 8'd18,
    RegMctx = 8'd19,
    RegMo   = 8'd20,
    RegMxr  = 8'd21,
    RegMf1  = 8'd22,
    RegMg   = 8'd23,
    RegMf2  = 8'd24,
    RegMhr  = 8'd25,
    RegPq   = 8'd26,  // prediction shifts of Q^, K^
    RegPk   = 8'd27,
    RegLn1G = 8'd28,  // LayerNorm gains (INT16) and biases (INT32)
    RegLn1B = 8'd29,
    RegLn2G = 8'd30,
    RegLn2B = 8'd31
  } ld_region_e;

  // GEMM jobs of a layer
  typedef enum logic [3:0] {
    JobKAll,    // K of every row (progressive generation during PRED)
    JobVAll,    // V of every row (progressive generation during PRED)
    JobQ,       // Q of the representative rows
    JobK,       // K of the rows some head needs
    JobV,       // V of the rows some head needs
    JobScores,  // Q K^T of one head at the key tiles some representative keeps (SDDMM)
    JobPv,      // P V of one head over the needed keys (SpMM) -> context
    JobOproj,   // output projection of the representatives
    JobFfn1,    // FFN1 -> GELU -> g
    JobFfn2     // FFN2 -> y_2
  } gemm_job_e;

  // operand A, operand B and destination of a GEMM job
  typedef enum logic [2:0] {ASrcX, ASrcQ, ASrcP, ASrcCtx, ASrcH1, ASrcG} a_src_e;
  typedef enum logic [2:0] {BSrcWq, BSrcWk, BSrcWv, BSrcWo, BSrcW1, BSrcW2, BSrcKt, BSrcV} b_src_e;
  typedef enum logic [2:0] {DstQ, DstK, DstV, DstS, DstCtx, DstYo, DstF, DstY2} dst_e;

  // Buffers a debug dump streams (DEBUG.sel; tag = sel + 1); DumpOut is also the
  // buffer of the layer output (tag 0)
  typedef enum logic [3:0] {
    DumpRep  = 4'd0,   // reuse map, one byte per row
    DumpCol  = 4'd1,   // column-needed masks, one beat per head
    DumpKeep = 4'd2,   // keep masks, one beat per (head, row)
    DumpQ    = 4'd3,
    DumpK    = 4'd4,
    DumpV    = 4'd5,
    DumpCtx  = 4'd6,
    DumpH1   = 4'd7,
    DumpOut  = 4'd8,
    DumpG    = 4'd9,   // GELU output, rows of f
    DumpQh   = 4'd10,  // predicted Q^, K^
    DumpKh   = 4'd11
  } dump_sel_e;

  localparam logic [7:0] DumpSelMax = 8'd11;

  // Configuration of a run, latched from the CSRs at start
  typedef struct packed {
    logic [15:0] seq_len;    // T
    logic [15:0] hidden;     // d
    logic [7:0]  heads;      // H
    logic [15:0] ffn;        // f
    logic [15:0] topk;       // k of the row-wise top-k
    logic [7:0]  window;     // local-similarity window W (saturated at T_MAX)
    logic [15:0] thr;        // overlap threshold (saturated at what local_sim counts)
    logic        sparse;     // SPLS-sparse run
    logic        ffn_reuse;  // reused rows reuse the representative's FFN output
    logic        overlap;    // progressive K/V generation during PRED
    logic [14:0] sm_mult;    // softmax exponent multiplier and shift
    logic [5:0]  sm_shift;
    logic [17:0] gelu_qb;    // i-GELU constants
    logic [31:0] gelu_qc;
    logic [3:0]  ln1_gf;     // LayerNorm output shifts
    logic [3:0]  ln2_gf;
  } cfg_t;

endpackage
