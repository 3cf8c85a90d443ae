"""Transactions of layernorm: a residual row (with per-channel G, B) in, an INT8 row out."""

from __future__ import annotations

from tb.common.lane_item import LaneField, LanePacket


class LayernormIn(LanePacket):
    FIELDS = ()


class LayernormOut(LanePacket):
    FIELDS = ()


def item_types(p: dict) -> dict[str, type]:
    """Stream name -> item class of the build with HDL parameters ``p``."""
    n = p["LANES"]
    return {"in": LayernormIn.of((LaneField("r", p["IN_W"], n, True), LaneField("g", p["G_W"], n, True),
                                  LaneField("b", p["B_W"], n, True), LaneField("len", p["N_MAX"].bit_length()),
                                  LaneField("gf", 4))),
            "out": LayernormOut.of((LaneField("y", 8, n, True), LaneField("err", 1)))}


def row(cls, r, g, b, length, gf, lanes) -> LayernormIn:
    r, g, b = list(r), list(g), list(b)
    n_beats = max(1, -(-len(r) // lanes))
    pad = n_beats * lanes - len(r)
    r, g, b = r + [0] * pad, g + [0] * pad, b + [0] * pad
    pkt = cls()
    for i in range(n_beats):
        sl = slice(i * lanes, (i + 1) * lanes)
        pkt.beats.append({"r": r[sl], "g": g[sl], "b": b[sl], "len": length, "gf": gf})
    return pkt
