"""Functional coverage of gemm (``gemm.``): operating modes, mask densities, partial
tiles, short k loops (drain-bound), empty and illegal jobs, back-pressure."""

from __future__ import annotations

from cocotb_coverage.coverage import CoverCross, CoverPoint

from tb.common.packing import bits_to_list
from tb.common.unit_env import UnitCov

PREFIX = "gemm"


def density(flags) -> str:
    if not flags:
        return "none"
    f = sum(flags) / len(flags)
    return "none" if f == 0 else "all" if f == 1 else "sparse" if f < 0.5 else "dense"


class GemmCov(UnitCov):
    PREFIX = PREFIX
    STREAMS = ("ld", "cmd", "out")

    def define(self):
        @CoverPoint(f"{PREFIX}.cg_job.mode", xf=lambda md, rd, kd, sh, ks: md, bins=["dense", "sparse_rows", "spmm_unsigned", "sddmm_tiles"])
        @CoverPoint(f"{PREFIX}.cg_job.row_density", xf=lambda md, rd, kd, sh, ks: rd, bins=["sparse", "dense", "all"])
        @CoverPoint(f"{PREFIX}.cg_job.k_density", xf=lambda md, rd, kd, sh, ks: kd, bins=["none", "sparse", "dense", "all"])
        @CoverCross(f"{PREFIX}.cg_job.rows_x_k", items=[f"{PREFIX}.cg_job.row_density", f"{PREFIX}.cg_job.k_density"])
        @CoverPoint(f"{PREFIX}.cg_job.partial_tiles", xf=lambda md, rd, kd, sh, ks: sh,
                    bins=["full", "partial_rows", "partial_cols", "both"])
        @CoverPoint(f"{PREFIX}.cg_job.short_k", xf=lambda md, rd, kd, sh, ks: ks, bins=[True, False])
        def job(md, rd, kd, sh, ks):
            pass

        @CoverPoint(f"{PREFIX}.cg_err.kind", xf=lambda e: e, bins=["m", "n", "k", "empty"])
        def err(e):
            pass

        @CoverPoint(f"{PREFIX}.cg_flow.out_stall", xf=lambda s: min(s, 1), bins=[0, 1])
        def flow(s):
            pass

        self._job, self._err, self._flow = job, err, flow

    def sample_ld(self, item):
        pass

    def sample_cmd(self, item):
        b = item.beats[0]
        P = item.P
        m, n, k = b["m"], b["n"], b["k"]
        if not 1 <= m <= P.M_MAX:
            return self._err("m")
        if not 1 <= n <= P.N_MAX:
            return self._err("n")
        if not 1 <= k <= P.K_MAX:
            return self._err("k")
        nt = P.n_tiles
        rows = bits_to_list(b["row_mask"], P.M_MAX)[:m]
        cts = [x for t, x in enumerate(bits_to_list(b["ctile_mask"], nt)) if t * P.PE_C < n]
        ks = bits_to_list(b["k_mask"], P.K_MAX)[:k]
        if not any(rows) or not any(cts):
            return self._err("empty")
        if b["a_unsigned"]:
            mode = "spmm_unsigned"
        elif not all(cts):
            mode = "sddmm_tiles"
        elif not all(rows):
            mode = "sparse_rows"
        else:
            mode = "dense"
        pr = sum(rows) % P.PE_R != 0
        pc = n % P.PE_C != 0
        shape = "both" if pr and pc else "partial_rows" if pr else "partial_cols" if pc else "full"
        rd = density(rows)
        self._job(mode, "dense" if rd == "none" else rd, density(ks), shape, 0 < sum(ks) < P.PE_R)

    def sample_out(self, item):
        self._flow(item.stall_cycles)
