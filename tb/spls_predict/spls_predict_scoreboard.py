"""Scoreboard of spls_predict: predicts the dot products with models.spls.predict_pam."""

from __future__ import annotations

from models.spls import predict_pam
from tb.common.scoreboard import InOrderScoreboard

from .spls_predict_item import SplsPredictOut


class SplsPredictScoreboard(InOrderScoreboard):
    MODE = "trunc"

    def predict(self, pkt):
        a, b = pkt.vectors()
        sums = predict_pam(a[None, :], b, heads=1, hlog_mode=self.MODE)[0, 0]
        return [SplsPredictOut(beats=[{"sum": [int(v) for v in sums]}])]

    def compare(self, exp, act):
        return exp.diff(act)
