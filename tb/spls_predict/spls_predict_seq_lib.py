"""Virtual sequences of spls_predict."""

from __future__ import annotations

import random

import numpy as np

from tb.common.unit_env import UnitVirtualSeq

from .spls_predict_item import packet


class SplsPredictBaseSeq(UnitVirtualSeq):
    """Random INT8 vectors of random length (1..12 beats)."""

    n_default = 40

    def packet(self, *args, **kw):
        """A packet of this build (spls_predict_item.packet)."""
        return packet(self.items["in"], *args, **kw)

    def vectors(self):
        rng = np.random.default_rng(random.getrandbits(32))
        n = random.randint(1, 12 * self.params["ELEMS"])
        return rng.integers(-128, 128, n), rng.integers(-128, 128, (self.params["LANES"], n))

    async def body(self):
        await self.send("in", [self.packet(*self.vectors()) for _ in range(self.n)])


class SplsPredictRandomSeq(SplsPredictBaseSeq):
    pass


class SplsPredictCornerSeq(SplsPredictBaseSeq):
    """Extreme operands: -128, 127, +-1, 0, level boundaries; long vectors of -128 for
    the largest sums; all-zero lanes."""

    VALUES = [-128, -127, -97, -96, -65, -64, -1, 0, 1, 2, 3, 5, 63, 64, 95, 96, 127]

    def vectors(self):
        rng = np.random.default_rng(random.getrandbits(32))
        lanes = self.params["LANES"]
        kind = random.choice(["values", "max", "zero"])
        n = random.choice([1, self.params["ELEMS"], 32 * self.params["ELEMS"], random.randint(1, 64)])
        if kind == "max":
            s = random.choice([-128, 127])
            return np.full(n, -128), np.full((lanes, n), s)
        if kind == "zero":
            b = rng.choice(self.VALUES, (lanes, n))
            b[rng.integers(0, lanes)] = 0
            return rng.choice(self.VALUES, n), b
        return rng.choice(self.VALUES, n), rng.choice(self.VALUES, (lanes, n))


class SplsPredictTraceSeq(SplsPredictBaseSeq):
    """Predicted attention of real MiniLM layers: a predicted query's head slice
    against LANES predicted keys, and Q^ prediction: a layer-input row against rows
    of W_Q."""

    def vectors(self):
        from tb.common.traces import random_layer

        lt = random_layer("spls")
        lanes = self.params["LANES"]
        if random.random() < 0.5:
            q8, k8 = lt.tr["pred_q8"], lt.tr["pred_k8"]
            h = random.randrange(12)
            i = random.randrange(q8.shape[0])
            js = [random.randrange(k8.shape[0]) for _ in range(lanes)]
            sl = slice(32 * h, 32 * (h + 1))
            return q8[i, sl], k8[js][:, sl]
        x = lt.tr["x"]
        i = random.randrange(x.shape[0])
        cs = [random.randrange(lt.lq.wq.shape[0]) for _ in range(lanes)]
        return x[i], lt.lq.wq[cs]
