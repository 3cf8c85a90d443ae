"""Virtual sequences of layernorm."""

from __future__ import annotations

import random

import numpy as np

from models.intops import layernorm_constants
from tb.common.unit_env import UnitVirtualSeq

from .layernorm_item import row


def gains(n):
    rng = np.random.default_rng(random.getrandbits(32))
    gamma = rng.uniform(0.2, 3.0, n) * rng.choice([-1, 1], n, p=[0.05, 0.95])
    beta = rng.normal(0, 0.5, n)
    G, B, gf = layernorm_constants(gamma, beta, 2.0 ** random.uniform(-7, -2))
    return G.tolist(), B.tolist(), gf


class LayernormBaseSeq(UnitVirtualSeq):
    """Random rows: random length, spread and outlier channels."""

    n_default = 20

    def row(self, *args, **kw):
        """A row packet of this build (layernorm_item.row)."""
        return row(self.items["in"], *args, **kw)

    def one(self):
        n = random.randint(1, self.params["N_MAX"])
        rng = np.random.default_rng(random.getrandbits(32))
        spread = 2.0 ** random.uniform(2, 13)
        r = np.clip(np.rint(rng.normal(0, spread, n)), -(1 << 16), 1 << 16).astype(int)
        if random.random() < 0.5:  # BERT-like outlier channels
            idx = rng.integers(0, n, max(1, n // 64))
            r[idx] = np.clip(r[idx] * 20, -(1 << 16), 1 << 16)
        G, B, gf = gains(n)
        return self.row(r.tolist(), G, B, n, gf, self.params["LANES"])

    async def body(self):
        await self.send("in", [self.one() for _ in range(self.n)])


class LayernormRandomSeq(LayernormBaseSeq):
    pass


class LayernormCornerSeq(LayernormBaseSeq):
    """Constant rows (zero variance), +-2^16 extremes, N = 1 and N_MAX, saturating gains."""

    def one(self):
        nmax = self.params["N_MAX"]
        n = random.choice([1, nmax, random.randint(2, nmax)])
        kind = random.choice(["constant", "extreme", "saturate"])
        if kind == "constant":
            r = [random.randint(-(1 << 16), 1 << 16)] * n
        elif kind == "extreme":
            r = [random.choice([1 << 16, -(1 << 16), 0, 1, -1]) for _ in range(n)]
        else:
            r = [random.randint(-100, 100) for _ in range(n)]
        G, B, gf = gains(n)
        if kind == "saturate":
            G = [random.choice([32767, -32768]) for _ in range(n)]
            gf = random.randint(0, 3)
        return self.row(r, G, B, n, gf, self.params["LANES"])


class LayernormErrorSeq(LayernormBaseSeq):
    """N = 0, N > N_MAX, |r| > 2^16, wrong beat count; interleaved with legal rows."""

    def one(self):
        nmax, lanes = self.params["N_MAX"], self.params["LANES"]
        kind = random.choice(["len0", "len_over", "magnitude", "beats", "legal"])
        if kind == "legal":
            return super().one()
        n = random.randint(1, nmax)
        r = [random.randint(-1000, 1000) for _ in range(n)]
        G, B, gf = gains(n)
        if kind == "len0":
            return self.row(r, G, B, 0, gf, lanes)
        if kind == "len_over":
            extra = nmax + 1 - n
            return self.row(r + [0] * extra, G + [0] * extra, B + [0] * extra, nmax + 1, gf, lanes)
        if kind == "magnitude":
            r[random.randrange(n)] = random.choice([(1 << 16) + 1, -(1 << 16) - 1, (1 << 17) - 1])
            return self.row(r, G, B, n, gf, lanes)
        pkt = self.row(r, G, B, n, gf, lanes)
        if len(pkt.beats) > 1 and random.random() < 0.5:
            pkt.beats.pop()
        else:
            pkt.beats.append(dict(pkt.beats[-1]))
        return pkt


class LayernormTraceSeq(LayernormBaseSeq):
    """Residual rows (attention output + input) of real MiniLM layers with the layer's
    LayerNorm 1 gains, biases and gf (sliced to N_MAX channels)."""

    def one(self):
        from tb.common.traces import random_layer

        lt = random_layer()
        which = random.choice(["1", "2"])
        r = lt.tr["res1" if which == "1" else "res2"]
        G, B, gf = (lt.lq.ln1_g, lt.lq.ln1_b, lt.lq.ln1_gf) if which == "1" else (lt.lq.ln2_g, lt.lq.ln2_b, lt.lq.ln2_gf)
        n = min(r.shape[1], self.params["N_MAX"])
        i = random.randrange(r.shape[0])
        return self.row(r[i, :n].tolist(), G[:n].tolist(), B[:n].tolist(), n, gf, self.params["LANES"])
