"""Transactions of gelu: packets of INT16 lanes in, i-GELU numerators out."""

from __future__ import annotations

from tb.common.lane_item import LaneField, LanePacket


class GeluIn(LanePacket):
    FIELDS = ()


class GeluOut(LanePacket):
    FIELDS = ()


def configure(p: dict) -> None:
    n = p["LANES"]
    GeluIn.FIELDS = (LaneField("q", p["IN_W"], n, True), LaneField("qb", p["QB_W"], 0, True), LaneField("qc", p["QC_W"]),
                     LaneField("tag", p["TAG_W"]))
    GeluOut.FIELDS = (LaneField("t", 52, n, True), LaneField("err", 1), LaneField("tag", p["TAG_W"]))
