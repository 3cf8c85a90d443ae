"""Virtual sequences of topk."""

from __future__ import annotations

import random

from tb.common.unit_env import UnitVirtualSeq

from .topk_item import row


class TopkBaseSeq(UnitVirtualSeq):
    """Random legal rows: random length and k, narrow (many ties) or wide scores."""

    n_default = 40

    def row(self, *args, **kw):
        """A row packet of this build (topk_item.row)."""
        return row(self.items["in"], *args, **kw)

    def scores(self, n):
        w = self.params["W"]
        kind = random.choice(["narrow", "wide", "wide"])
        if kind == "narrow":
            return [random.randint(-4, 4) for _ in range(n)]
        return [random.randint(-(1 << (w - 2)), (1 << (w - 2)) - 1) for _ in range(n)]

    def one(self):
        t = self.params["T_MAX"]
        n = random.randint(1, t)
        k = random.randint(1, n)
        return self.row(self.scores(n), n, k, self.params["LANES"])

    async def body(self):
        await self.send("in", [self.one() for _ in range(self.n)])


class TopkRandomSeq(TopkBaseSeq):
    pass


class TopkCornerSeq(TopkBaseSeq):
    """k = 1, k = len, len = 1 and T_MAX, all-equal rows, extreme scores."""

    def one(self):
        t, w = self.params["T_MAX"], self.params["W"]
        lo, hi = -(1 << (w - 1)), (1 << (w - 1)) - 1
        n = random.choice([1, t, random.randint(1, t)])
        k = random.choice([1, n, max(1, n // 4), random.randint(1, n)])
        kind = random.choice(["equal", "extreme", "narrow", "short_len"])
        if kind == "equal":
            data = [random.randint(lo, hi)] * n
        elif kind == "extreme":
            data = [random.choice([lo, hi, lo + 1, hi - 1, 0]) for _ in range(n)]
        elif kind == "short_len":
            n = random.randint(1, max(1, t // 2))
            k = random.choice([1, n])
            data = self.scores(n)
        else:
            data = [random.randint(-2, 2) for _ in range(n)]
        return self.row(data, n, k, self.params["LANES"])


class TopkErrorSeq(TopkBaseSeq):
    """Illegal rows interleaved with legal ones: each must give err and no hang.  The
    first rows take every kind once (in random order), the rest are drawn at random."""

    KINDS = ("len0", "len_over", "k0", "k_over", "beats", "wrap", "legal")

    def one(self):
        t, lanes = self.params["T_MAX"], self.params["LANES"]
        if not hasattr(self, "_first_kinds"):  # every kind once, in random order
            self._first_kinds = random.sample(self.KINDS, len(self.KINDS))
        kind = self._first_kinds.pop() if self._first_kinds else random.choice(self.KINDS)
        if kind == "wrap":
            # 2^ChW beats more than the row needs: a beat counter of ChW bits wraps back to
            # the right count, so only the sticky "more beats than any legal row" flag
            # tells this row from a legal one
            n = random.randint(1, t)
            pkt = self.row(self.scores(n), n, 1, lanes)
            chunks = -(-t // lanes)
            extra = 1 << chunks.bit_length()  # 2^ceil(log2(chunks + 1))
            pkt.beats += [dict(pkt.beats[-1]) for _ in range(extra)]
            return pkt
        if kind == "legal":
            return super().one()
        if kind == "len0":
            return self.row(self.scores(lanes), 0, 1, lanes)
        if kind == "len_over":
            return self.row(self.scores(t), t + 1, 1, lanes)
        n = random.randint(1, t)
        if kind == "k0":
            return self.row(self.scores(n), n, 0, lanes)
        if kind == "k_over":
            return self.row(self.scores(n), n, min(n + random.randint(1, 3), t), lanes) if n < t else self.row(self.scores(n), n, 0, lanes)
        if random.random() < 0.3:
            n = t  # a full-length row plus a beat: more beats than any legal row
        pkt = self.row(self.scores(n), n, 1, lanes)
        if n < t and len(pkt.beats) > 1 and random.random() < 0.5:
            pkt.beats.pop()  # one beat short
        else:
            pkt.beats.append(dict(pkt.beats[-1]))  # one beat too many
        return pkt


class TopkTraceSeq(TopkBaseSeq):
    """Predicted-attention rows of real MiniLM layers (SPLS traces) with the layer's k."""

    def one(self):
        from tb.common.traces import random_layer

        lt = random_layer("spls")
        pam = lt.tr["pam"]
        h, i = random.randrange(pam.shape[0]), random.randrange(pam.shape[1])
        n = min(pam.shape[2], self.params["T_MAX"])
        k = min(int(lt.tr["k_eff"]), n)
        return self.row(pam[h, i, :n].tolist(), n, k, self.params["LANES"])
