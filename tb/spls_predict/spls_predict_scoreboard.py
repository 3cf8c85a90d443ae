"""Scoreboard of spls_predict: predicts the dot products with models.spls.predict_pam."""

from __future__ import annotations

from models.spls import predict_pam
from tb.common.scoreboard import InOrderScoreboard


class SplsPredictScoreboard(InOrderScoreboard):
    def predict(self, pkt):
        a, b = pkt.vectors()
        mode = "round" if self.cfg.params["ROUND"] else "trunc"
        sums = predict_pam(a[None, :], b, heads=1, hlog_mode=mode)[0, 0]
        return [self.cfg.items["out"](beats=[{"sum": [int(v) for v in sums]}])]

    def compare(self, exp, act):
        return exp.diff(act)
