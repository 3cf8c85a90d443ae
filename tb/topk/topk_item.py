"""Transactions of topk: a row packet in, one keep-mask beat out."""

from __future__ import annotations

from tb.common.lane_item import LaneField, LanePacket


class TopkIn(LanePacket):
    FIELDS = ()


class TopkOut(LanePacket):
    FIELDS = ()
    LAST = False


def configure(p: dict) -> None:
    len_w = (p["T_MAX"]).bit_length()
    TopkIn.FIELDS = (
        LaneField("data", p["W"], p["LANES"], True),
        LaneField("len", len_w),
        LaneField("k", len_w),
    )
    TopkOut.FIELDS = (LaneField("keep", p["T_MAX"]), LaneField("err", 1))


def row(data, length, k, lanes) -> TopkIn:
    """A row packet: ceil(len(data)/lanes) beats, len/k on every beat."""
    pkt = TopkIn()
    data = list(data)
    n_beats = max(1, -(-len(data) // lanes))
    data += [0] * (n_beats * lanes - len(data))
    for i in range(n_beats):
        pkt.beats.append({"data": data[i * lanes : (i + 1) * lanes], "len": length, "k": k})
    return pkt
