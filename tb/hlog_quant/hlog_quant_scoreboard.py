"""Scoreboard of hlog_quant: predicts each output beat with models/hlog.py."""

from __future__ import annotations

from models.hlog import hlog_encode
from tb.common.scoreboard import InOrderScoreboard

from .hlog_quant_item import HlogQuantCfg, HlogQuantOutItem


class HlogQuantScoreboard(InOrderScoreboard):
    def predict(self, item):
        code = hlog_encode(item.values, HlogQuantCfg.WIDTH, HlogQuantCfg.mode())
        return [HlogQuantOutItem.from_model(code)]

    def compare(self, exp, act):
        return exp.diff(act)
