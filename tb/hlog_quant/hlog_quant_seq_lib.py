"""Virtual sequences of hlog_quant: random (base), exhaustive, corner values."""

from __future__ import annotations

import random

from tb.common.unit_env import UnitVirtualSeq



class HlogQuantBaseSeq(UnitVirtualSeq):
    """Random signed values, uniform over the input range; ``n`` beats (``JOBS_N``)."""

    n_default = 256

    def values(self) -> list[int]:
        w = self.params["WIDTH"]
        lo, hi = -(1 << (w - 1)), (1 << (w - 1)) - 1
        return [random.randint(lo, hi) for _ in range(self.n * self.params["LANES"])]

    async def body(self):
        vals = self.values()
        lanes = self.params["LANES"]
        if len(vals) % lanes:  # pad the last beat with zeros
            vals = vals + [0] * (lanes - len(vals) % lanes)
        item = self.items["in"]
        await self.send("in", [item("x", vals[i : i + lanes]) for i in range(0, len(vals), lanes)])


class HlogQuantRandomSeq(HlogQuantBaseSeq):
    pass


class HlogQuantExhaustiveSeq(HlogQuantBaseSeq):
    """Every input code once, in a random order (so lanes see different neighbours)."""

    def values(self) -> list[int]:
        w = self.params["WIDTH"]
        vals = list(range(-(1 << (w - 1)), 1 << (w - 1)))
        random.shuffle(vals)
        return vals


class HlogQuantCornerSeq(HlogQuantBaseSeq):
    """Extremes and level boundaries: min, -1, 0, 1, max, and each 2^p - 1, 2^p, 2^p + 1,
    3*2^(p-1) +- 1 on both signs, repeated in random lane positions."""

    def values(self) -> list[int]:
        w = self.params["WIDTH"]
        lo, hi = -(1 << (w - 1)), (1 << (w - 1)) - 1
        base = {lo, lo + 1, -1, 0, 1, hi, hi - 1}
        for p in range(w - 1):
            for v in ((1 << p) - 1, 1 << p, (1 << p) + 1, 3 << p >> 1, (3 << p >> 1) + 1, (3 << p >> 1) - 1):
                for s in (v, -v):
                    if lo <= s <= hi:
                        base.add(s)
        vals = sorted(base) * 4
        random.shuffle(vals)
        return vals


class HlogQuantTraceSeq(HlogQuantBaseSeq):
    """Layer inputs (INT8 activations) of real MiniLM layers, the prediction unit's
    operands."""

    def values(self) -> list[int]:
        from tb.common.traces import random_layer

        x = random_layer().tr["x"]
        i = random.randrange(x.shape[0])
        vals = x[i].tolist()
        return vals[: self.n * self.params["LANES"]] if self.params["WIDTH"] == 8 else []
