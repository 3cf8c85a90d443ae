"""Clock and synchronous active-low reset for a DUT."""

from __future__ import annotations

from cocotb.clock import Clock
from cocotb.triggers import ClockCycles

CLK_PERIOD_NS = 10


def start_clock(clk, period_ns: int = CLK_PERIOD_NS):
    return Clock(clk, period_ns, unit="ns").start()


async def reset(clk, rst_n, cycles: int = 4) -> None:
    """Hold the synchronous active-low reset for ``cycles`` rising edges."""
    rst_n.value = 0
    await ClockCycles(clk, cycles)
    rst_n.value = 1
    await ClockCycles(clk, 1)
