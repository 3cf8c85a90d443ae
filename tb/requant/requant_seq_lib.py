"""Virtual sequences of requant."""

from __future__ import annotations

import random

from tb.common.unit_env import UnitVirtualSeq


class RequantBaseSeq(UnitVirtualSeq):
    """Packets of 1..4 beats; realistic accumulators with ratios from make_requant."""

    n_default = 60

    def lane(self, p):
        from models.quant import make_requant

        ratio = 2.0 ** random.uniform(-40, 4)
        rq = make_requant(ratio, 8)
        acc_bits = random.choice([8, 16, 24, 32])
        acc = random.randint(-(1 << (acc_bits - 1)), (1 << (acc_bits - 1)) - 1)
        bias = random.randint(-(1 << 20), 1 << 20)
        return acc, bias, int(rq.mult), int(rq.shift)

    def packet(self):
        p = self.params
        pkt = self.items["in"]()
        out16 = random.randint(0, 1)
        for _ in range(random.randint(1, 4)):
            lanes = [self.lane(p) for _ in range(p["LANES"])]
            pkt.beats.append({
                "acc": [x[0] for x in lanes], "bias": [x[1] for x in lanes],
                "mult": [x[2] for x in lanes], "shift": [x[3] for x in lanes], "out16": out16,
                "tag": random.getrandbits(p["TAG_W"]),
            })
        return pkt

    async def body(self):
        await self.send("in", [self.packet() for _ in range(self.n)])


class RequantRandomSeq(RequantBaseSeq):
    pass


class RequantCornerSeq(RequantBaseSeq):
    """Extremes: full-width accumulators and biases, mult 0 and max, shifts 0/1/max,
    exact ties of both signs, saturation both ways, and results exactly at and one past
    each saturation bound of both output widths (127/128, -128/-129, 32767/32768,
    -32768/-32769: an off-by-one bound changes only these)."""

    def lane(self, p):
        amax = (1 << (p["IN_W"] - 1)) - 1
        bmax = (1 << (p["BIAS_W"] - 1)) - 1
        mmax = (1 << p["MULT_W"]) - 1
        smax = (1 << p["SH_W"]) - 1
        kind = random.choice(["ext", "tie", "sat", "zero", "edge"])
        if kind == "edge":
            v = random.choice([127, 128, -128, -129, 32767, 32768, -32768, -32769])
            return max(-amax - 1, min(amax, v)), 0, 1, 0
        if kind == "ext":
            return (random.choice([amax, -amax - 1, 0, 1, -1]), random.choice([bmax, -bmax - 1, 0]),
                    random.choice([0, 1, mmax]), random.choice([0, 1, smax]))
        if kind == "tie":
            sh = random.randint(1, 20)
            v = random.choice([1, -1]) * ((2 * random.randint(0, 50) + 1) << (sh - 1))
            return v, 0, 1, sh
        if kind == "sat":
            return random.choice([1, -1]) * random.randint(1 << 20, 1 << 30), 0, mmax, random.randint(0, 10)
        return 0, 0, random.randint(0, mmax), random.randint(0, smax)


class RequantTraceSeq(RequantBaseSeq):
    """i-GELU numerators of real MiniLM layers with the layer's per-channel GELU-output
    requantization (52-bit accumulators, INT8 out)."""

    def packet(self):
        from tb.common.traces import random_layer

        lt = random_layer()
        t, rq = lt.tr["gelu_t"], lt.lq.rq_g
        lanes = self.params["LANES"]
        i, c0 = random.randrange(t.shape[0]), random.randrange(0, t.shape[1] - 4 * lanes)
        pkt = self.items["in"]()
        for b in range(random.randint(1, 4)):
            cs = slice(c0 + b * lanes, c0 + (b + 1) * lanes)
            pkt.beats.append({"acc": t[i, cs].tolist(), "bias": [0] * lanes, "mult": rq.mult[cs].tolist(),
                              "shift": rq.shift[cs].tolist(), "out16": 0,
                              "tag": random.getrandbits(self.params["TAG_W"])})
        return pkt
