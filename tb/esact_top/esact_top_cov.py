"""Functional coverage of esact_top (``esact_top.``): run modes and sequence lengths
(cg_run), SPLS configuration corners and the reuse/skip patterns of the predicted masks
(cg_spls, sampled from the runs the scoreboard predicted), ERROR bits read back from the
DUT (cg_err), register accesses (cg_csr), output kinds, debug taps and back-pressure
(cg_out)."""

from __future__ import annotations

from cocotb_coverage.coverage import CoverCross, CoverPoint

from tb.common.unit_env import UnitCov

PREFIX = "esact_top"


ERROR_BITS = ["seq_len", "hidden", "heads", "ffn", "topk", "window", "start_busy", "load_addr", "dump_sel", "gelu_qb"]


def keep_bin(k: int, t: int) -> str:
    if t == 1:
        return "k=T=1"
    if k == 1:
        return "k=1"
    if k == t:
        return "k=T"
    return "k<=T/4" if 4 * k <= t else "k<=T/2" if 2 * k <= t else "k>T/2"


def window_bin(w: int, t: int) -> str:
    return "1" if w == 1 else ">=T" if w >= t else "2-3" if w <= 3 else "4+"


def thr_bin(thr: int, h: int, k: int) -> str:
    return "0" if thr == 0 else ">=H*k" if thr >= h * k else "mid"


KEEP_BINS = ["k=T=1", "k=1", "k<=T/4", "k<=T/2", "k>T/2", "k=T"]
WINDOW_BINS = ["1", "2-3", "4+", ">=T"]
THR_BINS = ["0", "mid", ">=H*k"]
# Directed SPLS corners: every cell of cg_spls.window_x_threshold, each with a keep bin
# (cycling), and k = T = 1.  Random test instance i runs CORNERS[i % len(CORNERS)]
# first, so a regression of at least len(CORNERS) instances (make sim: 20) hits every
# bin of cg_spls.keep, .window, .threshold and .window_x_threshold whatever the seeds.
CORNERS = [(KEEP_BINS[1 + i % 5], w, th) for i, (w, th) in enumerate((w, th) for w in WINDOW_BINS for th in THR_BINS)]
CORNERS.append(("k=T=1", "1", "0"))


