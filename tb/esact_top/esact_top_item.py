"""Transactions of esact_top's load and output streams."""

from __future__ import annotations

import numpy as np

from tb.common.lane_item import LaneField, LanePacket

LD_BITS = 512


class EsactLd(LanePacket):
    """One load beat: 32-bit address, 64 data bytes."""

    FIELDS = (LaneField("addr", 32), LaneField("data", LD_BITS))
    LAST = False

    @classmethod
    def of(cls, addr: int, data: int) -> "EsactLd":
        return cls(beats=[{"addr": addr, "data": data}])


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
