"""Scoreboard of topk: predicts the keep mask with models.spls.topk_mask."""

from __future__ import annotations

import numpy as np

from models.spls import topk_mask
from tb.common.packing import list_to_bits
from tb.common.scoreboard import InOrderScoreboard


def predict_row(pkt, t_max: int, lanes: int) -> tuple[int, int]:
    """(keep bits, err) of one row packet, as the RTL must compute them."""
    length, k = pkt.beats[0]["len"], pkt.beats[0]["k"]
    legal = 1 <= length <= t_max and len(pkt.beats) == -(-length // lanes)
    scores = pkt.col("data")[:length]
    try:
        if not legal:
            raise ValueError("row length / beat count")
        keep = topk_mask(scores[None, :], int(k))[0]  # raises on k = 0 or k > len
    except ValueError:
        return 0, 1
    return list_to_bits(keep), 0


class TopkScoreboard(InOrderScoreboard):
    def build_phase(self):
        super().build_phase()
        self.t_max, self.lanes = self.cfg.params["T_MAX"], self.cfg.params["LANES"]
        self.out_type = self.cfg.items["out"]

    def predict(self, pkt):
        keep, err = predict_row(pkt, self.t_max, self.lanes)
        return [self.out_type(beats=[{"keep": keep, "err": err}])]

    def compare(self, exp, act):
        return exp.diff(act)

    def describe(self, item):
        if isinstance(item, self.out_type):
            b = item.beats[0]
            return f"keep={np.flatnonzero([(b['keep'] >> i) & 1 for i in range(self.t_max)]).tolist()} err={b['err']}"
        b = item.beats[0]
        return f"row(len={b['len']}, k={b['k']}, beats={len(item.beats)}, scores={item.col('data')[:b['len']].tolist()})"
