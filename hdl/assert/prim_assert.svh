// Copyright ESACT verification project contributors.
// SPDX-License-Identifier: Apache-2.0
//
// prim_assert.svh: the project's assertion macros (lowRISC prim_assert style), one
// readable line per property:
//
//   `ASSERT(Name_A, prop, clk, rst_n)          prop holds at every clock edge out of reset
//   `ASSERT_IF(Name_A, prop, ante, clk, rst_n) prop holds whenever ante does, plus the
//                                              cover Name_A_ante (no vacuous assertion)
//   `ASSERT_NEVER(Name_A, prop, clk, rst_n)    prop never holds
//   `ASSERT_KNOWN(Name_A, sig, clk, rst_n)     no X/Z on sig (4-state simulators only: empty
//                                              under Verilator and FORMAL, both 2-state)
//   `ASSERT_KNOWN_IF(Name_A, sig, en, clk, rst_n)  no X/Z on sig while en
//   `ASSERT_INIT(Name_A, prop)                 elaboration-time check (parameters)
//   `ASSUME(Name_M, prop, clk, rst_n)          a rule of the environment: assumed by
//   `ASSUME_IF(Name_M, prop, ante, clk, rst_n)   formal, checked like an assertion in
//                                              simulation
//   `COVER(Name_C, prop, clk, rst_n)           prop is reached
//
// Properties are boolean expressions sampled at the rising clock edge, disabled while
// rst_n is low.  Multi-cycle rules use explicit past-value flops (the yosys-slang formal
// front end rejects |->, |=> and ##); `ASSERT_IF(N, p, a, ...) stands for a |-> p.
//
// Modes, selected by defines:
//   SYNTHESIS or ESACT_NO_ASSERT  every macro is empty (unless FORMAL)
//   FORMAL                        yosys read_slang (SymbiYosys): concurrent assert /
//                                 assume / cover, no action block, X checks dropped
//                                 (the formal model is 2-state)
//   otherwise (simulation)        Verilator --assert: a failure prints one line
//                                 "[ASSERT FAILED] <name> at <time> ps in
//                                 <instance> (<file>:<line>)" through $error, which ends the
//                                 simulation; tb/common/sim.py turns it into the test's
//                                 failure message with the seed to rerun.  Times are in
//                                 the simulation's precision (1 ps in cocotb's runner).

`ifndef PRIM_ASSERT_SVH
`define PRIM_ASSERT_SVH

// FORMAL wins over SYNTHESIS: yosys (read_slang) defines SYNTHESIS for every read
`ifndef FORMAL
  `ifdef ESACT_NO_ASSERT
    `define ESACT_ASSERT_EMPTY
  `endif
  `ifdef SYNTHESIS
    `define ESACT_ASSERT_EMPTY
  `endif
`endif

`ifdef ESACT_ASSERT_EMPTY

  `define ASSERT(__name, __prop, __clk, __rst_n)
  `define ASSERT_IF(__name, __prop, __ante, __clk, __rst_n)
  `define ASSERT_NEVER(__name, __prop, __clk, __rst_n)
  `define ASSERT_KNOWN(__name, __sig, __clk, __rst_n)
  `define ASSERT_KNOWN_IF(__name, __sig, __en, __clk, __rst_n)
  `define ASSERT_INIT(__name, __prop)
  `define ASSUME(__name, __prop, __clk, __rst_n)
  `define ASSUME_IF(__name, __prop, __ante, __clk, __rst_n)
  `define COVER(__name, __prop, __clk, __rst_n)

