"""Transactions of esact_top's load and output streams."""

from __future__ import annotations

import numpy as np

from tb.common.lane_item import LaneField, LanePacket

LD_BITS = 512


class EsactLd(LanePacket):
    """Load beats, each a 32-bit address and 64 data bytes.  The sequences send bursts
    (one item, many beats); the monitor reports every beat as an item of its own (the
    load stream has no `last`)."""

    FIELDS = (LaneField("addr", 32), LaneField("data", LD_BITS))
    LAST = False

    @classmethod
    def burst(cls, pairs) -> "EsactLd":
        """One item of (address, data) beats."""
        return cls(beats=[{"addr": a, "data": d} for a, d in pairs])


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
