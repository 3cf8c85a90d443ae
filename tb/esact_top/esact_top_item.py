"""Transactions of esact_top's load and output streams."""

from __future__ import annotations

import numpy as np

from tb.common.lane_item import LaneField, LanePacket

LD_BITS = 512
LOAD_BURST = 256  # beats per load item: the sequences' bursts, the monitor's at most


class EsactLd(LanePacket):
    """Load beats, each a 32-bit address and 64 data bytes.  The load stream has no
    `last`: the sequences send bursts of up to LOAD_BURST beats (one item), and the
    monitor reports consecutive transfers as bursts of up to LOAD_BURST beats, a burst
    ending early at a valid gap (``StreamCfg.burst_beats``)."""

    FIELDS = (LaneField("addr", 32), LaneField("data", LD_BITS))
    LAST = False
    _MASKS = {"addr": (1 << 32) - 1, "data": (1 << LD_BITS) - 1}

    @classmethod
    def burst(cls, pairs) -> "EsactLd":
        """One item of (address, data) beats."""
        return cls(beats=[{"addr": a, "data": d} for a, d in pairs])

    # both fields are unsigned scalars: a beat's values are the bus values (masked), so
    # the per-field packing of LanePacket is skipped on this, the busiest stream
    def to_beats(self) -> list[dict[str, int]]:
        ma, md = self._MASKS["addr"], self._MASKS["data"]
        return [{"addr": int(b["addr"]) & ma, "data": int(b["data"]) & md} for b in self.beats]

    @classmethod
    def from_beats(cls, beats) -> "EsactLd":
        ma, md = cls._MASKS["addr"], cls._MASKS["data"]
        return cls(beats=[{"addr": b["addr"] & ma, "data": b["data"] & md} for b in beats])


class EsactOut(LanePacket):
    """An output packet: the layer output (tag 0) or a dump (tag = DEBUG.sel + 1)."""

    FIELDS = (LaneField("data", LD_BITS), LaneField("tag", 8))

    def matrix(self, rows: int, cols: int) -> np.ndarray:
        """INT8 matrix of a packet streamed row by row, ceil(cols/64) beats per row."""
        words = -(-cols // 64)
        raw = b"".join(b["data"].to_bytes(64, "little") for b in self.beats)
        arr = np.frombuffer(raw, np.int8).astype(np.int64).reshape(len(self.beats) // words, words * 64)
        return arr[:rows, :cols]

    @classmethod
    def from_matrix(cls, m: np.ndarray, tag: int = 0) -> "EsactOut":
        words = -(-m.shape[1] // 64)
        pkt = cls()
        for r in range(m.shape[0]):
            row = np.zeros(words * 64, np.uint8)
            row[: m.shape[1]] = (np.asarray(m[r], np.int64) % 256).astype(np.uint8)
            for w in range(words):
                pkt.beats.append({"data": int.from_bytes(row[w * 64 : (w + 1) * 64].tobytes(), "little"), "tag": tag})
        return pkt

    def __str__(self) -> str:
        tags = sorted({b["tag"] for b in self.beats})
        return f"EsactOut[{len(self.beats)} beats, tag {tags}]"
