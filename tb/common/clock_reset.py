"""Clock and synchronous active-low reset for a DUT."""

from __future__ import annotations

import os

from cocotb.clock import Clock
from cocotb.triggers import ClockCycles

from tb.common.sim import CLK_PERIOD_NS, clock_impl


def start_clock(clk, period_ns: int = CLK_PERIOD_NS):
    """Start the DUT clock; returns cocotb's Clock, or None when the simulation main runs it.

    ``ESACT_CLOCK_IMPL`` (tb.common.sim.clock_impl) picks the generator.  The default,
    ``cpp``, is a clock toggled by the simulation main itself
    (tb/common/verilator_main.cpp; tb.common.sim.run sets ESACT_CPP_CLOCK_NS): no
    callback at all per edge while no coroutine waits on the clock, so the DUT runs
    autonomously between transactions.  ``gpi`` is cocotb's Clock with C++ timer
    callbacks per edge, ``py`` its Python coroutine (one wake-up per edge).  Measured on
    the 1-layer MiniLM trace test of esact_top: 43 k cycles/s with ``py``, 59.5 k with
    ``gpi`` (same machine and load); ``cpp`` figures are in docs/bench.md.
    """
    impl = clock_impl()
    if impl == "cpp":
        running = os.environ.get("ESACT_CPP_CLOCK_NS", "")
        if running != str(period_ns):
            raise RuntimeError(
                f"ESACT_CLOCK_IMPL=cpp needs the simulation main's clock at {period_ns} ns "
                f"(ESACT_CPP_CLOCK_NS={running or 'unset'}): run through tb.common.sim.run, "
                "or set ESACT_CLOCK_IMPL=gpi")
        return None
    return Clock(clk, period_ns, unit="ns", impl=impl).start()


async def reset(clk, rst_n, cycles: int = 4) -> None:
    """Hold the synchronous active-low reset for ``cycles`` rising edges."""
    rst_n.value = 0
    await ClockCycles(clk, cycles)
    rst_n.value = 1
    await ClockCycles(clk, 1)
