"""Virtual sequences of gemm: each job loads its operands, waits until they are in,
then issues the command."""

from __future__ import annotations

import random

import cocotb
import numpy as np
from cocotb.triggers import ClockCycles

from tb.common.unit_env import UnitVirtualSeq

from . import gemm_item


class GemmBaseSeq(UnitVirtualSeq):
    """Random jobs: random sizes, mask densities and signedness."""

    n_default = 20

    @property
    def P(self) -> gemm_item.GemmParams:
        """The HDL parameters of the build."""
        return self.items["cmd"].P

    def command(self, *args, **kw):
        return gemm_item.command(self.items["cmd"], *args, **kw)

    def loads_a(self, *args, **kw):
        return gemm_item.loads_a(self.items["ld"], *args, **kw)

    def loads_b(self, *args, **kw):
        return gemm_item.loads_b(self.items["ld"], *args, **kw)

    def rng(self):
        return np.random.default_rng(random.getrandbits(32))

    def job(self):
        g = self.rng()
        m = random.randint(1, self.P.M_MAX)
        n = random.randint(1, self.P.N_MAX)
        k = random.randint(1, self.P.K_MAX)
        nt = self.P.n_tiles
        uns = random.random() < 0.25
        a = g.integers(0, 256, (m, k)) if uns else g.integers(-128, 128, (m, k))
        b = g.integers(-128, 128, (k, n))
        dens = [random.choice([0.2, 0.6, 1.0]) for _ in range(2)] + [random.choice([0.0, 0.2, 0.6, 1.0])]
        rows = (g.random(self.P.M_MAX) < dens[0]).tolist()
        cts = (g.random(nt) < dens[1]).tolist()
        ks = (g.random(self.P.K_MAX) < dens[2]).tolist()
        rows[random.randrange(m)] = True
        cts[random.randrange(-(-n // self.P.PE_C))] = True
        return a, b, self.command(m, n, k, uns, rows, cts, ks)

    async def run_job(self, a, b, cmd):
        # half the jobs fill the lanes past the matrix edges with random bytes
        junk = self.rng() if random.random() < 0.5 else None
        await self.send("ld", self.loads_a(a, junk) + self.loads_b(b, junk))
        await self.wait_idle("ld")
        await self.send("cmd", [cmd])
        # the command must be accepted before the next job's loads may start: the
        # engine blocks loads only once a job is running
        await self.wait_idle("cmd")

    async def body(self):
        for _ in range(self.n):
            await self.run_job(*self.job())


class GemmRandomSeq(GemmBaseSeq):
    pass


class GemmDenseSeq(GemmBaseSeq):
    """Dense GEMMs of full and partial tile shapes, all masks set."""

    def job(self):
        g = self.rng()
        m = random.choice([self.P.M_MAX, self.P.PE_R, random.randint(1, self.P.M_MAX)])
        n = random.choice([self.P.N_MAX, self.P.PE_C, random.randint(1, self.P.N_MAX)])
        k = random.choice([self.P.K_MAX, 1, random.randint(1, self.P.K_MAX)])
        return g.integers(-128, 128, (m, k)), g.integers(-128, 128, (k, n)), self.command(m, n, k)


class GemmCornerSeq(GemmBaseSeq):
    """Extreme operands (-128, 127, unsigned 255), k = 1, M = N = 1, no selected k,
    a single selected row or column tile, a column mask that skips tile 0 and ends with
    the last two tiles (the first job, every seed: the column-tile walk to the array's
    last tile, which random masks reach rarely)."""

    KINDS = ("full", "no_k", "one_row", "one_tile", "sparse_k_last", "sparse_rows_dense_k", "tail_tiles")

    def job(self, kind: str | None = None):
        g = self.rng()
        nt = self.P.n_tiles
        kind = kind or random.choice(self.KINDS)
        m = random.choice([1, self.P.M_MAX])
        n = self.P.N_MAX if kind == "tail_tiles" else random.choice([1, self.P.N_MAX])
        k = random.choice([1, 2, self.P.K_MAX])
        uns = random.random() < 0.5
        a = np.full((m, k), 255 if uns else random.choice([-128, 127]))
        b = g.choice([-128, 127, 0, 1, -1], (k, n))
        rows, cts, ks = [True] * self.P.M_MAX, [True] * nt, [True] * self.P.K_MAX
        if kind == "sparse_k_last":
            # a sparse k mask whose last selected k is K_MAX - 1 (the k index wraps)
            k = self.P.K_MAX
            a = np.full((m, k), 255 if uns else random.choice([-128, 127]))
            b = g.choice([-128, 127, 0, 1, -1], (k, n))
            ks = [random.random() < 0.5 for _ in range(self.P.K_MAX)]
            ks[-1], ks[0] = True, False
        elif kind == "sparse_rows_dense_k":
            # few rows (a quarter), most k (three quarters)
            rows = [i % 4 == 0 for i in range(self.P.M_MAX)]
            ks = [i % 4 != 3 for i in range(self.P.K_MAX)]
        elif kind == "no_k":
            ks = [False] * self.P.K_MAX
        elif kind == "one_row":
            rows = [i == m - 1 for i in range(self.P.M_MAX)]
        elif kind == "one_tile":
            cts = [t == (n - 1) // self.P.PE_C for t in range(nt)]
        elif kind == "tail_tiles":
            # not every tile (the masked walk, not the all-tiles count), the last two set
            cts = [t >= nt - 2 or (t > 0 and random.random() < 0.5) for t in range(nt)]
        return a, b, self.command(m, n, k, uns, rows, cts, ks)


    async def body(self):
        for i in range(self.n):
            a, b, cmd = self.job("tail_tiles" if i == 0 else None)
            if random.random() < 0.5:
                await self.run_job(a, b, cmd)
                continue
            # a second job on the operands already loaded, offered right behind the first
            # (back-to-back commands: the engine must hold it until the first is done)
            again = self.command(cmd.beats[0]["m"], cmd.beats[0]["n"], cmd.beats[0]["k"])
            await self.send("ld", self.loads_a(a) + self.loads_b(b))
            await self.wait_idle("ld")
            await self.send("cmd", [cmd, again])
            await self.wait_idle("cmd")


class GemmErrorSeq(GemmBaseSeq):
    """Illegal dimensions and jobs that select nothing, between legal jobs."""

    def job(self):
        kind = random.choice(["m0", "m_over", "n0", "n_over", "k0", "k_over", "empty_rows", "empty_tiles", "legal"])
        a, b, cmd = super().job()
        beat = cmd.beats[0]
        if kind == "m0":
            beat["m"] = 0
        elif kind == "m_over":
            beat["m"] = self.P.M_MAX + 1
        elif kind == "n0":
            beat["n"] = 0
        elif kind == "n_over":
            beat["n"] = self.P.N_MAX + 1
        elif kind == "k0":
            beat["k"] = 0
        elif kind == "k_over":
            beat["k"] = self.P.K_MAX + 1
        elif kind == "empty_rows":
            beat["row_mask"] = 0
        elif kind == "empty_tiles":
            beat["ctile_mask"] = 0
        return a, b, cmd

    async def body(self):
        for i in range(self.n):
            a, b, cmd = self.job()
            if i % 2 == 0:
                await self.run_job(a, b, cmd)
                continue
            # a legal command on the operands just loaded, offered right behind the
            # (possibly illegal) one while the sink holds ready low: the engine may take
            # it only once the first job's last beat (an error or "none" beat included)
            # has left the output register (gemm_core_assert.CmdOnlyWhenIdle_A)
            m, k, n = a.shape[0], a.shape[1], b.shape[1]
            await self.send("ld", self.loads_a(a) + self.loads_b(b))
            await self.wait_idle("ld")
            out = self.agents["out"].bfm
            out.hold_ready(True)
            sending = cocotb.start_soon(self.send("cmd", [cmd, self.command(m, n, k)]))
            await ClockCycles(self.cfg.clk, random.randint(8, 40))
            out.hold_ready(False)
            await sending
            await self.wait_idle("cmd")


class GemmTraceSeq(GemmBaseSeq):
    """Operand tiles of real MiniLM layers: a slice of the layer input against a slice
    of W_Q / W_K / W_V / W_1 (B = W^T), rows masked by the layer's SPLS reuse map
    (representatives only) or dense; and attention probabilities (unsigned) against
    V (SpMM)."""

    n_default = 6

    def job(self):
        from tb.common.traces import random_layer

        lt = random_layer()
        M, N, K = self.P.M_MAX, self.P.N_MAX, self.P.K_MAX
        tr, lq = lt.tr, lt.lq
        T = tr["x"].shape[0]
        m = min(M, T)
        if random.random() < 0.7:
            w = getattr(lq, random.choice(["wq", "wk", "wv", "w1"]))
            a = tr["x"][:m, :K]
            b = w[:N, :K].T
            rep = tr["rep"][:m]
            rows = [bool(rep[i] == i) for i in range(m)] + [False] * (M - m)
            return a, b, self.command(m, b.shape[1], a.shape[1], 0, rows)
        p = tr["p"][random.randrange(12), :m, :K]
        v = tr["v"][:K, :N]
        ks = [bool(x) for x in p.any(axis=0)] + [False] * (K - p.shape[1])
        return p, v, self.command(m, v.shape[1], p.shape[1], 1, None, None, ks)
