"""Virtual sequences of gelu."""

from __future__ import annotations

import random

from models.intops import gelu_constants
from tb.common.unit_env import UnitVirtualSeq


def consts():
    qb, qc, _ = gelu_constants(2.0 ** random.uniform(-14, -7))
    return qb, qc


class GeluBaseSeq(UnitVirtualSeq):
    """Packets of 1..4 beats of random INT16 inputs with constants of a random scale."""

    n_default = 60

    def lane(self, qb):
        return random.randint(-32768, 32767)

    def one(self):
        qb, qc = consts()
        pkt = self.items["in"]()
        for _ in range(random.randint(1, 4)):
            pkt.beats.append({"q": [self.lane(qb) for _ in range(self.params["LANES"])], "qb": qb, "qc": qc,
                              "tag": random.getrandbits(self.params["TAG_W"])})
        return pkt

    async def body(self):
        await self.send("in", [self.one() for _ in range(self.n)])


class GeluRandomSeq(GeluBaseSeq):
    pass


class GeluCornerSeq(GeluBaseSeq):
    """Extremes and the clipping boundary |q| = -qb +- 1 on both signs."""

    def lane(self, qb):
        b = -qb
        return max(-32768, min(32767, random.choice([-32768, 32767, 0, 1, -1, b, -b, b - 1, -b + 1, b + 1, -b - 1])))


class GeluErrorSeq(GeluBaseSeq):
    """Illegal positive qb in some packets."""

    def one(self):
        pkt = super().one()
        if random.random() < 0.4:
            bad = random.randint(1, 1 << 10)
            for b in pkt.beats:
                b["qb"] = bad
        return pkt


class GeluTraceSeq(GeluBaseSeq):
    """FFN intermediates (INT16 GELU inputs) of real MiniLM layers with the layer's
    i-GELU constants."""

    def one(self):
        from tb.common.traces import random_layer

        lt = random_layer()
        f1 = lt.tr["f1"]
        lanes = self.params["LANES"]
        i, c0 = random.randrange(f1.shape[0]), random.randrange(0, f1.shape[1] - 4 * lanes)
        pkt = self.items["in"]()
        for b in range(4):
            pkt.beats.append({"q": f1[i, c0 + b * lanes : c0 + (b + 1) * lanes].tolist(),
                              "qb": lt.lq.gelu_qb, "qc": lt.lq.gelu_qc, "tag": random.getrandbits(self.params["TAG_W"])})
        return pkt
