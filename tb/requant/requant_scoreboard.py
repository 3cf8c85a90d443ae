"""Scoreboard of requant: every output beat predicted with models.quant.requant."""

from __future__ import annotations

from models.quant import requant
from tb.common.scoreboard import InOrderScoreboard


class RequantScoreboard(InOrderScoreboard):
    def predict(self, pkt):
        out = self.cfg.items["out"]()
        for b in pkt.beats:
            bits = 16 if b["out16"] else 8
            y = requant([a + c for a, c in zip(b["acc"], b["bias"])], b["mult"], b["shift"], bits)
            out.beats.append({"data": [int(v) for v in y], "tag": b["tag"]})
        return [out]

    def compare(self, exp, act):
        return exp.diff(act)
