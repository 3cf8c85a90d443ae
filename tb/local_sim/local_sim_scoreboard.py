"""Scoreboard of local_sim: predicts the reuse map, overlaps and column masks with
models.spls (reuse_map, column_mask)."""

from __future__ import annotations

import numpy as np

from models.spls import column_mask, reuse_map
from tb.common.packing import bits_to_list, list_to_bits
from tb.common.scoreboard import InOrderScoreboard


def _err(out):
    out.beats.append({"kind": 0, "row": 0, "rep": 0, "overlap": 0, "mask": 0, "err": 1})
    return out


def predict_sequence(pkt, t_max: int, h_max: int, out_type: type):
    """The output packet (of item class ``out_type``) of one sequence packet."""
    b0 = pkt.beats[0]
    W, thr, H = b0["window"], b0["thr"], b0["heads"]
    out = out_type()
    # split into rows at head_last; a trailing chunk without head_last is malformed
    rows, cur = [], []
    for b in pkt.beats:
        cur.append(b)
        if b["head_last"]:
            rows.append(cur)
            cur = []
    if W == 0 or H == 0 or H > h_max:
        return _err(out)
    good = []
    for i, r in enumerate(rows):
        if len(r) != H or i >= t_max:
            break
        good.append(r)
    malformed = len(good) < len(rows) or cur
    if not good:
        return _err(out)
    keep = np.array([[bits_to_list(b["mask"], t_max) for b in r] for r in good]).transpose(1, 0, 2)
    tr: dict = {}
    rep = reuse_map(keep, W, thr, tr)
    for i in range(len(good)):
        out.beats.append({"kind": 0, "row": i, "rep": int(rep[i]), "overlap": int(tr["sim_overlap"][i]),
                          "mask": 0, "err": 0})
    if malformed:
        return _err(out)
    col = column_mask(keep, rep)
    for h in range(H):
        out.beats.append({"kind": 1, "row": h, "rep": 0, "overlap": 0, "mask": list_to_bits(col[h]), "err": 0})
    return out


class LocalSimScoreboard(InOrderScoreboard):
    def predict(self, pkt):
        p = self.cfg.params
        return [predict_sequence(pkt, p["T_MAX"], p["H_MAX"], self.cfg.items["out"])]

    def compare(self, exp, act):
        return exp.diff(act)

    def describe(self, item):
        if isinstance(item, self.cfg.items["out"]):
            rows = [(b["row"], b["rep"], b["overlap"]) for b in item.beats if b["kind"] == 0 and not b["err"]]
            err = any(b["err"] for b in item.beats)
            return f"rows(row, rep, overlap)={rows[:24]} col_beats={sum(b['kind'] for b in item.beats)} err={int(err)}"
        b0 = item.beats[0]
        return f"sequence(W={b0['window']}, thr={b0['thr']}, H={b0['heads']}, beats={len(item.beats)})"
