"""Functional coverage of esact_top (``esact_top.``): run modes, sequence lengths,
error codes, register accesses, output back-pressure."""

from __future__ import annotations

from cocotb_coverage.coverage import CoverCross, CoverPoint

from tb.common.unit_env import UnitCov

PREFIX = "esact_top"


class EsactCov(UnitCov):
    PREFIX = PREFIX
    STREAMS = ("apb", "out")

    def define(self):
        @CoverPoint(f"{PREFIX}.cg_run.mode", xf=lambda m, r, t, o: m, bins=["dense", "sparse"])
        @CoverPoint(f"{PREFIX}.cg_run.ffn_reuse", xf=lambda m, r, t, o: r, bins=[0, 1])
        @CoverCross(f"{PREFIX}.cg_run.mode_x_ffn", items=[f"{PREFIX}.cg_run.mode", f"{PREFIX}.cg_run.ffn_reuse"],
                    ign_bins=[("dense", 1)])
        @CoverPoint(f"{PREFIX}.cg_run.seq_len", xf=lambda m, r, t, o: "1" if t == 1 else "short" if t <= 32 else "long",
                    bins=["1", "short", "long"])
        @CoverPoint(f"{PREFIX}.cg_run.overlap", xf=lambda m, r, t, o: o, bins=[0, 1])
        def run(m, r, t, o):
            pass

        @CoverPoint(f"{PREFIX}.cg_csr.access", xf=lambda w, reg: ("wr" if w else "rd") + "_" + reg,
                    bins=["wr_ctrl", "rd_status", "wr_status", "rd_error", "wr_error", "rd_cycles",
                          "rd_exec_macs_lo", "rd_skip_macs_lo"])
        def csr(w, reg):
            pass

        @CoverPoint(f"{PREFIX}.cg_out.kind", xf=lambda tag, s: "layer" if tag == 0 else "dump", bins=["layer", "dump"])
        @CoverPoint(f"{PREFIX}.cg_out.stalled", xf=lambda tag, s: min(s, 1), bins=[0, 1])
        def out(tag, s):
            pass

        self._run, self._csr, self._out = run, csr, out
        self._shadow: dict = {}

    def sample_apb(self, item):
        from tb.esact_top.esact_top_regs import field_values

        regs = self.cdb("regs")
        reg = regs.get_default_map().get_reg_by_offset(item.addr)
        if reg is None:
            return
        name = reg.get_name()
        self._csr(item.write, name)
        if item.write:
            self._shadow[name] = item.data
            if name == "ctrl":
                c = field_values(reg, item.data)
                if c["start"]:
                    t = field_values(regs.dim0, self._shadow.get("dim0", 0))["seq_len"]
                    self._run("sparse" if c["sparse"] else "dense", c["ffn_reuse"] if c["sparse"] else 0, t,
                              c["overlap"] if c["sparse"] else 0)

    def sample_out(self, item):
        self._out(item.beats[0]["tag"], item.stall_cycles)

    def cdb(self, key):
        from pyuvm import ConfigDB

        return ConfigDB().get(self, "", key)
