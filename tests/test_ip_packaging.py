"""The IP packaging stays consistent: FuseSoC core file and generated register docs."""


import yaml

from tb.common.tools import HDL, REPO
from tb.tools import gen_csr


def test_core_file_lists_every_rtl_file_and_they_exist():
    gen_csr.generate()
    text = (REPO / "esact.core").read_text()
    assert text.startswith("CAPI=2:")
    core = yaml.safe_load(text.split("\n", 1)[1])
    listed = set()
    for fs in core["filesets"].values():
        for f in fs["files"]:
            name = f if isinstance(f, str) else next(iter(f))
            assert (REPO / name).exists(), f"esact.core lists a missing file {name}"
            listed.add(name)
    rtl = {str(p.relative_to(REPO)) for p in HDL.glob("*.sv")}
    assert rtl <= listed, f"RTL files missing from esact.core: {sorted(rtl - listed)}"
    assert core["targets"]["default"]["toplevel"] == "esact_top"


def test_register_map_document_is_generated_and_current(tmp_path, monkeypatch):
    committed = gen_csr.DOC.read_text()
    monkeypatch.setattr(gen_csr, "DOC", tmp_path / "esact_csr.md")
    fresh = gen_csr.generate_doc().read_text()
    assert fresh == committed, "docs/esact_csr.md is stale: run `make csr`"
    assert "start_busy" in fresh and "stage_cycles" in fresh


def test_generated_register_model_matches_the_rdl():
    from tb.esact_top.esact_top_regs import register_model_class

    m = register_model_class()("regs")
    m.build()
    m.lock_model()
    names = {r.get_name() for r in m.get_registers()}
    rdl = (HDL / "esact_csr.rdl").read_text()
    for reg in ("ctrl", "status", "error", "dim0", "dim1", "spls0", "cycles", "exec_macs_lo", "skip_macs_hi"):
        assert reg in names and f"}} {reg} @" in rdl
