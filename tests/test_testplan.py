"""docs/testplan.yml names only tests and covergroups that exist, and names all of them."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from tb.common.units import UNITS
from tb.tools import coverage_report

REPO = Path(__file__).resolve().parents[1]
PLAN = coverage_report.load_testplan()


def regression_tests(unit: str) -> set[str]:
    """Test classes of tb/<unit>/<unit>_tests.py that the regression runs."""
    tree = ast.parse((REPO / "tb" / unit / f"{unit}_tests.py").read_text())
    classes = {n.name for n in tree.body if isinstance(n, ast.ClassDef) and n.name.endswith("Test")}
    run_by = (REPO / "tests" / "sim" / f"test_{unit}.py").read_text()
    return {c for c in classes if re.search(rf"\b{c}\b", run_by)}


def covergroups(unit: str) -> set[str]:
    """`<unit>.cg_<name>` covergroups defined in tb/<unit>/<unit>_cov.py."""
    src = (REPO / "tb" / unit / f"{unit}_cov.py").read_text()
    found = {f"{unit}.{m}" for m in re.findall(r"\{PREFIX\}\.(cg_[a-z0-9_]+)\.", src)}
    # the stream agents sample their handshake coverage when their configuration enables
    # it: every stream of a UnitEnv, the streams esact_top's configuration names
    env = "".join(p.read_text() for p in sorted((REPO / "tb" / unit).glob("*.py")))
    if "UnitEnv" in env or re.search(r"cov_name=.*cg_handshake", env):
        found.add(f"{unit}.cg_handshake")
    return found


ALL_TESTS = {f"{u}:{c}" for u in UNITS for c in regression_tests(u)}
ALL_CGS = {cg for u in UNITS for cg in covergroups(u)}
NAMED_TESTS = {t for f in PLAN["features"] for t in f["tests"]}
NAMED_CGS = {c for f in PLAN["features"] for c in f["covergroups"]}


def test_environment_was_found():
    # the checks below mean something only if the scan finds the environment
    assert len(ALL_TESTS) >= 4 * len(UNITS), sorted(ALL_TESTS)
    assert len(ALL_CGS) >= 2 * len(UNITS), sorted(ALL_CGS)


@pytest.mark.parametrize("feature", PLAN["features"], ids=lambda f: f["name"])
def test_feature_names_existing_tests_and_covergroups(feature):
    assert feature["tests"], f"{feature['name']}: no test"
    assert feature["covergroups"], f"{feature['name']}: no covergroup"
    missing_t = sorted(set(feature["tests"]) - ALL_TESTS)
    missing_c = sorted(set(feature["covergroups"]) - ALL_CGS)
    assert not missing_t, f"{feature['name']}: tests not in the regression: {missing_t}"
    assert not missing_c, f"{feature['name']}: covergroups not defined: {missing_c}"


def test_every_test_and_covergroup_is_planned():
    assert not sorted(ALL_TESTS - NAMED_TESTS), f"tests missing from the testplan: {sorted(ALL_TESTS - NAMED_TESTS)}"
    assert not sorted(ALL_CGS - NAMED_CGS), f"covergroups missing from the testplan: {sorted(ALL_CGS - NAMED_CGS)}"


def test_exclusions_have_reasons_and_name_real_things():
    for ex in PLAN["exclusions"]["bins"]:
        assert ex["reason"].strip(), ex
        assert ex["bin"].split("/", 1)[0].rsplit(".", 1)[0] in ALL_CGS, f"exclusion of an unknown covergroup: {ex}"
    for ex in PLAN["exclusions"]["lines"]:
        assert ex["reason"].strip(), ex
        assert (REPO / ex["file"]).exists(), ex
        assert coverage_report.exclusion_lines(ex), f"line exclusion matches no line: {ex}"


@pytest.mark.parametrize("ex", PLAN["exclusions"]["points"],
                         ids=lambda e: f"{e['type']}:{e['match']}:{e.get('bits', '')}")
def test_point_exclusions_name_real_signals(ex):
    """Each point exclusion has a reason and names files of the design and a signal they
    declare (the identifier its pattern starts with); that it matches points of a run is
    checked by `make coverage` (a stale or contradicted exclusion fails the run)."""
    assert ex["reason"].strip() and len(ex["reason"]) > 40, f"a point exclusion needs a specific reason: {ex}"
    files = coverage_report.point_files(ex)
    # the identifier the pattern starts with, after its anchor and the (escaped) opening
    # parentheses, braces and replication counts of an expression row
    # ("^\\(\\(job_i != ...", "^\\(\\{32'h1\\{\\{core_out_err, ...")
    name = re.match(r"\^?(?:\\?[({]|\d+'[hdbHDB][0-9a-fA-F]+)*([A-Za-z_][A-Za-z0-9_]*)", ex["match"])
    for f in files:
        if f.startswith("build/gen/"):  # the generated CSR block: its fields come from the RDL
            src = (REPO / "hdl" / "esact_csr.rdl").read_text()
            field = re.findall(r"\\\.([a-z_]+)\\\.", ex["match"])
            if field:
                assert all(re.search(rf"\b{x}\b", src) for x in field), f"{f}: no such register: {ex}"
            else:  # signals of the generator's CPU interface: declared in the generated block
                from tb.common import csr

                csr.generate()
                gen = (REPO / f).read_text()
                names = re.findall(r"[A-Za-z_][A-Za-z0-9_]*", ex["match"].split("\\[")[0])
                assert names and all(re.search(rf"\b{x}\b", gen) for x in names), \
                    f"{f} does not declare every signal of {ex['match']}: {ex}"
            continue
        assert (REPO / f).exists(), f"point exclusion of a missing file: {ex}"
        assert name, f"pattern does not start with a signal name: {ex}"
        assert re.search(rf"\b{name.group(1)}", (REPO / f).read_text()), \
            f"{f} has no signal {name.group(1)}: {ex}"


AT_EXCLUSIONS = [(ex, f) for ex in PLAN["exclusions"]["points"] if "at" in ex for f in coverage_report.point_files(ex)]


@pytest.mark.parametrize("ex, f", AT_EXCLUSIONS, ids=lambda x: x if isinstance(x, str) else f"{x['type']}:{x['at']}")
def test_point_exclusion_at_names_a_line_the_point_can_sit_on(ex, f):
    """A branch point sits on the line of its `if` / `case` / `?:`, an expression point on
    the line of its expression: an `at` that resolves to other lines (an assignment after
    the generated block moved, say) is wrong before any coverage run shows it stale."""
    lines = coverage_report.point_exclusion_lines(ex, f)
    assert lines, f"{f}: `at` matches no source line: {ex}"
    text = (REPO / f).read_text().splitlines()
    for ln in sorted(lines):
        src = text[ln - 1]
        if ex["type"] == "branch":
            assert re.search(r"\b(if|case|else)\b|\?", src), f"{f}:{ln} is not a branch line ({src.strip()!r}): {ex}"
        elif ex["type"] == "expr":
            names = set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", re.sub(r"\\.", " ", ex["match"])))
            names -= {"d", "h", "b", "sd"}
            assert any(re.search(rf"\b{n}\b", src) for n in names), \
                f"{f}:{ln} names none of the signals of the expression ({src.strip()!r}): {ex}"
