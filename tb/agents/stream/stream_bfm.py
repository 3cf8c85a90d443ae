"""Thin bus-functional model of one valid/ready interface.

It owns the only per-cycle coroutines of the agent; driver and monitor talk to it
through queues.  Handshake semantics: a beat transfers at a rising edge where valid
and ready are both high.  Signals read right after ``RisingEdge`` hold their pre-edge
values (checked for Verilator), so the sampled handshake is exactly the one the DUT
saw; writes made there take effect for the next cycle.

Speed: nothing here runs per clock while an interface is idle.  The monitor and the
back-pressure generator sleep on the rising edge of ``valid`` and only poll cycle by
cycle while a transfer is pending, so a DUT computing for millions of cycles costs no
Python time.
"""

from __future__ import annotations

import random

import cocotb
from cocotb.queue import Queue
from cocotb.triggers import ClockCycles, Event, FallingEdge, RisingEdge
from cocotb.utils import get_sim_time
from cocotb_bus.bus import Bus

from .stream_cfg import StreamCfg


# -- per-beat signal access ------------------------------------------------------------
# A bulk stream (esact_top's load port: 512-bit beats, one per clock) reads and writes
# its ports every beat.  cocotb's public accessors build a LogicArray (or range-check
# and format the value) on every access; these closures go to the same GPI calls
# cocotb itself makes (``get_signal_val_binstr``, ``set_signal_val_int/_binstr`` with
# the deposit action, written at once as cocotb does when it trusts inertial writes,
# which its Verilator runner sets) without the objects in between.  Anything
# unusual -- a value that is not 0/1 (X/Z), an int out of the port's unsigned range,
# a simulator whose inertial writes cocotb does not trust -- takes cocotb's public
# path, so errors are cocotb's own.

def _raw(handle):
    return getattr(handle, "_handle", None)


def int_reader(handle):
    """A callable returning ``int(handle.value)``."""
    raw = _raw(handle)
    get = getattr(raw, "get_signal_val_binstr", None)
    if get is None:
        return lambda: int(handle.value)

    def read() -> int:
        try:
            return int(get(), 2)
        except ValueError:  # X or Z: cocotb's conversion raises its own error
            return int(handle.value)

    return read


def bit_reader(handle):
    """A callable returning ``bool(handle.value)`` for a 1-bit port (a value other
    than 0/1 takes the public path)."""
    raw = _raw(handle)
    get = getattr(raw, "get_signal_val_binstr", None)
    if get is None:
        return lambda: bool(handle.value)

    def read() -> bool:
        v = get()
        if v == "1":
            return True
        if v == "0":
            return False
        return bool(handle.value)

    return read


def int_writer(handle):
    """A callable doing ``handle.value = v`` for an int ``v``."""
    import cocotb.handle as ch

    raw = _raw(handle)
    if raw is None or not getattr(ch, "_trust_inertial", False):
        def public(v: int) -> None:
            handle.value = v
        return public
    n = len(handle)
    top = 1 << n
    deposit = ch._GPISetAction.DEPOSIT.value
    if n <= 32:
        set_int = raw.set_signal_val_int

        def write(v: int) -> None:
            if 0 <= v < top:
                set_int(deposit, v)
            else:
                handle.value = v
    else:
        set_bin = raw.set_signal_val_binstr
        fmt = f"0{n}b"

        def write(v: int) -> None:
            if 0 <= v < top:
                set_bin(deposit, format(v, fmt))
            else:
                handle.value = v
    return write


