"""Transactions of requant: packets of LANES-lane beats."""

from __future__ import annotations

from tb.common.lane_item import LaneField, LanePacket


class RequantIn(LanePacket):
    FIELDS = ()


class RequantOut(LanePacket):
    FIELDS = ()


def item_types(p: dict) -> dict[str, type]:
    """Stream name -> item class of the build with HDL parameters ``p``."""
    n = p["LANES"]
    return {"in": RequantIn.of((
        LaneField("acc", p["IN_W"], n, True),
        LaneField("bias", p["BIAS_W"], n, True),
        LaneField("mult", p["MULT_W"], n),
        LaneField("shift", p["SH_W"], n),
        LaneField("out16", 1),
        LaneField("tag", p["TAG_W"]),
    )), "out": RequantOut.of((LaneField("data", 16, n, True), LaneField("tag", p["TAG_W"])))}
