"""Virtual sequences of softmax."""

from __future__ import annotations

import random

from models.intops import softmax_constants
from tb.common.unit_env import UnitVirtualSeq

from .softmax_item import row


def constants():
    """(mult, shift) for random but realistic q/k scales."""
    s = 2.0 ** random.uniform(-7, -2)
    return softmax_constants(s, s * random.uniform(0.5, 2), 32)


class SoftmaxBaseSeq(UnitVirtualSeq):
    """Random rows: random length, keep density and score spread."""

    n_default = 40

    def row(self, *args, **kw):
        """A row packet of this build (softmax_item.row)."""
        return row(self.items["in"], *args, **kw)

    def one(self):
        t, lanes = self.params["T_MAX"], self.params["LANES"]
        n = random.randint(1, t)
        spread = random.choice([2**4, 2**10, 2**14, 2**18])
        scores = [random.randint(-spread, spread) for _ in range(n)]
        dens = random.random()
        keep = [random.random() < dens for _ in range(n)]
        keep[random.randrange(n)] = True
        return self.row(scores, keep, n, *constants(), lanes)

    async def body(self):
        await self.send("in", [self.one() for _ in range(self.n)])


class SoftmaxRandomSeq(SoftmaxBaseSeq):
    pass


class SoftmaxCornerSeq(SoftmaxBaseSeq):
    """One kept entry (p = 255), all kept, equal scores, extreme scores that underflow
    the exponential, full-scale INT32 scores, len 1 and T_MAX."""

    def one(self):
        t, lanes, w = self.params["T_MAX"], self.params["LANES"], self.params["IN_W"]
        n = random.choice([1, t, random.randint(1, t)])
        kind = random.choice(["single", "all_equal", "extreme", "underflow"])
        lo, hi = -(1 << (w - 1)), (1 << (w - 1)) - 1
        if kind == "single":
            keep = [False] * n
            keep[random.randrange(n)] = True
            return self.row([random.randint(lo, hi) for _ in range(n)], keep, n, *constants(), lanes)
        if kind == "all_equal":
            return self.row([random.randint(lo, hi)] * n, [True] * n, n, *constants(), lanes)
        if kind == "extreme":
            return self.row([random.choice([lo, hi, 0]) for _ in range(n)], [True] * n, n, *constants(), lanes)
        scores = [random.randint(-(2**20), 2**20) for _ in range(n)]
        return self.row(scores, [random.random() < 0.7 or i == 0 for i in range(n)], n, *constants(), lanes)


class SoftmaxErrorSeq(SoftmaxBaseSeq):
    """len 0, len > T_MAX, no kept entry, wrong beat count; interleaved with legal rows."""

    def one(self):
        t, lanes = self.params["T_MAX"], self.params["LANES"]
        kind = random.choice(["len0", "len_over", "none_kept", "beats", "legal"])
        if kind == "legal":
            return super().one()
        n = random.randint(1, t)
        scores = [random.randint(-1000, 1000) for _ in range(n)]
        if kind == "len0":
            return self.row(scores, [True] * n, 0, *constants(), lanes)
        if kind == "len_over":
            return self.row(scores + [0] * (t + 1 - n), [True] * (t + 1), t + 1, *constants(), lanes)
        if kind == "none_kept":
            return self.row(scores, [False] * n, n, *constants(), lanes)
        pkt = self.row(scores, [True] * n, n, *constants(), lanes)
        if len(pkt.beats) > 1 and random.random() < 0.5:
            pkt.beats.pop()
        else:
            pkt.beats.append(dict(pkt.beats[-1]))
        return pkt


class SoftmaxTraceSeq(SoftmaxBaseSeq):
    """Attention score rows of representative queries of real MiniLM layers, with their
    kept sets and the layer's softmax constants."""

    def one(self):
        from tb.common.traces import random_layer

        lt = random_layer()
        rep = lt.tr["rep"]
        reps = [i for i in range(len(rep)) if rep[i] == i]
        h, i = random.randrange(12), random.choice(reps)
        n = min(len(rep), self.params["T_MAX"])
        keep = lt.tr["keep"][h, i, :n].tolist()
        if not any(keep):
            keep[0] = True
        return self.row(lt.tr["scores"][h, i, :n].tolist(), keep, n, lt.lq.sm_mult, lt.lq.sm_shift, self.params["LANES"])
