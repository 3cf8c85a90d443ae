"""Scoreboard of hlog_quant: predicts each output beat with models/hlog.py."""

from __future__ import annotations

from models.hlog import hlog_encode
from tb.common.scoreboard import InOrderScoreboard


class HlogQuantScoreboard(InOrderScoreboard):
    def predict(self, item):
        p = self.cfg.params
        code = hlog_encode(item.values, p["WIDTH"], "round" if p["ROUND"] else "trunc")
        return [self.cfg.items["out"].from_model(code)]

    def compare(self, exp, act):
        return exp.diff(act)
