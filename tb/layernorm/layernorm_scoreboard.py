"""Scoreboard of layernorm: predicts each row with models.intops.layernorm_int."""

from __future__ import annotations

import numpy as np

from models.intops import layernorm_int
from tb.common.scoreboard import InOrderScoreboard


def predict_row(pkt, n_max: int, lanes: int, out_type: type):
    """The output packet (of item class ``out_type``) of one row packet."""
    b0 = pkt.beats[0]
    n = b0["len"]
    out = out_type()
    try:
        if not 1 <= n <= n_max or len(pkt.beats) != -(-n // lanes):
            raise ValueError("row length / beat count")
        y = layernorm_int(pkt.col("r")[None, :n], pkt.col("g")[:n], pkt.col("b")[:n], b0["gf"])[0]
    except ValueError:
        out.beats.append({"y": [0] * lanes, "err": 1})
        return out
    y = np.concatenate([y, np.zeros(len(pkt.beats) * lanes - n, np.int64)])
    for i in range(len(pkt.beats)):
        out.beats.append({"y": [int(v) for v in y[i * lanes : (i + 1) * lanes]], "err": 0})
    return out


class LayernormScoreboard(InOrderScoreboard):
    def predict(self, pkt):
        p = self.cfg.params
        return [predict_row(pkt, p["N_MAX"], p["LANES"], self.cfg.items["out"])]

    def compare(self, exp, act):
        return exp.diff(act)
