"""Transactions of softmax: a score row in, a probability row out."""

from __future__ import annotations

import random

from tb.common.lane_item import LaneField, LanePacket


class SoftmaxIn(LanePacket):
    FIELDS = ()


class SoftmaxOut(LanePacket):
    FIELDS = ()


def item_types(p: dict) -> dict[str, type]:
    """Stream name -> item class of the build with HDL parameters ``p``."""
    n, len_w = p["LANES"], p["T_MAX"].bit_length()
    return {"in": SoftmaxIn.of((LaneField("score", p["IN_W"], n, True), LaneField("keep", 1, n),
                                LaneField("len", len_w), LaneField("mult", 15), LaneField("shift", 6))),
            "out": SoftmaxOut.of((LaneField("p", 8, n), LaneField("err", 1)))}


def row(cls, scores, keep, length, mult, shift, lanes) -> SoftmaxIn:
    """A row packet; the lanes of the last beat past the row carry random scores and keep
    bits (the unit ignores every position at or past the row length)."""
    scores, keep = list(scores), [int(k) for k in keep]
    n_beats = max(1, -(-len(scores) // lanes))
    pad = n_beats * lanes - len(scores)
    scores += [random.randint(-128, 127) for _ in range(pad)]
    keep += [random.randint(0, 1) for _ in range(n_beats * lanes - len(keep))]
    pkt = cls()
    for i in range(n_beats):
        sl = slice(i * lanes, (i + 1) * lanes)
        pkt.beats.append({"score": scores[sl], "keep": keep[sl], "len": length, "mult": mult, "shift": shift})
    return pkt
