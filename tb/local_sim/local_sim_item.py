"""Transactions of local_sim: a sequence packet of (row, head) keep masks in, row
results and column-needed masks out."""

from __future__ import annotations

import numpy as np

from tb.common.lane_item import LaneField, LanePacket
from tb.common.packing import list_to_bits


class LocalSimIn(LanePacket):
    FIELDS = ()


class LocalSimOut(LanePacket):
    FIELDS = ()


def item_types(p: dict) -> dict[str, type]:
    """Stream name -> item class of the build with HDL parameters ``p``."""
    t, h = p["T_MAX"], p["H_MAX"]
    idx_w = (t).bit_length()
    hw = (h + 1).bit_length()
    ov_w = (h * t).bit_length()
    return {
        "in": LocalSimIn.of((LaneField("mask", t), LaneField("head_last", 1), LaneField("window", idx_w),
                             LaneField("thr", ov_w), LaneField("heads", hw))),
        "out": LocalSimOut.of((LaneField("kind", 1), LaneField("row", idx_w), LaneField("rep", idx_w),
                               LaneField("overlap", ov_w), LaneField("mask", t), LaneField("err", 1))),
    }


def sequence(cls, keep: np.ndarray, window: int, thr: int, heads: int | None = None) -> LocalSimIn:
    """Packet of item class ``cls`` of keep masks (H, T, C): rows in order, heads within a row."""
    H, T, _ = keep.shape
    pkt = cls()
    for i in range(T):
        for h in range(H):
            pkt.beats.append({
                "mask": list_to_bits(keep[h, i]), "head_last": int(h == H - 1),
                "window": window, "thr": thr, "heads": H if heads is None else heads,
            })
    return pkt
