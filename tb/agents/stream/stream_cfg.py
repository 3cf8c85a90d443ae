"""Configuration of one valid/ready stream interface."""

from __future__ import annotations

import random
from dataclasses import dataclass, field


@dataclass
class FlowPolicy:
    """Random idle cycles on a stream: valid gaps (source) or ready low (sink).

    Each time the policy is asked, it returns a run length: with probability
    ``prob`` a run of 1..``max_run`` idle cycles, otherwise 0.  ``prob = 0``
    means a stream at full rate (no per-cycle Python at all on a sink).
    Uses the ``random`` module, which cocotb seeds with the test's seed.
    """

    prob: float = 0.0
    max_run: int = 4

    def __post_init__(self) -> None:
        if not 0.0 <= self.prob <= 1.0:
            raise ValueError(f"FlowPolicy.prob must be in [0, 1], got {self.prob}")
        if self.max_run < 1:
            raise ValueError(f"FlowPolicy.max_run must be >= 1, got {self.max_run}")

    @property
    def active(self) -> bool:
        return self.prob > 0.0

    def idle_run(self) -> int:
        if self.prob > 0.0 and random.random() < self.prob:
            return random.randint(1, self.max_run)
        return 0

    def busy_run(self) -> int:
        """Cycles to stay active before asking again (geometric-ish, at least 1)."""
        if self.prob >= 1.0:
            return 1
        return 1 + int(random.expovariate(self.prob / (1.0 - self.prob))) if self.prob > 0 else 1

    @classmethod
    def parse(cls, text: str) -> "FlowPolicy":
        """'0', '0.3' or '0.3:8' (probability[:max run])."""
        prob, _, run = text.partition(":")
        return cls(prob=float(prob), max_run=int(run) if run else 4)


@dataclass
class StreamCfg:
    """What the agent needs to know about one valid/ready interface.

    ``prefix`` and ``signals`` name the DUT ports through a cocotb-bus ``Bus``:
    the port of field ``f`` is ``<prefix>_<signals[f]>``; ``valid`` and ``ready``
    are required entries.  ``item_type`` converts between a beat (dict of field ->
    int) and a transaction.  ``is_active`` agents drive the interface: a source
    drives valid and data, a sink drives ready.  ``en_cov`` makes the agent sample its
    handshake coverage (:class:`StreamCov`) into the coverpoint ``cov_name``
    (``<unit>.cg_handshake.<stream>``).  ``watch_valid`` makes the monitor report every
    rise and fall of valid (:class:`ValidChange` on its ``valid_ap``): when a DUT
    started offering a packet that is not yet accepted.  ``burst_beats`` > 1 (a stream
    without ``last``) makes the transactions bursts: the driver hands an item's beats to
    the BFM at once, and the monitor reports consecutive transfers as one item of up to
    ``burst_beats`` beats, a burst ending early when valid drops -- so every valid gap
    still starts a transaction (its ``gap_cycles``), and the per-transaction costs
    (item, analysis write, coverage, scoreboard) are paid per burst, not per beat.
    ``idle_payload``: what a source drives on the payload while valid is low --
    ``"random"`` bits (default: a DUT that takes payload without valid takes garbage,
    not a copy of the last beat), ``"mixed"`` (each idle stretch either random bits or
    the last beat with one field redrawn: an address stream's idle payload then often
    names a real place, so a DUT that writes without valid corrupts what it reads
    later) or ``"hold"`` the last beat.
    """

    prefix: str
    signals: dict[str, str]
    item_type: type
    role: str = "source"  # "source" (testbench drives data) or "sink" (testbench drives ready)
    is_active: bool = True
    flow: FlowPolicy = field(default_factory=FlowPolicy)
    queue_depth: int = 4  # driver-side buffering of beats not yet on the wire
    max_packet_beats: int | None = None  # packet interfaces: a longer packet is a protocol error
    en_cov: bool = False  # the agent owns a StreamCov sampling every transaction
    cov_name: str = ""  # its coverpoint, e.g. "topk.cg_handshake.in"
    watch_valid: bool = False  # the monitor also reports every change of valid (valid_ap)
    burst_beats: int = 1  # streams without `last`: beats per transaction (a burst), see above
    idle_payload: str = "random"  # source payload while valid is low: "random", "mixed" or "hold" (see above)

    def __post_init__(self) -> None:
        if self.role not in ("source", "sink"):
            raise ValueError(f"StreamCfg.role must be 'source' or 'sink', got {self.role!r}")
        for req in ("valid", "ready"):
            if req not in self.signals:
                raise ValueError(f"StreamCfg.signals needs a {req!r} entry")
        if self.burst_beats < 1 or (self.burst_beats > 1 and "last" in self.signals):
            raise ValueError(f"StreamCfg.burst_beats must be >= 1, and 1 on a packet stream (with `last`), "
                             f"got {self.burst_beats}")
        if self.en_cov and not self.cov_name:
            raise ValueError("StreamCfg.en_cov needs a cov_name (<unit>.cg_handshake.<stream>)")
        if self.idle_payload not in ("random", "mixed", "hold"):
            raise ValueError(f"StreamCfg.idle_payload must be 'random', 'mixed' or 'hold', got {self.idle_payload!r}")

    @property
    def data_fields(self) -> list[str]:
        return [k for k in self.signals if k not in ("valid", "ready")]
