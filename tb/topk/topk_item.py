"""Transactions of topk: a row packet in, one keep-mask beat out."""

from __future__ import annotations

from tb.common.lane_item import LaneField, LanePacket


class TopkIn(LanePacket):
    FIELDS = ()


class TopkOut(LanePacket):
    FIELDS = ()
    LAST = False


def item_types(p: dict) -> dict[str, type]:
    """Stream name -> item class of the build with HDL parameters ``p``."""
    len_w = (p["T_MAX"]).bit_length()
    return {"in": TopkIn.of((LaneField("data", p["W"], p["LANES"], True), LaneField("len", len_w),
                             LaneField("k", len_w))),
            "out": TopkOut.of((LaneField("keep", p["T_MAX"]), LaneField("err", 1)))}


def row(cls, data, length, k, lanes) -> TopkIn:
    """A row packet of item class ``cls``: ceil(len(data)/lanes) beats, len/k on every beat."""
    pkt = cls()
    data = list(data)
    n_beats = max(1, -(-len(data) // lanes))
    data += [0] * (n_beats * lanes - len(data))
    for i in range(n_beats):
        pkt.beats.append({"data": data[i * lanes : (i + 1) * lanes], "len": length, "k": k})
    return pkt