class StreamBfm:
    def __init__(self, dut, clk, cfg: StreamCfg):
        self.cfg = cfg
        self.clk = clk
        self.bus = Bus(dut, cfg.prefix, cfg.signals, bus_separator="_")
        self._tx_q: Queue = Queue(maxsize=max(1, cfg.queue_depth))
        self.rx_q: Queue = Queue()
        self._tasks: list = []
        self.beats = 0
        self.sent = 0
        self.idle = Event()  # set while a source has nothing queued or on the wire
        self.idle.set()
        self._valid_up = Event()  # set while a source drives valid high (wakes its monitor)
        self._released = Event()  # a sink's ready may rise (cleared by hold_ready)
        self._released.set()
        self.valid_listeners: list = []  # cfg.watch_valid: called with (level, sim time in steps)

    # -- lifecycle -----------------------------------------------------------------
    def start(self, drive: bool) -> None:
        """Start monitoring; with ``drive``, also drive this side of the handshake."""
        if drive and self.cfg.role == "source":
            self.bus.valid.value = 0
            self._tasks.append(cocotb.start_soon(self._source()))
        elif drive and self.cfg.role == "sink":
            self._tasks.append(cocotb.start_soon(self._sink()))
        self._tasks.append(cocotb.start_soon(self._monitor()))
        if self.cfg.watch_valid:
            self._tasks.append(cocotb.start_soon(self._watch_valid()))

    def stop(self) -> None:
        for t in self._tasks:
            t.cancel()
        self._tasks.clear()

    # -- source side -----------------------------------------------------------------
    async def send(self, beat: dict[str, int]) -> None:
        """Queue a beat; blocks while ``queue_depth`` beats (or bursts) are waiting."""
        self.idle.clear()
        await self._tx_q.put([beat])

    async def send_burst(self, beats: list[dict[str, int]]) -> None:
        """Queue several beats at once (one queue entry, ``StreamCfg.burst_beats``)."""
        if beats:
            self.idle.clear()
            await self._tx_q.put(beats)

    async def _source(self) -> None:
        bus, flow, clk = self.bus, self.cfg.flow, self.clk
        edge = RisingEdge(clk)
        ready = bit_reader(bus.ready)
        ports = {}
        widths = {}
        valid_on = False

        def scramble() -> None:
            # while valid is low the payload is don't-care: random bits, not the last
            # beat held, so a DUT that takes payload without valid takes garbage.
            # "mixed": half of the idle stretches keep the last beat with one field
            # redrawn (a real address with new data, or real data for a new address),
            # garbage a DUT that ignores valid writes to a place that is read later
            mode = self.cfg.idle_payload
            if mode == "hold" or not ports:
                return
            if mode == "mixed" and len(ports) > 1 and random.getrandbits(1):
                redraw = [random.choice(sorted(ports))]
            else:
                redraw = list(ports)
            for name in redraw:
                ports[name](random.getrandbits(widths[name]))

        while True:
            if self._tx_q.empty():
                bus.valid.value = 0
                if valid_on:
                    scramble()
                valid_on = False
                self._valid_up.clear()
                self.idle.set()
            for beat in await self._tx_q.get():
                gap = flow.idle_run()
                if gap:
                    bus.valid.value = 0
                    if valid_on:
                        scramble()
                    valid_on = False
                    self._valid_up.clear()
                    await ClockCycles(clk, gap)
                for name, val in beat.items():
                    write = ports.get(name)
                    if write is None:
                        handle = getattr(bus, name)
                        write = ports[name] = int_writer(handle)
                        widths[name] = len(handle)
                    write(val)
                if not valid_on:
                    bus.valid.value = 1
                    valid_on = True
                    self._valid_up.set()
                await edge
                while not ready():
                    await edge
                self.sent += 1

    # -- sink side ---------------------------------------------------------------------
    @property
    def valid(self) -> bool:
        """The interface's valid right now (a DUT output: a transfer is offered)."""
        return bool(self.bus.valid.value)

    def hold_ready(self, on: bool) -> None:
        """Sink: hold ready low from now on (``on``) or release it -- a downstream that
        stops taking data, for directed tests that need a transfer to stay in flight."""
        if self.cfg.role != "sink":
            raise ValueError(f"hold_ready is for a sink interface, {self.cfg.prefix} is a {self.cfg.role}")
        if on:
            self._released.clear()
            self.bus.ready.value = 0
        else:
            self._released.set()
            self.bus.ready.value = 1

    async def _ready_high(self) -> None:
        await self._released.wait()
        self.bus.ready.value = 1

    async def _sink(self) -> None:
        bus, flow = self.bus, self.cfg.flow
        bus.ready.value = 1
        if not flow.active:
            return  # always ready (hold_ready aside): no per-cycle work
        while True:
            if not bus.valid.value:
                await self._ready_high()
                # decide right as valid rises, before the next edge samples ready: a
                # single-beat transaction can then be back-pressured too
                await RisingEdge(bus.valid)
            stall = flow.idle_run()
            if stall:
                bus.ready.value = 0
                await ClockCycles(self.clk, stall)
            await self._ready_high()
            await ClockCycles(self.clk, flow.busy_run())

    # -- monitor -------------------------------------------------------------------
    async def _watch_valid(self) -> None:
        """Report every change of valid: two callbacks per packet, none per beat.  A change
        is reported after the evaluation that made it, at the time of that clock edge; a
        transfer observed at an edge (before its evaluation) therefore sees valid as
        reported before that edge's time."""
        valid = self.bus.valid
        level = bool(valid.value)
        if level:
            self._valid_changed(True)
        while True:
            await (FallingEdge(valid) if level else RisingEdge(valid))
            level = not level
            self._valid_changed(level)

    def _valid_changed(self, level: bool) -> None:
        t = get_sim_time("step")
        for fn in self.valid_listeners:
            fn(level, t)

    async def _monitor(self) -> None:
        """Every transfer as (beat, stall cycles, gap cycles) on ``rx_q``; with
        ``burst_beats`` > 1, (list of beats, stall cycles of the burst, gap before it)."""
        bus, fields, clk = self.bus, self.cfg.data_fields, self.clk
        readers = [(f, int_reader(getattr(bus, f))) for f in fields]
        valid, ready = bit_reader(bus.valid), bit_reader(bus.ready)
        edge = RisingEdge(clk)
        burst_max = self.cfg.burst_beats
        burst: list = []
        burst_stall = burst_gap = 0
        stall = gap = 0
        last_t = get_sim_time("step")
        period = None
        while True:
            await edge
            if period is None:
                now = get_sim_time("step")
                if now > last_t:
                    period = now - last_t
            if valid():
                if ready():
                    beat = {f: read() for f, read in readers}
                    self.beats += 1
                    if burst_max == 1:
                        self.rx_q.put_nowait((beat, stall, gap))
                    else:
                        if not burst:
                            burst_gap = gap
                        burst.append(beat)
                        burst_stall += stall
                        if len(burst) == burst_max:
                            self.rx_q.put_nowait((burst, burst_stall, burst_gap))
                            burst, burst_stall = [], 0
                    stall = gap = 0
                else:
                    stall += 1
            else:
                if burst:  # valid dropped: the burst ends here
                    self.rx_q.put_nowait((burst, burst_stall, burst_gap))
                    burst, burst_stall = [], 0
                # idle: sleep until valid rises, then count the idle cycles it took.  A
                # DUT output is watched for its edge; a valid this BFM drives itself
                # is signalled by the driving coroutine (no edge callback needed).
                t0 = get_sim_time("step")
                if self.cfg.role == "source" and self.cfg.is_active:
                    await self._valid_up.wait()  # returns at once if valid is (being) raised
                else:
                    await RisingEdge(bus.valid)
                gap += 1 + (int((get_sim_time("step") - t0) // period) if period else 0)
