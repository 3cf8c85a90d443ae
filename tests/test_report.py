"""`make report` (tb/tools/report.py, tb/tools/lcov.py) on a small hand-made set of run results:
two tests' fcov.json + coverage.dat, a JUnit file, a mutation report.  Figures are compared
with those of tb/tools/coverage_report.py on the same inputs, never with typed-in numbers."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tb.tools import coverage_report as cr
from tb.tools import lcov
from tb.tools import report
from tests.test_coverage_report import dat_line, point, write_run

REAL_DOCS = Path(__file__).resolve().parents[1] / "docs"

SV_A = """module a (
  input  logic clk,
  input  logic [1:0] sel,
  output logic [3:0] y
);
  always_comb begin
    y = '0;
    if (sel == 2'd0) begin
      y = 4'd1;
    end else begin
      y = 4'd2;
    end
    case (sel)
      2'd1: y = 4'd3;
      2'd2: y = 4'd4;
      default: ;
    endcase
  end
endmodule
"""
SV_B = "module b (input logic x, output logic z);\n  assign z = ~x;\nendmodule\n"


def cross(bins):
    return {"type": "CoverCross", "at_least": 1, "weight": 1, "bins": bins}


@pytest.fixture
def runs(tmp_path, monkeypatch):
    """A repo in tmp_path with hdl/, docs/ (testplan, one chart), build/ results of two
    coverage runs and reports/ (JUnit with a pass, a failure and a skip; mutation.json)."""
    hdl = tmp_path / "hdl"
    hdl.mkdir()
    (hdl / "a.sv").write_text(SV_A)
    (hdl / "b.sv").write_text(SV_B)
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "testplan.yml").write_text(
        "features: []\nexclusions:\n  bins:\n    - {bin: u.cg_a.p/z, reason: not reachable in this unit}\n"
        "  lines:\n    - {file: hdl/a.sv, match: 'default: ;', reason: default of a full case}\n")
    shutil.copy(REAL_DOCS / "bench.png", docs / "bench.png")  # no accuracy chart: "not run"
    monkeypatch.setattr(cr, "REPO", tmp_path)
    monkeypatch.setattr(cr, "BUILD", tmp_path / "build")
    monkeypatch.setattr(cr, "REPORTS", tmp_path / "reports")
    fa, fb = str(hdl / "a.sv"), str(hdl / "b.sv")
    build = tmp_path / "build"
    write_run(build, "u", "T1",
              {"u.cg_a.p": point({"x": 2, "y": 0, "z": 0, "w": 0}),
               "u.cg_a.p_x_q": cross({"x x 0": 1, "x x 1": 0, "y x 0": 0}),
               "u.cg_b.len": point({"short": 4, "long": 1}) | {"at_least": 2}},
              [dat_line(fa, 6, "line", 5, s="6-7"), dat_line(fa, 8, "branch", 3, o="if", s="8-9"),
               dat_line(fa, 10, "branch", 0, o="else", s="10-11"), dat_line(fa, 14, "branch", 2, o="case", s="14"),
               dat_line(fa, 15, "branch", 0, o="case", s="15"), dat_line(fa, 16, "branch", 0, o="case", s="16"),
               dat_line(fa, 3, "toggle", 1, o="sel[0]:0->1"), dat_line(fa, 3, "toggle", 0, o="sel[0]:1->0"),
               dat_line(fb, 2, "line", 7, s="2"), dat_line(fb, 2, "expr", 1, o="(x==0) => 1")])
    write_run(build, "u", "T2",
              {"u.cg_a.p": point({"x": 0, "y": 3, "z": 0, "w": 0}),
               "u.cg_a.p_x_q": cross({"x x 0": 0, "x x 1": 0, "y x 0": 2}),
               "u.cg_b.len": point({"short": 1, "long": 0}) | {"at_least": 2}},
              [dat_line(fa, 10, "branch", 0, o="else", s="10-11"), dat_line(fa, 3, "toggle", 2, o="sel[0]:1->0")],
              source="trace", seed=2)
    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "junit-test.xml").write_text(
        '<?xml version="1.0" encoding="utf-8"?><testsuites><testsuite name="pytest" tests="3" time="2.5">'
        '<testcase classname="tests.t" name="test_ok" time="1"/>'
        '<testcase classname="tests.t" name="test_bad" time="1">'
        '<failure message="assert 1 == 2">tb</failure></testcase>'
        '<testcase classname="tests.t" name="test_skip" time="0.5"><skipped message="no tool"/></testcase>'
        "</testsuite></testsuites>")
    for i in (1, 2):
        (reports / f"junit-sim-shard{i}of2.xml").write_text(
            f'<testsuites><testsuite name="pytest" tests="1" time="3"><testcase classname="s" name="t{i}"/>'
            "</testsuite></testsuites>")
    (reports / "mutation.json").write_text(json.dumps({
        "mutants": 4, "killed": 2, "timeout": 0, "survived": 1, "equivalent": 1, "invalid": 0, "score_pct": 66.67,
        "per_unit": {"a": {"mutants": 4, "killed": 2, "timeout": 0, "survived": 1, "equivalent": 1, "invalid": 0,
                           "score_pct": 66.67}},
        "survivors": [{"file": "hdl/a.sv", "line": 9, "mutation": "const: `4'd1` -> `4'd0`", "key": "a.sv:9:k"}],
        "run_seconds": 60.0, "seed": 1}))
    return tmp_path


@pytest.fixture
def built(runs):
    s = report.build(runs / "build", runs / "reports", runs / "docs", use_genhtml=True)
    return runs, s


def test_lcov_and_cobertura_figures_equal_coverage_report(built):
    root, s = built
    rep = cr.build_report(root / "build", cr.load_testplan(root / "docs" / "testplan.yml"))
    tf = root / "reports" / "coverage.lcov"
    recs = lcov.parse_lcov(tf)
    assert set(recs) == {str(root / f) for f in rep["per_file"]}
    for f, v in rep["per_file"].items():
        r = recs[str(root / f)]
        assert (r["LF"], r["LH"]) == (v["lines"], v["covered"])
    assert sum(r["BRF"] for r in recs.values()) == rep["code_points"]["branches"]
    brh = sum(r["BRH"] for r in recs.values())
    assert round(100.0 * brh / rep["code_points"]["branches"], 2) == rep["branch_pct"]
    # the excluded `default: ;` line has neither a DA nor a BRDA record
    excl = cr.exclusion_lines({"file": "hdl/a.sv", "match": "default: ;"})
    das = {int(m) for m in re.findall(r"^(?:DA|BRDA):(\d+),", tf.read_text(), re.M)}
    assert excl and not (excl & das)
    cob = ET.parse(root / "reports" / "coverage.cobertura.xml").getroot()
    assert int(cob.get("lines-valid")) == rep["lines"] and int(cob.get("lines-covered")) == rep["lines_covered"]
    assert int(cob.get("branches-valid")) == rep["code_points"]["branches"]
    assert len(cob.findall(".//class")) == len(rep["per_file"])
    if shutil.which("lcov"):
        out = subprocess.run(["lcov", "--summary", str(tf), "--rc", "lcov_branch_coverage=1"],
                             capture_output=True, text=True, check=True)
        text = out.stdout + out.stderr
        m = re.search(r"lines\.+: [\d.]+% \((\d+) of (\d+) lines\)", text)
        b = re.search(r"branches\.+: [\d.]+% \((\d+) of (\d+) branches\)", text)
        assert m and (int(m.group(1)), int(m.group(2))) == (rep["lines_covered"], rep["lines"]), text
        assert b and (int(b.group(1)), int(b.group(2))) == (brh, rep["code_points"]["branches"]), text


def test_ucis_xml_round_trip_keeps_every_bin_and_count(built):
    root, _ = built
    items, _ = cr.merge_functional(sorted((root / "build").glob("*/*_cov/*/fcov.json")))
    back = report.read_ucis(root / "reports" / "coverage.ucis.xml")
    want = {}
    for name, it in items.items():
        for b, st in it["bins"].items():
            want[report.ucis_names(name, it["type"], b)] = (st.hits, "cross" if it["type"] == "CoverCross" else "point")
    assert {k: (v["hits"], v["kind"]) for k, v in back.items()} == want
    # and the file is valid UCIS XML (the schema pyucis ships)
    from lxml import etree
    import ucis

    xsd = etree.XMLSchema(etree.parse(str(Path(ucis.__file__).parent / "xml" / "schema" / "ucis.xsd")))
    doc = etree.parse(str(root / "reports" / "coverage.ucis.xml"))
    assert xsd.validate(doc), xsd.error_log.last_error
    # at_least of every coverpoint and cross (pyucis's reader does not read it back: checked in the XML)
    for name, it in items.items():
        cg, cp, _ = report.ucis_names(name, it["type"], "")
        tag = "cross" if it["type"] == "CoverCross" else "coverpoint"
        opts = doc.xpath(f'//cgInstance[@name="{cg}"]/{tag}[@name="{cp}"]/options/@at_least')
        assert opts == [str(it["at_least"])], name
    # every merged bin, excluded ones too, with the hit count coverage_report merged
    rep = cr.build_report(root / "build", cr.load_testplan(root / "docs" / "testplan.yml"))
    assert len(back) == rep["functional_bins"] + len(rep["excluded_bins"])
    at_least = {report.ucis_names(n, it["type"], b): it["at_least"] for n, it in items.items() for b in it["bins"]}
    assert sum(v["hits"] >= at_least[k] for k, v in back.items()) == rep["functional_hit"] + sum(
        e["hits"] >= 1 for e in rep["excluded_bins"])


def test_index_figures_holes_and_not_run_sections(built):
    root, s = built
    rep = cr.build_report(root / "build", cr.load_testplan(root / "docs" / "testplan.yml"))
    # the per-bin table of the page agrees with coverage_report's figures
    assert report.figures_of(s["functional"]["rows"]) == {k: rep[k] for k in (
        "functional_bins", "functional_hit", "functional_pct", "covergroups")}
    text = (root / "reports" / "index.html").read_text()
    summary = dict(report.summary_rows(s))
    assert summary["functional coverage"].startswith(f"{rep['functional_hit']} / {rep['functional_bins']} bins")
    assert summary["accuracy"] == summary["formal"] == summary["bench speedup / sim_ratio"] == report.NOT_RUN
    assert summary["tests (test)"] == "1 passed, 1 failed, 1 skipped"
    assert summary["tests (sim)"] == "2 passed, 0 failed, 0 skipped"  # two shards summed
    assert "tests.t::test_bad" in text and "assert 1 == 2" in text
    for what in ("reports/accuracy.json", "reports/formal.json", "reports/bench.json",
                 "chart docs/accuracy_frontier.png"):
        assert re.search(re.escape(what) + r"\)?: not run", text), what
    # holes first: the holes table lists exactly coverage_report's uncovered bins, before any covergroup table
    holes = text[text.index('id="holes"'):text.index("Covergroups (those with holes first)")]
    for b in rep["uncovered_bins"]:
        item, bname = b.split("/")
        assert f"<td>{bname}</td>" in holes and item.rsplit(".", 1)[1] in holes
    assert "hdl/a.sv:9" in text  # the mutation survivor
    assert (root / "reports" / "img" / "bench.png").exists()


def test_page_without_any_run_says_not_run(tmp_path, monkeypatch):
    monkeypatch.setattr(cr, "REPO", tmp_path)
    (tmp_path / "build").mkdir()
    s = report.build(tmp_path / "build", tmp_path / "reports", tmp_path / "docs")
    assert all(v == report.NOT_RUN for _, v in report.summary_rows(s))
    text = (tmp_path / "reports" / "index.html").read_text()
    assert "<img" not in text and 'href="coverage.lcov"' not in text
    assert not (tmp_path / "reports" / "coverage.ucis.xml").exists()


def test_after_make_test_functional_coverage_of_the_last_run(runs):
    """Without make coverage results, the fcov.json of the last make test / make sim run
    (build/<unit>/<params>/<test>/) give the functional section; code coverage is not run."""
    build = runs / "build"
    shutil.move(build / "u" / "p_cov", build / "u" / "p")
    for dat in build.glob("u/p/*/coverage.dat"):
        dat.unlink()
    s = report.build(build, runs / "reports", runs / "docs")
    assert s["functional"]["source"] == "test" and s["code"] is None
    items, _ = cr.merge_functional(sorted(build.glob("u/p/*/fcov.json")))
    n_bins = sum(len(it["bins"]) for it in items.values())
    fig = s["functional"]["figures"]
    assert fig["functional_bins"] + sum(g["excluded"] for g in fig["covergroups"].values()) == n_bins
    summary = dict(report.summary_rows(s))
    assert summary["functional coverage"].endswith("[make test run]")
    assert summary["line / branch / toggle / expr coverage"] == report.NOT_RUN
    assert (runs / "reports" / "coverage.ucis.xml").exists() and not (runs / "reports" / "coverage.lcov").exists()


def test_bundles_of_a_coverage_merge(runs, monkeypatch):
    """After make coverage-merge (the nightly merge job: no build tree, the bundles
    elsewhere), the page shows the bundles that reports/coverage.json names, with their
    JUnit files, and the gate that coverage_report recorded."""
    build, reports = runs / "build", runs / "reports"
    bundle = runs / "bundles" / "coverage-shard-1of1"
    (build / "junit-coverage-shard1of1.xml").write_text(
        '<testsuites><testsuite tests="1"><testcase classname="s" name="t"/></testsuite></testsuites>')
    cr.write_bundle(bundle, build, shard=(1, 1), junit=[build / "junit-coverage-shard1of1.xml"])
    shutil.rmtree(build / "u")
    plan = cr.load_testplan(runs / "docs" / "testplan.yml")
    rep = cr.build_report([bundle / "results"], plan)
    rep["inputs"] = [{"bundle": str(bundle)}]
    monkeypatch.setattr("tb.common.units.UNITS", {"u": None})
    rep["gate"] = cr.gate(rep, plan)
    cr.write_reports(rep, reports)
    s = report.build(build, reports, runs / "docs")
    assert s["functional"]["source"] == "merge" and s["code"] is not None
    assert s["functional"]["figures"]["functional_hit"] == rep["functional_hit"]
    assert s["code"]["rep"]["line_pct"] == rep["line_pct"]
    summary = dict(report.summary_rows(s))
    assert summary["coverage gate"] == f"FAILED ({len(rep['gate']['failures'])} failure(s))"
    assert summary["tests (coverage)"] == "1 passed, 0 failed, 0 skipped"
    text = (reports / "index.html").read_text()
    assert "coverage-shard-1of1/junit-coverage-shard1of1.xml (bundle)" in text
    assert 'href="coverage-shard-1of1' not in text  # outside reports/: named, not linked


def test_own_line_pages_without_genhtml(built):
    root, _ = built
    s = report.build(root / "build", root / "reports", root / "docs", use_genhtml=False)
    assert not (root / "reports" / "html" / "code").exists()
    pages = s["code"]["pages"]
    assert set(pages) == set(s["code"]["files"])
    page = (root / "reports" / pages["hdl/a.sv"]).read_text()
    rep = cr.build_report(root / "build", cr.load_testplan(root / "docs" / "testplan.yml"))
    missed = cr.parse_lines(rep["per_file"]["hdl/a.sv"]["uncovered"])
    assert missed and all(f'<tr class="miss" id="L{n}">' in page for n in missed)
    assert page.count('<tr class="miss"') == len(missed)


@pytest.mark.skipif(shutil.which("chromium") is None, reason="Debian's chromium is not installed (make report-deps)")
def test_index_in_headless_chromium_has_no_broken_link_or_image(built):
    root, s = built
    index = root / "reports" / "index.html"
    chk = report.browser_check(index, root / "reports" / "report_screenshot.png", root / "build" / "report")
    assert chk["broken"] == [] and chk["pages_broken"] == []
    assert chk["images"] == 1 and chk["broken_images"] == []  # bench.png decoded, width > 0
    assert chk["links"] > 10 and chk["pages"] >= 2  # genhtml or own per-line pages were checked too
    shot = chk["screenshot"]
    assert shot is not None and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # a broken link is found: the check is not vacuous
    (root / "reports" / "coverage.lcov").unlink()
    assert "a coverage.lcov" in report.browser_check(index, root / "shot2.png", root / "build" / "report")["broken"]


def test_bad_cli_input_names_the_parameter(tmp_path):
    with pytest.raises(ValueError, match="--build"):
        report.main(["--build", str(tmp_path / "nope")])
    (tmp_path / "f").write_text("")
    with pytest.raises(ValueError, match="--reports"):
        report.main(["--reports", str(tmp_path / "f")])