`elsif FORMAL

  `define ASSERT(__name, __prop, __clk, __rst_n) \
    __name: assert property (@(posedge __clk) disable iff (!(__rst_n)) (__prop));
  `define ASSERT_IF(__name, __prop, __ante, __clk, __rst_n) \
    __name: assert property (@(posedge __clk) disable iff (!(__rst_n)) (!(__ante) || (__prop))); \
    __name``_ante: cover property (@(posedge __clk) disable iff (!(__rst_n)) (__ante));
  `define ASSERT_NEVER(__name, __prop, __clk, __rst_n) \
    __name: assert property (@(posedge __clk) disable iff (!(__rst_n)) (!(__prop)));
  `define ASSERT_KNOWN(__name, __sig, __clk, __rst_n)
  `define ASSERT_KNOWN_IF(__name, __sig, __en, __clk, __rst_n)
  `define ASSERT_INIT(__name, __prop) \
    initial begin : __name \
      assert (__prop); \
    end
  `define ASSUME(__name, __prop, __clk, __rst_n) \
    __name: assume property (@(posedge __clk) disable iff (!(__rst_n)) (__prop));
  `define ASSUME_IF(__name, __prop, __ante, __clk, __rst_n) \
    __name: assume property (@(posedge __clk) disable iff (!(__rst_n)) (!(__ante) || (__prop))); \
    __name``_ante: cover property (@(posedge __clk) disable iff (!(__rst_n)) (__ante));
  `define COVER(__name, __prop, __clk, __rst_n) \
    __name: cover property (@(posedge __clk) disable iff (!(__rst_n)) (__prop));

`else  // simulation

  // off in reset, and at time 0: before the testbench drives anything, a 2-state
  // simulator with randomized initial values (+verilator+rand+reset+2, the X campaign)
  // may start with rst_n high and the state random
  `define ASSERT_OFF(__rst_n) (!(__rst_n) || $time == 0)

  // X checks need a 4-state simulator; Verilator is 2-state ($isunknown is constant 0),
  // so they compile to nothing there (and cost nothing)
  `ifdef VERILATOR
    `define ESACT_NO_X_CHECKS
  `endif

  `define ASSERT_ERROR(__name) \
    $error("[ASSERT FAILED] %s at %0t ps in %m (%s:%0d)", `"__name`", $time, `__FILE__, `__LINE__)
  `define ASSERT(__name, __prop, __clk, __rst_n) \
    __name: assert property (@(posedge __clk) disable iff (`ASSERT_OFF(__rst_n)) (__prop)) \
      else `ASSERT_ERROR(__name);
  `define ASSERT_IF(__name, __prop, __ante, __clk, __rst_n) \
    __name: assert property (@(posedge __clk) disable iff (`ASSERT_OFF(__rst_n)) (__ante) |-> (__prop)) \
      else `ASSERT_ERROR(__name); \
    __name``_ante: cover property (@(posedge __clk) disable iff (`ASSERT_OFF(__rst_n)) (__ante));
  `define ASSERT_NEVER(__name, __prop, __clk, __rst_n) \
    __name: assert property (@(posedge __clk) disable iff (`ASSERT_OFF(__rst_n)) !(__prop)) \
      else `ASSERT_ERROR(__name);
  `ifdef ESACT_NO_X_CHECKS
    `define ASSERT_KNOWN(__name, __sig, __clk, __rst_n)
    `define ASSERT_KNOWN_IF(__name, __sig, __en, __clk, __rst_n)
  `else
    `define ASSERT_KNOWN(__name, __sig, __clk, __rst_n) \
      `ASSERT(__name, !$isunknown(__sig), __clk, __rst_n)
    `define ASSERT_KNOWN_IF(__name, __sig, __en, __clk, __rst_n) \
      `ASSERT_IF(__name, !$isunknown(__sig), __en, __clk, __rst_n)
  `endif
  `define ASSERT_INIT(__name, __prop) \
    initial begin : __name \
      assert (__prop) else `ASSERT_ERROR(__name); \
    end
  `define ASSUME(__name, __prop, __clk, __rst_n) \
    __name: assume property (@(posedge __clk) disable iff (`ASSERT_OFF(__rst_n)) (__prop)) \
      else `ASSERT_ERROR(__name);
  `define ASSUME_IF(__name, __prop, __ante, __clk, __rst_n) \
    __name: assume property (@(posedge __clk) disable iff (`ASSERT_OFF(__rst_n)) (__ante) |-> (__prop)) \
      else `ASSERT_ERROR(__name); \
    __name``_ante: cover property (@(posedge __clk) disable iff (`ASSERT_OFF(__rst_n)) (__ante));
  `define COVER(__name, __prop, __clk, __rst_n) \
    __name: cover property (@(posedge __clk) disable iff (`ASSERT_OFF(__rst_n)) (__prop));

`endif

`endif  // PRIM_ASSERT_SVH
