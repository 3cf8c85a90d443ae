"""Scoreboard of softmax: predicts each probability row with models.intops.softmax_int."""

from __future__ import annotations

import numpy as np

from models.intops import softmax_int
from tb.common.scoreboard import InOrderScoreboard


def predict_row(pkt, t_max: int, lanes: int, out_type: type):
    """The output packet (of item class ``out_type``) of one row packet."""
    b0 = pkt.beats[0]
    n = b0["len"]
    out = out_type()
    scores = pkt.col("score")[:n]
    keep = pkt.col("keep")[:n].astype(bool)
    if not 1 <= n <= t_max or len(pkt.beats) != -(-n // lanes) or not keep.any():
        out.beats.append({"p": [0] * lanes, "err": 1})
        return out
    p = softmax_int(scores[None, :], keep[None, :], b0["mult"], b0["shift"])[0]
    p = np.concatenate([p, np.zeros(len(pkt.beats) * lanes - n, np.int64)])
    for i in range(len(pkt.beats)):
        out.beats.append({"p": [int(v) for v in p[i * lanes : (i + 1) * lanes]], "err": 0})
    return out


class SoftmaxScoreboard(InOrderScoreboard):
    def predict(self, pkt):
        p = self.cfg.params
        return [predict_row(pkt, p["T_MAX"], p["LANES"], self.cfg.items["out"])]

    def compare(self, exp, act):
        return exp.diff(act)
