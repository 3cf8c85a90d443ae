"""Transactions of gelu: packets of INT16 lanes in, i-GELU numerators out."""

from __future__ import annotations

from tb.common.lane_item import LaneField, LanePacket


class GeluIn(LanePacket):
    FIELDS = ()


class GeluOut(LanePacket):
    FIELDS = ()


def item_types(p: dict) -> dict[str, type]:
    """Stream name -> item class of the build with HDL parameters ``p``."""
    n = p["LANES"]
    return {"in": GeluIn.of((LaneField("q", p["IN_W"], n, True), LaneField("qb", p["QB_W"], 0, True),
                             LaneField("qc", p["QC_W"]), LaneField("tag", p["TAG_W"]))),
            "out": GeluOut.of((LaneField("t", 52, n, True), LaneField("err", 1), LaneField("tag", p["TAG_W"])))}