def corner_params(target: tuple[str, str, str], t_max: int, h_max: int, rng) -> tuple[int, int, int, int, int]:
    """(T, heads, k, window, thr) of a run whose keep/window/threshold bins are
    ``target`` (a CORNERS entry), drawn at random inside the cell.  Needs T_MAX >= 8
    and h_max >= 2 (every cell then exists); ``rng``: a random.Random."""
    keep, win, th = target
    if keep not in KEEP_BINS or win not in WINDOW_BINS or th not in THR_BINS:
        raise ValueError(f"target={target!r}: expected (keep, window, threshold) bins of "
                         f"{KEEP_BINS}, {WINDOW_BINS}, {THR_BINS}")
    if t_max < 8 or h_max < 2:
        raise ValueError(f"t_max={t_max}, h_max={h_max}: every corner needs T_MAX >= 8 and 2 heads")
    if keep == "k=T=1":
        t, k = 1, 1
        if win not in ("1", ">=T"):
            raise ValueError(f"target={target!r}: with T = 1 the window bin is 1 or >=T")
    else:
        t = rng.randint(8, min(t_max, 24))
        k = {"k=1": 1, "k<=T/4": rng.randint(2, t // 4), "k<=T/2": t // 2, "k>T/2": t // 2 + 1,
             "k=T": t}[keep]
    w = {"1": 1, "2-3": rng.randint(2, 3), "4+": rng.randint(4, max(4, t - 1)), ">=T": t}[win]
    h = rng.randint(2 if th == "mid" and k == 1 else 1, h_max)
    thr = {"0": 0, "mid": rng.randint(1, max(1, h * k - 1)), ">=H*k": h * k}[th]
    return t, h, k, w, thr


def reuse_pattern(rep) -> str:
    """Reuse map of a run: none (every row its own representative), all (one
    representative), alternating (no two consecutive reused rows), long runs (>= 3
    consecutive reused rows) or short runs."""
    import numpy as np

    t = len(rep)
    reused = np.asarray(rep) != np.arange(t)
    n = int(reused.sum())
    if n == 0:
        return "none"
    if n == t - 1:
        return "all"
    run, best = 0, 0
    for r in reused:
        run = run + 1 if r else 0
        best = max(best, run)
    return "long_runs" if best >= 3 else "alternating" if best == 1 else "short_runs"


def density_bin(frac: float) -> str:
    return "0" if frac == 0 else "all" if frac == 1 else "<=1/2" if frac <= 0.5 else ">1/2"


class EsactCov(UnitCov):
    PREFIX = PREFIX
    STREAMS = ("apb", "out", "run")

    def define(self):
        t_max = self.cfg.params["T_MAX"]

        @CoverPoint(f"{PREFIX}.cg_run.mode", xf=lambda m, r, t, o: m, bins=["dense", "sparse"])
        @CoverPoint(f"{PREFIX}.cg_run.ffn_reuse", xf=lambda m, r, t, o: r, bins=[0, 1])
        @CoverCross(f"{PREFIX}.cg_run.mode_x_ffn", items=[f"{PREFIX}.cg_run.mode", f"{PREFIX}.cg_run.ffn_reuse"],
                    ign_bins=[("dense", 1)])
        @CoverPoint(f"{PREFIX}.cg_run.seq_len",
                    xf=lambda m, r, t, o: "1" if t == 1 else "T_MAX" if t == t_max else "short" if 2 * t < t_max
                    else "long", bins=["1", "short", "long", "T_MAX"])
        @CoverPoint(f"{PREFIX}.cg_run.overlap", xf=lambda m, r, t, o: o, bins=[0, 1])
        @CoverCross(f"{PREFIX}.cg_run.mode_x_seq_len", items=[f"{PREFIX}.cg_run.mode", f"{PREFIX}.cg_run.seq_len"])
        def run(m, r, t, o):
            pass

        # SPLS configuration corners and the masks the golden model predicts for the run
        @CoverPoint(f"{PREFIX}.cg_spls.keep", xf=lambda k, t, w, th, pat, rows, cols: keep_bin(k, t),
                    bins=KEEP_BINS)
        @CoverPoint(f"{PREFIX}.cg_spls.window", xf=lambda k, t, w, th, pat, rows, cols: w,
                    bins=WINDOW_BINS)
        @CoverPoint(f"{PREFIX}.cg_spls.threshold", xf=lambda k, t, w, th, pat, rows, cols: th,
                    bins=THR_BINS)
        @CoverCross(f"{PREFIX}.cg_spls.window_x_threshold",
                    items=[f"{PREFIX}.cg_spls.window", f"{PREFIX}.cg_spls.threshold"])
        @CoverPoint(f"{PREFIX}.cg_spls.reuse", xf=lambda k, t, w, th, pat, rows, cols: pat,
                    bins=["none", "all", "alternating", "short_runs", "long_runs"])
        @CoverPoint(f"{PREFIX}.cg_spls.skipped_rows", xf=lambda k, t, w, th, pat, rows, cols: rows,
                    bins=["0", "<=1/2", ">1/2"])
        @CoverPoint(f"{PREFIX}.cg_spls.skipped_kv_cols", xf=lambda k, t, w, th, pat, rows, cols: cols,
                    bins=["0", "<=1/2", ">1/2"])
        def spls(k, t, w, th, pat, rows, cols):
            pass

        @CoverPoint(f"{PREFIX}.cg_err.bit", xf=lambda b: b, bins=ERROR_BITS)
        def err(b):
            pass

        @CoverPoint(f"{PREFIX}.cg_csr.access", xf=lambda w, reg: ("wr" if w else "rd") + "_" + reg,
                    bins=["wr_ctrl", "rd_status", "wr_status", "rd_error", "wr_error", "rd_cycles",
                          "rd_exec_macs_lo", "rd_skip_macs_lo"])
        def csr(w, reg):
            pass

        @CoverPoint(f"{PREFIX}.cg_out.kind", xf=lambda tag, s: "layer" if tag == 0 else "dump", bins=["layer", "dump"])
        @CoverPoint(f"{PREFIX}.cg_out.tap", xf=lambda tag, s: tag, bins=list(range(13)),
                    bins_labels=["layer", "rep", "colneed", "keep", "q", "k", "v", "ctx", "h1", "out", "g", "qh", "kh"])
        @CoverPoint(f"{PREFIX}.cg_out.stall", xf=lambda tag, s: "none" if s == 0 else "some" if s < 8 else "heavy",
                    bins=["none", "some", "heavy"])
        def out(tag, s):
            pass

        self._run, self._spls, self._err, self._csr, self._out = run, spls, err, csr, out

    def sample_apb(self, item):
        reg = self.cfg.regs.get_default_map().get_reg_by_offset(item.addr)
        if reg is None:
            return
        name = reg.get_name()
        self._csr(item.write, name)
        if name == "error" and not item.write:
            # error codes as the DUT reports them (sticky bits read back)
            for i, b in enumerate(ERROR_BITS):
                if (item.data >> i) & 1:
                    self._err(b)

    def sample_run(self, run: dict):
        """A request the scoreboard classified; legal runs (with their golden trace)
        are sampled."""
        if run["kind"] != "run":
            return
        f = run["fields"]
        t = f["seq_len"]
        sparse = bool(f["sparse"])
        self._run("sparse" if sparse else "dense", f["ffn_reuse"] if sparse else 0, t,
                  f.get("overlap", 0) if sparse else 0)
        if not sparse:
            return
        tr = run["trace"]
        rep, colneed = tr["rep"], tr["colneed"]
        import numpy as np

        rows = 1.0 - float((rep == np.arange(t)).sum()) / t
        cols = 1.0 - float(colneed.any(axis=0).sum()) / t
        self._spls(f["topk"], t, window_bin(f["window"], t), thr_bin(f["thr"], f["heads"], f["topk"]),
                   reuse_pattern(rep), density_bin(rows), density_bin(cols))

    def sample_out(self, item):
        self._out(item.beats[0]["tag"], item.stall_cycles)
