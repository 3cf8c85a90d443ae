"""Scoreboard of gelu: predicts every beat with models.intops.gelu_int."""

from __future__ import annotations

from models.intops import gelu_int
from tb.common.scoreboard import InOrderScoreboard


class GeluScoreboard(InOrderScoreboard):
    def predict(self, pkt):
        out = self.cfg.items["out"]()
        for b in pkt.beats:
            try:
                t = [int(v) for v in gelu_int(b["q"], b["qb"], b["qc"])]
                out.beats.append({"t": t, "err": 0, "tag": b["tag"]})
            except ValueError:
                out.beats.append({"t": [0] * len(b["q"]), "err": 1, "tag": b["tag"]})
        return [out]

    def compare(self, exp, act):
        return exp.diff(act)
