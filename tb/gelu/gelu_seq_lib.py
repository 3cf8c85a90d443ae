"""Virtual sequences of gelu."""

from __future__ import annotations

import random

from models.intops import gelu_constants
from tb.common.unit_env import UnitVirtualSeq

from .gelu_item import GeluIn


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
        pkt = GeluIn()
        for _ in range(random.randint(1, 4)):
            pkt.beats.append({"q": [self.lane(qb) for _ in range(self.params["LANES"])], "qb": qb, "qc": qc})
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
