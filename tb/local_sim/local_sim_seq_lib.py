"""Virtual sequences of local_sim."""

from __future__ import annotations

import math
import random

import numpy as np

from models.spls import topk_mask
from tb.common.unit_env import UnitVirtualSeq

from .local_sim_item import sequence


def local_keep(H: int, T: int, k: int, similarity: float) -> np.ndarray:
    """Top-k masks of PAM rows with local structure: each row's scores are the previous
    row's, redrawn with probability 1 - similarity (so neighbours share kept columns)."""
    rng = np.random.default_rng(random.getrandbits(32))
    pam = np.zeros((H, T, T), np.int64)
    pam[:, 0] = rng.integers(-100, 100, (H, T))
    for i in range(1, T):
        redraw = rng.random((H, T)) > similarity
        pam[:, i] = np.where(redraw, rng.integers(-100, 100, (H, T)), pam[:, i - 1])
    return topk_mask(pam, k)


class LocalSimBaseSeq(UnitVirtualSeq):
    """Random sequences: T, H, k, window, tau and row-to-row similarity all random."""

    n_default = 16

    def sequence(self, *args, **kw):
        """A sequence packet of this build (local_sim_item.sequence)."""
        return sequence(self.items["in"], *args, **kw)

    def one(self):
        p = self.params
        T = random.randint(1, p["T_MAX"])
        H = random.randint(1, p["H_MAX"])
        k = random.randint(1, T)
        keep = local_keep(H, T, k, random.random())
        W = random.randint(1, 8)
        thr = math.ceil(random.random() * H * k)
        return self.sequence(keep, W, thr)

    async def body(self):
        await self.send("in", [self.one() for _ in range(self.n)])


class LocalSimRandomSeq(LocalSimBaseSeq):
    pass


class LocalSimCornerSeq(LocalSimBaseSeq):
    """W = 1, tau at both ends (thr 0 and H*k), identical rows (all reuse), alternating
    rows, long sequences hitting the window limit, k = 1 and k = T."""

    def one(self):
        p = self.params
        T = random.choice([p["T_MAX"], random.randint(2, p["T_MAX"])])
        H = random.choice([1, p["H_MAX"], random.randint(1, p["H_MAX"])])
        k = random.choice([1, T, random.randint(1, T)])
        kind = random.choice(["same", "alternating", "random", "window1", "thr0", "thrmax"])
        if kind == "same":
            keep = np.repeat(local_keep(H, T, k, 0.0)[:, :1], T, axis=1)
        elif kind == "alternating":
            a, b = local_keep(H, T, k, 0.0)[:, :1], local_keep(H, T, k, 0.0)[:, :1]
            keep = np.concatenate([a if i % 2 == 0 else b for i in range(T)], axis=1)
            for i in range(1, T, 2):  # make odd rows disjoint from even ones where possible
                keep[:, i] = ~keep[:, i - 1] if 2 * k <= T else keep[:, i]
                keep[:, i, T:] = False
        else:
            keep = local_keep(H, T, k, random.random())
        W = 1 if kind == "window1" else random.choice([2, 3, 4, 8, T])
        thr = 0 if kind == "thr0" else H * k if kind == "thrmax" else random.choice([0, H * k, math.ceil(0.75 * H * k)])
        if kind == "alternating":
            W, thr = max(W, 3), H * k
        return self.sequence(keep, W, thr)


    def directed(self) -> list:
        """Two reuse patterns that random draws reach only by chance, by construction (so
        every seed closes cg_seq): identical rows with window 2 and a threshold strictly
        inside 0..H*k -- each representative covers one more row, so every second row
        reuses (alternating x between) -- and threshold 0 with a window of 5..8 over more
        than W + 1 rows -- runs of W - 1 reuses, a new representative at each window end
        (long_runs x zero) -- and threshold 0 with the window spanning the sequence: every
        row reuses row 0 (all_reuse x zero; SEED=23 of 2026-12-04 missed it by chance)."""
        p = self.params
        out = []
        T = random.randint(3, p["T_MAX"])
        H = random.randint(1, p["H_MAX"])
        k = random.randint(1 if H > 1 else 2, T)  # H*k >= 2: a threshold strictly between
        keep = np.repeat(local_keep(H, T, k, 0.0)[:, :1], T, axis=1)
        out.append(self.sequence(keep, 2, random.randint(1, H * k - 1)))
        if p["T_MAX"] >= 7:
            W = random.randint(5, min(8, p["T_MAX"] - 2))
            T = random.randint(W + 2, p["T_MAX"])
            H = random.randint(1, p["H_MAX"])
            out.append(self.sequence(local_keep(H, T, random.randint(1, T), random.random()), W, 0))
        T = random.randint(2, p["T_MAX"])
        H = random.randint(1, p["H_MAX"])
        out.append(self.sequence(local_keep(H, T, random.randint(1, T), random.random()), T, 0))
        return out

    async def body(self):
        await self.send("in", self.directed() + [self.one() for _ in range(self.n)])


class LocalSimErrorSeq(LocalSimBaseSeq):
    """Window 0, H = 0, H > H_MAX, wrong beats per row, interleaved with legal ones."""

    def one(self):
        p = self.params
        kind = random.choice(["window0", "heads0", "heads_over", "row_beats", "row_beats_over", "legal"])
        if kind == "legal":
            return super().one()
        T = random.randint(2, p["T_MAX"])
        # row_beats_over: H = H_MAX and a head too many, more beats in a row than heads exist
        H = p["H_MAX"] if kind == "row_beats_over" else random.randint(1, p["H_MAX"])
        keep = local_keep(H, T, random.randint(1, T), 0.5)
        if kind == "window0":
            return self.sequence(keep, 0, 1)
        if kind == "heads0":
            return self.sequence(keep, 2, 1, heads=0)
        if kind == "heads_over":
            return self.sequence(keep, 2, 1, heads=p["H_MAX"] + 1)
        pkt = self.sequence(keep, 2, 1)
        row = random.randint(0, T - 1)
        idx = row * H + H - 1  # the row's last beat
        if kind == "row_beats" and random.random() < 0.5 and H > 1:
            del pkt.beats[idx - 1]  # a row one head short
        else:
            extra = dict(pkt.beats[idx])
            pkt.beats[idx] = dict(pkt.beats[idx], head_last=0)
            pkt.beats.insert(idx + 1, extra)  # a row one head long
        return pkt


class LocalSimTraceSeq(LocalSimBaseSeq):
    """Real top-k masks of MiniLM layers with the default operating point's window and
    threshold (sliced to the unit's T_MAX / H_MAX)."""

    n_default = 6

    def one(self):
        from models.spls import similarity_threshold
        from tb.common.traces import random_layer

        lt = random_layer("spls")
        keep = lt.tr["keep"]
        t, h = min(keep.shape[1], self.params["T_MAX"]), min(keep.shape[0], self.params["H_MAX"])
        keep = keep[:h, :t, :t]
        k = int(lt.tr["k_eff"])
        return self.sequence(keep, lt.cfg.window, similarity_threshold(lt.cfg.tau, h, k))
