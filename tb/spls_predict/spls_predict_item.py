"""Transactions of spls_predict: a packet of (a, b_j) vector slices in, one beat of
LANES dot products out."""

from __future__ import annotations

import numpy as np

from tb.common.lane_item import LaneField, LanePacket


class SplsPredictIn(LanePacket):
    FIELDS = ()
    LANES = 0  # bound per build with FIELDS (item_types)
    ELEMS = 0

    def vectors(self) -> tuple[np.ndarray, np.ndarray]:
        """(a (N,), B (LANES, N)) over the whole packet."""
        a = self.col("a")
        b = np.array([bt["b"] for bt in self.beats]).reshape(len(self.beats), self.LANES, self.ELEMS)
        return a, b.transpose(1, 0, 2).reshape(self.LANES, -1)


class SplsPredictOut(LanePacket):
    FIELDS = ()
    LAST = False


def item_types(p: dict) -> dict[str, type]:
    """Stream name -> item class of the build with HDL parameters ``p``."""
    return {"in": SplsPredictIn.of((LaneField("a", 8, p["ELEMS"], True), LaneField("b", 8, p["LANES"] * p["ELEMS"], True)),
                                   LANES=p["LANES"], ELEMS=p["ELEMS"]),
            "out": SplsPredictOut.of((LaneField("sum", p["ACC_W"], p["LANES"], True),))}


def packet(cls, a: np.ndarray, b: np.ndarray) -> SplsPredictIn:
    """A packet of item class ``cls``: a (N,), b (LANES, N), zero-padded to whole beats."""
    lanes, elems = cls.LANES, cls.ELEMS
    n = len(a)
    beats = max(1, -(-n // elems))
    ap = np.zeros(beats * elems, np.int64)
    ap[:n] = a
    bp = np.zeros((lanes, beats * elems), np.int64)
    bp[: b.shape[0], :n] = b
    pkt = cls()
    for i in range(beats):
        sl = slice(i * elems, (i + 1) * elems)
        pkt.beats.append({"a": ap[sl].tolist(), "b": bp[:, sl].reshape(-1).tolist()})
    return pkt
