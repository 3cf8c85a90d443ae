"""`make report`: one page, reports/index.html, from what the last runs left.

Reads (every input is optional; a missing one is shown as "not run"):
  reports/junit-*.xml                     test results (make test / sim / coverage; shards summed)
  reports/coverage.json `inputs`          the bundles of `make coverage-merge` (their results/), or
  build/<unit>/<params>_cov/<test>/       fcov.json + coverage.dat of `make coverage`; without
                                          them, the fcov.json of the last `make test`/`make sim`
                                          (functional coverage only); the gate of coverage.json
  reports/mutation.json                   make mutate
  reports/bench.json, docs/bench.png      make bench
  reports/accuracy.json, docs/accuracy_frontier.png   make accuracy
  reports/formal.json                     make formal

Writes into reports/ (a folder that can be published as it is: relative links only,
CSS inline, the charts copied into reports/img/):
  index.html              summary, then tests, functional coverage (holes first, then every
                          covergroup and bin), code coverage per file, mutation survivors,
                          charts, formal results, exports
  html/code/              per-line pages of the code coverage (genhtml, Debian's lcov), or
  html/src/               the report's own per-line pages when genhtml is missing
  coverage.lcov           LCOV tracefile (line and branch records; tb/tools/lcov.py)
  coverage.cobertura.xml  Cobertura XML
  fcov.cocotb.yml         merged functional coverage in cocotb-coverage's YAML form
  coverage.ucis.xml       the same as UCIS XML (pyucis: cocotb YAML import, XML writer)

Figures are the measured ones of the inputs (the functional and code percentages are
coverage_report's `build_report`); no target is printed.  Ends with a summary table.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import html
import json
import shutil
import sys
import time
import xml.etree.ElementTree as ET
from collections import defaultdict
from html.parser import HTMLParser
from pathlib import Path

from tb.common.proc import ToolError, run_tool
from tb.tools import coverage_report as cr
from tb.tools import lcov

NOT_RUN = "not run"
CHARTS = (("bench", "bench.png", "bench.json"), ("accuracy", "accuracy_frontier.png", "accuracy.json"))
# outputs of an earlier `make report`, removed first so that nothing stale is linked
EXPORTS = ("coverage.ucis.xml", "fcov.cocotb.yml", "coverage.lcov", "coverage.cobertura.xml")
OUTPUTS = ("index.html", "html", "img", "coverage.lcov", "coverage.cobertura.xml", "fcov.cocotb.yml",
           "coverage.ucis.xml", "report_screenshot.png")


def log(msg: str) -> None:
    print(f"[report] {msg}", flush=True)


def mtime(p: Path) -> str:
    return dt.datetime.fromtimestamp(p.stat().st_mtime, dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


# ------------------------------------------------------------------------- tests
def junit_run_name(p: Path) -> str:
    """reports/junit-coverage-shard2of4.xml -> 'coverage' (the shards of a run are summed)."""
    name = p.stem.removeprefix("junit-")
    return name.split("-shard")[0] or name


def read_junit(reports: Path, bundles: list[Path] = ()) -> list[dict] | None:
    """JUnit runs of reports/junit-*.xml and of the coverage bundles merged (their files
    are named, not linked: they lie outside reports/)."""
    runs: dict[str, dict] = {}
    for p in sorted(reports.glob("junit-*.xml")) + [f for b in bundles for f in sorted(b.glob("junit-*.xml"))]:
        try:
            root = ET.parse(p).getroot()
        except ET.ParseError as exc:
            log(f"{p.name}: unreadable JUnit XML ({exc}); left out")
            continue
        r = runs.setdefault(junit_run_name(p), {"run": junit_run_name(p), "files": [], "tests": 0, "passed": 0,
                                                "failed": 0, "skipped": 0, "time_s": 0.0, "failures": [],
                                                "written": mtime(p)})
        r["files"].append(p.name if p.parent == reports else f"{p.parent.name}/{p.name} (bundle)")
        r["written"] = max(r["written"], mtime(p))
        suites = [root] if root.tag == "testsuite" else root.iter("testsuite")
        for s in suites:
            r["time_s"] += float(s.get("time", 0) or 0)
            for tc in s.iter("testcase"):
                r["tests"] += 1
                bad = tc.find("failure")
                if bad is None:
                    bad = tc.find("error")
                if bad is not None:
                    r["failed"] += 1
                    msg = (bad.get("message") or bad.text or "").strip().splitlines()
                    r["failures"].append({"test": f"{tc.get('classname', '')}::{tc.get('name', '')}",
                                          "kind": bad.tag, "message": msg[0][:300] if msg else ""})
                elif tc.find("skipped") is not None:
                    r["skipped"] += 1
                else:
                    r["passed"] += 1
    return list(runs.values()) or None


# -------------------------------------------------------------------- functional
def coverage_inputs(build: Path, reports: Path) -> tuple[str, list[Path], list[Path]]:
    """(kind, roots, bundles) of the last coverage results:
    'merge'     reports/coverage.json of `make coverage-merge` names its bundles (`inputs`) and
                they are still there: their results/ folders (the nightly merge job);
    'coverage'  the build tree's <unit>/<params>_cov/<test>/ results of `make coverage`;
    'test'      neither: the fcov.json of the last make test / make sim (functional only)."""
    rep = load_json(reports / "coverage.json") or {}
    bundles = [Path(i["bundle"]) for i in rep.get("inputs") or [] if i.get("bundle")]
    if bundles and all((b / "results").is_dir() for b in bundles):
        return "merge", [b / "results" for b in bundles], bundles
    if cr.result_files(build, "fcov.json"):
        return "coverage", [build], []
    return "test", [build], []


def test_run_fcov(build: Path) -> list[Path]:
    return sorted(p for p in build.glob("*/*/*/fcov.json") if not p.parent.parent.name.endswith("_cov"))


def bin_table(items: dict, plan: dict) -> list[dict]:
    """One row per bin of the merged items: status 'hole', 'hit' or 'excluded'."""
    ex_bins = {e["bin"]: e["reason"] for e in plan["exclusions"]["bins"]}
    rows = []
    for name in sorted(items):
        it = items[name]
        for b, st in it["bins"].items():
            full = f"{name}/{b}"
            status = "excluded" if full in ex_bins else ("hit" if st.hits >= it["at_least"] else "hole")
            rows.append({"covergroup": cr.covergroup_of(name), "item": name, "type": it["type"], "bin": b,
                         "hits": st.hits, "at_least": it["at_least"], "status": status,
                         "by_source": {s: n for s, n in st.by_source.items() if n}, "reason": ex_bins.get(full, "")})
    return rows


def figures_of(rows: list[dict]) -> dict:
    groups: dict[str, dict] = {}
    for r in rows:
        g = groups.setdefault(r["covergroup"], {"bins": 0, "hit": 0, "excluded": 0})
        if r["status"] == "excluded":
            g["excluded"] += 1
            continue
        g["bins"] += 1
        g["hit"] += r["status"] == "hit"
    for g in groups.values():
        g["pct"] = round(100.0 * g["hit"] / g["bins"], 2) if g["bins"] else None
    n = sum(g["bins"] for g in groups.values())
    h = sum(g["hit"] for g in groups.values())
    return {"functional_bins": n, "functional_hit": h, "functional_pct": round(100.0 * h / n, 2) if n else None,
            "covergroups": groups}


# --------------------------------------------------------------------- UCIS XML
def ucis_names(item: str, item_type: str, b: str) -> tuple[str, str, str]:
    """(covergroup, coverpoint, bin) as written to the cocotb YAML / UCIS database.  The
    YAML importer splits keys at dots and the UCIS XML writer keeps one covergroup level,
    so the unit and covergroup are joined by '__' ('topk.cg_row' -> 'topk__cg_row');
    cross bins ('a x b') are written as tuples ('(a, b)'), which the importer reads as
    a cross."""
    cg, _, leaf = item.rpartition(".")
    if item_type == "CoverCross":
        b = "(" + ", ".join(b.split(" x ")) + ")"
    return cg.replace(".", "__"), leaf, b


def write_fcov_yaml(items: dict, path: Path) -> dict[tuple, int]:
    """cocotb-coverage YAML (``<covergroup>.<coverpoint>: {at_least, weight, bins:_hits}``);
    returns {(covergroup, coverpoint, bin): hits} as written."""
    import yaml

    doc, written = {}, {}
    for name in sorted(items):
        it = items[name]
        bins = {}
        for b, st in it["bins"].items():
            cg, cp, ub = ucis_names(name, it["type"], b)
            bins[ub] = st.hits
            written[(cg, cp, ub)] = st.hits
        doc[f"{cg}.{cp}"] = {"at_least": it["at_least"], "weight": 1, "bins:_hits": bins,
                             "type": f"<class 'cocotb_coverage.coverage.{it['type']}'>"}
    path.write_text(yaml.safe_dump(doc, sort_keys=False, width=1000))
    return written


def write_ucis(yaml_path: Path, xml_path: Path) -> None:
    import logging

    from ucis.cocotb import read_cocotb_yaml
    from ucis.mem import MemUCIS
    from ucis.xml.db_format_if_xml import DbFormatIfXml

    import yaml
    from ucis.scope_type_t import ScopeTypeT

    logging.getLogger("ucis").setLevel(logging.WARNING)
    doc = yaml.safe_load(yaml_path.read_text())
    db = read_cocotb_yaml(str(yaml_path), MemUCIS())

    # the importer gives the bins their at_least but leaves the coverpoint's option (what
    # the XML writer records) at 1: set it from the YAML
    def set_at_least(scope):
        for cg in scope.scopes(ScopeTypeT.COVERGROUP | ScopeTypeT.COVERINSTANCE):
            for cp in cg.scopes(ScopeTypeT.COVERPOINT | ScopeTypeT.CROSS):
                cp.setAtLeast(doc[f"{cg.getScopeName()}.{cp.getScopeName()}"]["at_least"])
            set_at_least(cg)

    for inst in db.scopes(ScopeTypeT.INSTANCE):
        set_at_least(inst)
    DbFormatIfXml().write(db, str(xml_path))


def read_ucis(xml_path: Path) -> dict[tuple, dict]:
    """{(covergroup, coverpoint or cross, bin): {"hits", "kind"}} of a UCIS XML file (pyucis reader)."""
    from ucis.cover_type_t import CoverTypeT
    from ucis.scope_type_t import ScopeTypeT
    from ucis.xml.xml_factory import XmlFactory

    db = XmlFactory.read(str(xml_path))
    out = {}
    for inst in db.scopes(ScopeTypeT.INSTANCE):
        for cg in inst.scopes(ScopeTypeT.COVERGROUP):
            for kind, st in (("point", ScopeTypeT.COVERPOINT), ("cross", ScopeTypeT.CROSS)):
                for cp in cg.scopes(st):
                    for ci in cp.coverItems(CoverTypeT.CVGBIN):
                        out[(cg.getScopeName(), cp.getScopeName(), ci.getName())] = {
                            "hits": ci.getCoverData().data, "kind": kind}
    return out


# ------------------------------------------------------------------ code (LCOV)
def genhtml(tracefile: Path, out: Path, root: Path, log_dir: Path) -> bool:
    """Per-line pages by genhtml (Debian's lcov) into ``out``; False when genhtml is
    missing or fails (then the report writes its own pages)."""
    exe = shutil.which("genhtml")
    if exe is None:
        return False
    cmd = [exe, "--quiet", "--branch-coverage", "--prefix", str(root.resolve()), "--title", "ESACT RTL code coverage",
           "--output-directory", str(out), str(tracefile)]
    log_dir.mkdir(parents=True, exist_ok=True)
    try:
        run_tool(cmd, log_dir / "genhtml.log", "genhtml", timeout=600)
    except ToolError as exc:
        log(f"{exc}\nwriting the report's own per-line pages instead")
        shutil.rmtree(out, ignore_errors=True)
        return False
    return True


def page_name(src: str) -> str:
    return src.replace("/", "__") + ".html"


def write_source_page(src: str, fc: lcov.FileCov, path: Path, root: Path, excluded: set[int]) -> None:
    try:
        text = (root / src).read_text(errors="replace").splitlines()
    except OSError:
        text = []
    arms: dict[int, list] = defaultdict(list)
    for line, count, comment in fc.branches:
        arms[line].append(f"{comment}: {count}")
    rows = []
    for n, code in enumerate(text, 1):
        if n in fc.lines:
            cls, cnt = ("hit" if fc.lines[n] else "miss"), str(fc.lines[n])
        else:
            cls, cnt = ("excl", "excluded") if n in excluded else ("", "")
        br = html.escape("; ".join(arms.get(n, [])))
        rows.append(f'<tr class="{cls}" id="L{n}"><td class="n">{n}</td><td class="n">{cnt}</td>'
                    f'<td><pre>{html.escape(code)}</pre></td><td class="br">{br}</td></tr>')
    if not text:
        rows.append('<tr><td colspan="4">source file not available on this machine</td></tr>')
    body = (f"<h1>{html.escape(src)}</h1><p><a href=\"../../index.html#code\">back to the report</a> &middot; "
            f"lines {fc.lines_hit} / {len(fc.lines)}, branch arms {fc.branches_hit} / {len(fc.branches)}</p>"
            "<table class=\"src\"><tr><th>line</th><th>count</th><th>source</th><th>branch arms</th></tr>"
            + "\n".join(rows) + "</table>")
    path.write_text(page(src, body))


# ------------------------------------------------------------------------ HTML
CSS = """
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0 auto;max-width:1200px;
padding:0 20px 40px;color:#1d232a}
h1{font-size:24px;margin:18px 0 4px}h2{font-size:19px;margin:28px 0 8px;border-bottom:2px solid #d8dee4;
padding-bottom:3px}h3{font-size:15px;margin:16px 0 6px}
nav a{margin-right:12px}a{color:#0b5cad}
table{border-collapse:collapse;margin:6px 0 12px}th,td{border:1px solid #d8dee4;padding:3px 8px;text-align:left;
vertical-align:top}th{background:#f3f5f7}td.n{text-align:right;font-variant-numeric:tabular-nums}
.notrun{color:#7a828a;font-style:italic}.bad{color:#b42318;font-weight:600}.good{color:#137333;font-weight:600}
tr.miss td,tr.hole td{background:#fde8e7}tr.hit td{background:#eaf6ec}tr.excl td{background:#f1f1f1;color:#6a737d}
.bar{display:inline-block;height:9px;background:#e4e8ec;width:90px;margin-right:6px;vertical-align:middle}
.bar span{display:block;height:9px;background:#2e9e4f}
pre{margin:0;font:12px/1.35 ui-monospace,Menlo,Consolas,monospace;white-space:pre}
table.src td{padding:0 6px;border:none}table.src td.br{font-size:12px;color:#6a737d}
details{margin:4px 0}summary{cursor:pointer}img{max-width:100%;border:1px solid #d8dee4}
.muted{color:#6a737d;font-size:12px}
"""

# the page checks its own images once loaded (the browser test reads the result)
SELF_CHECK = """<script>
window.addEventListener('load', function () {
  var imgs = Array.prototype.slice.call(document.images);
  var bad = imgs.filter(function (i) { return !(i.complete && i.naturalWidth > 0); });
  var e = document.getElementById('selfcheck');
  e.setAttribute('data-images', imgs.length);
  e.setAttribute('data-broken', bad.map(function (i) { return i.getAttribute('src'); }).join(' '));
  e.textContent = (imgs.length - bad.length) + ' of ' + imgs.length + ' images loaded';
});
</script>"""


def page(title: str, body: str, script: str = "") -> str:
    return (f"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{html.escape(title)}</title>"
            f"<style>{CSS}</style></head><body>\n{body}\n{script}</body></html>\n")


def esc(x) -> str:
    return html.escape(str(x))


def pct_cell(p) -> str:
    if p is None:
        return '<td class="n">-</td>'
    w = min(max(p, 0), 100)
    return f'<td class="n"><span class="bar"><span style="width:{w:.0f}%"></span></span>{p:.2f} %</td>'


def table(head: list[str], rows: list[list[str]], cls: list[str] | None = None) -> str:
    """rows of ready HTML cells (strings already containing <td>) or plain values."""
    out = ["<table><tr>" + "".join(f"<th>{esc(h)}</th>" for h in head) + "</tr>"]
    for i, r in enumerate(rows):
        cells = "".join(c if isinstance(c, str) and c.startswith("<td") else f"<td>{esc(c)}</td>" for c in r)
        out.append(f'<tr class="{cls[i]}">{cells}</tr>' if cls else f"<tr>{cells}</tr>")
    out.append("</table>")
    return "\n".join(out)


def not_run(what: str, how: str) -> str:
    return f'<p class="notrun">{esc(what)}: not run (<code>{esc(how)}</code> writes it).</p>'


def fmt(x, nd=2, unit="") -> str:
    if x is None:
        return "-"
    if isinstance(x, float):
        return f"{x:.{nd}f}{unit}"
    return f"{x}{unit}"


# ---------------------------------------------------------------- the sections
def section_tests(runs) -> str:
    if not runs:
        return not_run("Test results (reports/junit-*.xml)", "make test | make sim | make coverage")
    rows, out = [], []
    for r in runs:
        links = " ".join(esc(f) if f.endswith("(bundle)") else f'<a href="{esc(f)}">{esc(f)}</a>'
                         for f in r["files"])
        status = '<td class="bad">' if r["failed"] else '<td class="good">'
        rows.append([r["run"], f'<td class="n">{r["tests"]}</td>', f'{status}{r["passed"]}</td>',
                     f'<td class="n{" bad" if r["failed"] else ""}">{r["failed"]}</td>',
                     f'<td class="n">{r["skipped"]}</td>', f'<td class="n">{r["time_s"]:.0f}</td>',
                     r["written"], f"<td>{links}</td>"])
    out.append(table(["run", "tests", "passed", "failed", "skipped", "time (s)", "written", "JUnit"], rows))
    fails = [(r["run"], f) for r in runs for f in r["failures"]]
    if fails:
        out.append("<h3>Failing tests</h3>")
        out.append(table(["run", "test", "kind", "message"],
                         [[run, f["test"], f["kind"], f["message"]] for run, f in fails]))
    return "\n".join(out)


def section_gate(g) -> str:
    if g is None:
        return ""
    gate = g["gate"]
    if gate is None:
        return (f'<p class="muted">Coverage gate: not gated (a partial run; reports/coverage.json of '
                f'{esc(g["written"])}).</p>')
    head = (f'<p>Coverage gate ({esc(gate["scope"])}, reports/coverage.json of {esc(g["written"])}): '
            + ('<span class="good">passed</span>' if gate["passed"] else '<span class="bad">FAILED</span>') + "</p>")
    items = "".join(f"<li>{esc(x)}</li>" for x in cr.gate_summary(gate))
    fails = "".join(f'<li class="bad">{esc(x)}</li>' for x in gate["failures"])
    return head + f"<ul>{items}{fails}</ul>"


def section_functional(fun, gate=None) -> str:
    if fun is None:
        return not_run("Functional coverage (fcov.json of the tests)", "make coverage")
    out = [section_gate(gate)]
    if fun["source"] == "merge":
        out.append('<p class="muted">From the coverage bundles that <code>make coverage-merge</code> merged '
                   "(reports/coverage.json <code>inputs</code>).</p>")
    if fun["source"] == "test":
        out.append('<p class="muted">From the fcov.json files of the last <code>make test</code> / '
                   "<code>make sim</code> run (no <code>make coverage</code> results in build/).</p>")
    rows = fun["rows"]
    holes = [r for r in rows if r["status"] == "hole"]
    out.append(f"<h3 id=\"holes\">Holes: {len(holes)} uncovered bin{'s' if len(holes) != 1 else ''}</h3>")
    if holes:
        out.append(table(["covergroup", "coverpoint / cross", "bin", "hits", "at least"],
                         [[r["covergroup"], r["item"].rsplit(".", 1)[1], r["bin"], f'<td class="n">{r["hits"]}</td>',
                           f'<td class="n">{r["at_least"]}</td>'] for r in holes], ["hole"] * len(holes)))
    else:
        out.append("<p>none: every bin that is not excluded was hit.</p>")
    excl = [r for r in rows if r["status"] == "excluded"]
    if excl:
        out.append("<h3>Excluded bins (docs/testplan.yml)</h3>")
        out.append(table(["bin", "hits", "reason"], [[f"{r['item']}/{r['bin']}", r["hits"], r["reason"]]
                                                     for r in excl]))
    groups = fun["figures"]["covergroups"]
    order = sorted(groups, key=lambda g: (groups[g]["hit"] == groups[g]["bins"], g))
    out.append("<h3>Covergroups (those with holes first)</h3>")
    out.append(table(["covergroup", "hit / bins", "coverage", "excluded"],
                     [[f'<td><a href="#cg-{esc(g)}">{esc(g)}</a></td>', f'{groups[g]["hit"]} / {groups[g]["bins"]}',
                       pct_cell(groups[g]["pct"]), groups[g]["excluded"]] for g in order]))
    by_cg = defaultdict(list)
    for r in rows:
        by_cg[r["covergroup"]].append(r)
    for g in order:
        rs = sorted(by_cg[g], key=lambda r: (r["status"] != "hole", r["item"]))
        opn = " open" if any(r["status"] == "hole" for r in rs) else ""
        out.append(f'<details id="cg-{esc(g)}"{opn}><summary><b>{esc(g)}</b>: {groups[g]["hit"]} / '
                   f'{groups[g]["bins"]} bins</summary>')
        out.append(table(["coverpoint / cross", "bin", "hits", "status", "hits by stimulus"],
                         [[r["item"].rsplit(".", 1)[1], r["bin"], f'<td class="n">{r["hits"]}</td>', r["status"],
                           ", ".join(f"{s}: {n}" for s, n in r["by_source"].items()) or "-"] for r in rs],
                         [r["status"] for r in rs]))
        out.append("</details>")
    return "\n".join(out)


def section_code(code) -> str:
    if code is None:
        return not_run("Code coverage (coverage.dat of make coverage)", "make coverage")
    rep = code["rep"]
    out = [table(["figure", "covered", "coverage"], [
        ["lines", f"{rep['lines_covered']} / {rep['lines']}", pct_cell(rep["line_pct"])],
        ["branch arms", f"{sum(f.branches_hit for f in code['files'].values())} / {rep['code_points']['branches']}",
         pct_cell(rep["branch_pct"])],
        ["toggles", f"of {rep['code_points']['toggles']}", pct_cell(rep["toggle_pct"])],
        ["expression terms", f"of {rep['code_points']['exprs']}", pct_cell(rep["expr_pct"])]])]
    if code["genhtml"]:
        out.append('<p>Per-line pages: <a href="html/code/index.html">genhtml report</a> (line and branch '
                   "counts, Debian's lcov).</p>")
    rows, cls = [], []

    def rate(hit, total):
        return hit / total if total else 1.0

    # the files with the most to cover first
    order = sorted(code["files"].items(), key=lambda kv: (rate(kv[1].lines_hit, len(kv[1].lines)),
                                                          rate(kv[1].branches_hit, len(kv[1].branches)), kv[0]))
    out.append('<p class="muted">Files with uncovered lines or branch arms first.</p>')
    for src, fc in order:
        pct_l = round(100.0 * fc.lines_hit / len(fc.lines), 2) if fc.lines else None
        pct_b = round(100.0 * fc.branches_hit / len(fc.branches), 2) if fc.branches else None
        unc = rep["per_file"].get(src, {}).get("uncovered", "")
        rows.append([f'<td><a href="{esc(code["pages"][src])}">{esc(src)}</a></td>',
                     f"{fc.lines_hit} / {len(fc.lines)}", pct_cell(pct_l),
                     f"{fc.branches_hit} / {len(fc.branches)}", pct_cell(pct_b), unc or "-"])
        cls.append("miss" if unc else "")
    out.append(table(["file", "lines", "line %", "branch arms", "branch %", "uncovered lines"], rows, cls))
    if rep["excluded_lines"]:
        out.append("<h3>Excluded lines (docs/testplan.yml)</h3>")
        out.append(table(["file", "lines", "reason"], [[e["file"], e["lines"], e["reason"]]
                                                       for e in rep["excluded_lines"]]))
    return "\n".join(out)


def section_mutation(mut) -> str:
    if mut is None:
        return not_run("Mutation testing (reports/mutation.json)", "make mutate")
    out = [f"<p>Score <b>{fmt(mut.get('score_pct'), unit=' %')}</b> over {mut.get('mutants')} mutants: "
           f"{mut.get('killed')} killed, {mut.get('timeout')} timed out, {mut.get('survived')} survived, "
           f"{mut.get('equivalent')} equivalent, {mut.get('invalid')} invalid "
           f"(run {fmt((mut.get('run_seconds') or 0) / 60, 1)} min, seed {mut.get('seed')}).</p>"]
    pu = mut.get("per_unit") or {}
    if pu:
        out.append(table(["unit", "mutants", "killed", "timeout", "survived", "equivalent", "invalid", "score"],
                         [[u, v["mutants"], v["killed"], v["timeout"], v["survived"], v["equivalent"], v["invalid"],
                           pct_cell(v["score_pct"])] for u, v in pu.items()]))
    surv = mut.get("survivors") or []
    out.append(f"<h3>Survivors ({len(surv)})</h3>")
    out.append(table(["file:line", "mutation", "key"], [[f"{s['file']}:{s['line']}", s["mutation"], s["key"]]
                                                        for s in surv]) if surv else "<p>none</p>")
    return "\n".join(out)


def section_charts(charts: dict) -> str:
    out = []
    b, a = charts["bench"], charts["accuracy"]
    out.append("<h3>Bench (make bench)</h3>")
    if b["data"]:
        d = b["data"]
        pts = d.get("points", {})
        thr = d.get("throughput", {})
        errs = d.get("cycle_model", {}).get("max_error_pct") or {}
        rows = [[f"{p} sparse speedup", fmt(v.get("sparse_speedup"), 3, "x")] for p, v in pts.items()
                if v.get("sparse_speedup") is not None]
        rows += [[f"{p} skip efficiency", fmt(v.get("skip_efficiency"), 3)] for p, v in pts.items()
                 if v.get("skip_efficiency") is not None]
        rows += [["sim_ratio (harness / environment clocks per s)", fmt(thr.get("sim_ratio"), 2)],
                 ["cycle model max error", fmt(max(errs.values()), 2, " %") if errs else "-"],
                 ["run", f"{d.get('date', '-')} (commit {d.get('commit', '-')}, {d.get('cpus', '-')} CPUs)"]]
        out.append(table(["figure", "measured"], rows))
    else:
        out.append(not_run("reports/bench.json", "make bench"))
    out.append(b["img"])
    out.append("<h3>Accuracy (make accuracy)</h3>")
    if a["data"]:
        d = a["data"]
        de = d.get("default", {})
        ci = de.get("accuracy_loss_ci") or d.get("accuracy_loss_ci")
        out.append(table(["figure", "measured"], [
            ["default scheme", de.get("scheme", d.get("default_scheme", "-"))],
            ["MAC reduction", fmt(de.get("reduction_pct", d.get("reduction_pct")), 2, " %")],
            ["accuracy loss (top-1, points)", fmt(de.get("accuracy_loss_pts", d.get("accuracy_loss_pts")), 2)
             + (f" (95 % CI {ci[0]:.2f} .. {ci[1]:.2f})" if ci else "")],
            ["cosine with float (mean)", fmt(de.get("cosine_mean"), 4)],
            ["regime, texts", f"{d.get('regime_of_headline', '-')}, {d.get('settings', {}).get('n_requested', '-')}"]]))
    else:
        out.append(not_run("reports/accuracy.json", "make accuracy"))
    out.append(a["img"])
    return "\n".join(out)


def section_formal(fo) -> str:
    if fo is None:
        return not_run("Formal verification (reports/formal.json)", "make formal")
    t = fo.get("totals", {})
    out = [f"<p>{esc(fo.get('tool', ''))}; subset {esc(fo.get('subset', '-'))}, {fmt(fo.get('wall_s'), 1)} s.</p>",
           table(["proven", "bounded", "failed", "unknown", "covers reached", "antecedents reached"],
                 [[f'<td class="n good">{t.get("proven", 0)}</td>', t.get("bounded", 0),
                   f'<td class="n{" bad" if t.get("failed") else ""}">{t.get("failed", 0)}</td>', t.get("unknown", 0),
                   f"{t.get('covers_reached', 0)} / {t.get('covers', 0)}",
                   f"{t.get('antecedents_reached', 0)} / {t.get('antecedents', 0)}"]])]
    units = fo.get("units") or {}
    if units:
        out.append(table(["unit", "jobs", "proven", "bounded (depths)", "failed", "unknown", "covers", "wall (s)"],
                         [[u, ", ".join(v.get("jobs", [])), v.get("proven", 0),
                           f"{v.get('bounded', 0)} ({', '.join(map(str, v.get('bounded_depths', []))) or '-'})",
                           v.get("failed", 0), v.get("unknown", 0),
                           f"{v.get('covers_reached', 0)} / {v.get('covers', 0)}", fmt(v.get("wall_s"), 1)]
                          for u, v in units.items()]))
    bad = [(j["job"], a, v) for j in fo.get("jobs", []) for a, v in j.get("assertions", {}).items()
           if v.get("status") not in ("proven", "bounded")]
    if bad:
        out.append("<h3>Failed or unknown assertions</h3>")
        out.append(table(["job", "assertion", "status", "depth"], [[j, a, v.get("status"), v.get("depth")]
                                                                   for j, a, v in bad]))
    return "\n".join(out)


def summary_rows(s: dict) -> list[tuple[str, str]]:
    rows = []
    if s["tests"]:
        for r in s["tests"]:
            rows.append((f"tests ({r['run']})", f"{r['passed']} passed, {r['failed']} failed, {r['skipped']} skipped"))
    else:
        rows.append(("tests", NOT_RUN))
    f = s["functional"]
    rows.append(("functional coverage", NOT_RUN if f is None else
                 f"{f['figures']['functional_hit']} / {f['figures']['functional_bins']} bins "
                 f"({fmt(f['figures']['functional_pct'])} %)" + (" [make test run]" if f["source"] == "test" else "")))
    g = s.get("gate")
    if g is not None:
        rows.append(("coverage gate", "not gated (partial run)" if g["gate"] is None else
                     ("passed" if g["gate"]["passed"] else f"FAILED ({len(g['gate']['failures'])} failure(s))")))
    c = s["code"]
    if c is None:
        rows.append(("line / branch / toggle / expr coverage", NOT_RUN))
    else:
        r = c["rep"]
        rows.append(("line / branch / toggle / expr coverage",
                     " / ".join(f"{fmt(r[k])} %" for k in ("line_pct", "branch_pct", "toggle_pct", "expr_pct"))))
    m = s["mutation"]
    rows.append(("mutation score", NOT_RUN if m is None else
                 f"{fmt(m.get('score_pct'))} % ({m.get('survived')} survivors of {m.get('mutants')} mutants)"))
    b = s["charts"]["bench"]["data"]
    if b is None:
        rows.append(("bench speedup / sim_ratio", NOT_RUN))
    else:
        sp = b.get("points", {}).get("default", {}).get("sparse_speedup")
        rows.append(("bench speedup / sim_ratio",
                     f"{fmt(sp, 3)}x (default point) / {fmt(b.get('throughput', {}).get('sim_ratio'), 2)}"))
    a = s["charts"]["accuracy"]["data"]
    if a is None:
        rows.append(("accuracy", NOT_RUN))
    else:
        de = a.get("default", {})
        rows.append(("accuracy", f"{fmt(de.get('reduction_pct', a.get('reduction_pct')))} % MAC reduction, "
                                 f"{fmt(de.get('accuracy_loss_pts', a.get('accuracy_loss_pts')))} pts top-1 loss"))
    fo = s["formal"]
    if fo is None:
        rows.append(("formal", NOT_RUN))
    else:
        t = fo.get("totals", {})
        rows.append(("formal", f"{t.get('proven', 0)} proven, {t.get('bounded', 0)} bounded, "
                               f"{t.get('failed', 0)} failed, {t.get('unknown', 0)} unknown"))
    return rows


def render(s: dict, out: Path) -> str:
    anchors = {"tests": "#tests", "functional coverage": "#functional", "coverage gate": "#functional",
               "line / branch / toggle / expr coverage": "#code", "mutation score": "#mutation", "bench speedup / sim_ratio": "#charts", "accuracy": "#charts",
               "formal": "#formal"}
    srows = []
    for k, v in summary_rows(s):
        a = anchors.get(k.split(" (")[0], "#tests")
        cls = ' class="notrun"' if v == NOT_RUN else ""
        srows.append(f'<tr><td><a href="{a}">{esc(k)}</a></td><td{cls}>{esc(v)}</td></tr>')
    exports = [(n, d) for n, d in s["exports"] if (out / n).exists()]
    body = [f"<h1>ESACT regression report</h1><p class=\"muted\">Written {esc(s['written'])} from what the last runs "
            f"left in reports/ and build/; every figure is measured.</p>",
            '<nav><a href="#summary">summary</a><a href="#tests">tests</a><a href="#functional">functional</a>'
            '<a href="#code">code</a><a href="#mutation">mutation</a><a href="#charts">charts</a>'
            '<a href="#formal">formal</a><a href="#exports">exports</a></nav>',
            '<h2 id="summary">Summary</h2>', "<table><tr><th>what</th><th>measured</th></tr>", *srows, "</table>",
            '<h2 id="tests">Tests</h2>', section_tests(s["tests"]),
            '<h2 id="functional">Functional coverage</h2>', section_functional(s["functional"], s["gate"]),
            '<h2 id="code">Code coverage</h2>', section_code(s["code"]),
            '<h2 id="mutation">Mutation testing</h2>', section_mutation(s["mutation"]),
            '<h2 id="charts">Bench and accuracy</h2>', section_charts(s["charts"]),
            '<h2 id="formal">Formal</h2>', section_formal(s["formal"]),
            '<h2 id="exports">Exports and inputs</h2>',
            table(["file", "what"], [[f'<td><a href="{esc(n)}">{esc(n)}</a></td>', d] for n, d in exports])
            if exports else '<p class="notrun">none</p>',
            '<p class="muted" id="selfcheck">images not checked (scripts off)</p>']
    return page("ESACT regression report", "\n".join(body), SELF_CHECK)


# ----------------------------------------------------------- browser check
class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.refs: list[tuple[str, str]] = []  # (tag, target)
        self.ids: set[str] = set()
        self.selfcheck: dict = {}

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        if a.get("id") == "selfcheck":
            self.selfcheck = a
        for key in ("href", "src"):
            if a.get(key) and tag in ("a", "img", "link", "script", "frame", "iframe"):
                self.refs.append((tag, a[key]))


def _parse(text: str) -> _Links:
    p = _Links()
    p.feed(text)
    return p


def broken_refs(page_path: Path, parsed: _Links, external_ok: bool = False) -> list[str]:
    """Targets of the page's links and images that do not resolve to a file (or to an id
    of the page); a link with a scheme (http:, file:) is reported too unless
    ``external_ok`` (genhtml's pages link to lcov's home page)."""
    bad = []
    for tag, ref in parsed.refs:
        target, _, frag = ref.partition("#")
        if ":" in target.split("/")[0]:
            if not (external_ok and tag == "a" and target.startswith(("http://", "https://"))):
                bad.append(f"{tag} {ref} (not a relative link)")
        elif not target:
            if frag and frag not in parsed.ids:
                bad.append(f"{tag} {ref} (no such id)")
        elif not (page_path.parent / target).exists():
            bad.append(f"{tag} {ref}")
    return bad


def browser_check(index: Path, screenshot: Path, log_dir: Path, timeout: float = 120.0) -> dict:
    """Open ``index`` in headless Chromium (Debian's `chromium`): the DOM after load (every
    <a href> and <img src> must resolve, the page's own check must find every image
    decoded with a non-zero width), a screenshot, and a static check of every link of the
    HTML pages under the report folder (per-line pages).  Raises FileNotFoundError when
    chromium is missing, ToolError when it fails (logs in ``log_dir``)."""
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if exe is None:
        raise FileNotFoundError("chromium not found (Debian package `chromium`; make report-deps installs it)")
    url = index.resolve().as_uri()
    base = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=1280,2000"]
    log_dir.mkdir(parents=True, exist_ok=True)
    dom = run_tool(base + ["--virtual-time-budget=5000", "--dump-dom", url], log_dir / "chromium_dom.log",
                   "chromium --dump-dom", timeout=timeout)
    if "<html" not in dom.stdout:
        raise ToolError(f"chromium --dump-dom printed no page (log: {log_dir / 'chromium_dom.log'})")
    screenshot.unlink(missing_ok=True)
    run_tool(base + [f"--screenshot={screenshot.resolve()}", url], log_dir / "chromium_screenshot.log",
             "chromium --screenshot", timeout=timeout)
    parsed = _parse(dom.stdout)
    sc = parsed.selfcheck
    pages_bad = []
    for p in sorted(index.parent.glob("html/**/*.html")):
        links = _parse(p.read_text(errors="replace"))
        pages_bad += [f"{p.relative_to(index.parent)}: {b}" for b in broken_refs(p, links, external_ok=True)]
    return {"links": sum(t == "a" for t, _ in parsed.refs), "images": int(sc.get("data-images", -1)),
            "broken_images": (sc.get("data-broken") or "").split(), "broken": broken_refs(index, parsed),
            "pages": len(list(index.parent.glob("html/**/*.html"))), "pages_broken": pages_bad,
            "screenshot": screenshot if screenshot.exists() and screenshot.stat().st_size > 0 else None}


# -------------------------------------------------------------------- collect
def load_json(p: Path) -> dict | None:
    if not p.exists():
        return None
    try:
        return json.loads(p.read_text())
    except json.JSONDecodeError as exc:
        log(f"{p.name}: not valid JSON ({exc}); shown as not run")
        return None


def chart(out: Path, docs: Path, png: str, name: str, has_data: bool) -> str:
    src = docs / png
    if not src.exists():
        return not_run(f"chart docs/{png}", f"make {name}")
    (out / "img").mkdir(exist_ok=True)
    shutil.copy2(src, out / "img" / png)
    note = "" if has_data else f" (the committed chart of docs/{png}; no {name}.json of a run here)"
    return (f'<p><img src="img/{esc(png)}" alt="{esc(name)} chart"></p>'
            f'<p class="muted">docs/{esc(png)}, written {mtime(src)}{esc(note)}</p>')


@contextlib.contextmanager
def fast_merge():
    """For one report: build_report merges the coverage.dat files that the LCOV writer
    merges again.  Inside this context merge_code is memoized per list of files (pure for
    the run: the points are only read afterwards)."""
    merge = cr.merge_code
    merged: dict[tuple, dict] = {}

    def merge_once(files):
        key = tuple(files)
        if key not in merged:
            merged[key] = merge(files)
        return merged[key]

    cr.merge_code = merge_once
    try:
        yield
    finally:
        cr.merge_code = merge


def code_coverage(roots: list[Path], build_dir: Path, out: Path, plan: dict, rep: dict, use_genhtml: bool) -> dict:
    """LCOV, Cobertura and the per-line pages of the merged coverage.dat of make coverage."""
    ex_lines: dict[str, set[int]] = defaultdict(set)
    for e in plan["exclusions"]["lines"]:
        ex_lines[e["file"]] |= cr.exclusion_lines(e)
    files = lcov.per_file(cr.merge_code(cr.result_files(roots, "coverage.dat")), ex_lines)
    log(f"LCOV / Cobertura of {len(files)} source files")
    lcov.write_lcov(files, out / "coverage.lcov", cr.REPO)
    lcov.write_cobertura(files, out / "coverage.cobertura.xml", cr.REPO)
    gen = use_genhtml and genhtml(out / "coverage.lcov", out / "html" / "code", cr.REPO, build_dir / "report")
    pages = {}
    for src, fc in files.items():
        gp = Path("html/code") / f"{src}.gcov.html"
        if gen and (out / gp).exists():
            pages[src] = gp.as_posix()
        else:
            (out / "html" / "src").mkdir(parents=True, exist_ok=True)
            write_source_page(src, fc, out / "html" / "src" / page_name(src), cr.REPO, ex_lines.get(src, set()))
            pages[src] = f"html/src/{page_name(src)}"
    log("per-line pages: " + ("genhtml (html/code/)" if gen else "the report's own (html/src/)"))
    return {"rep": rep, "files": files, "pages": pages, "genhtml": gen}


def build(build_dir: Path, out: Path, docs: Path, use_genhtml: bool = True) -> dict:
    """Collect every section, write the exports and reports/index.html; returns the sections."""
    t0 = time.time()
    out.mkdir(parents=True, exist_ok=True)
    for n in OUTPUTS:
        p = out / n
        if p.is_dir():
            shutil.rmtree(p)
        elif p.exists():
            p.unlink()
    plan = cr.load_testplan(cr.REPO / "docs" / "testplan.yml") if (cr.REPO / "docs" / "testplan.yml").exists() \
        else {"features": [], "exclusions": {"bins": [], "lines": []}}
    s: dict = {"written": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), "exports": []}

    kind, roots, bundles = coverage_inputs(build_dir, out)
    log("test results (reports/junit-*.xml" + (f" and {len(bundles)} coverage bundle(s))" if bundles else ")"))
    s["tests"] = read_junit(out, bundles)

    fcov_files = test_run_fcov(build_dir) if kind == "test" else cr.result_files(roots, "fcov.json")
    s["functional"] = s["code"] = s["gate"] = None
    if fcov_files:
        run = {"merge": f"make coverage-merge of {len(bundles)} bundle(s)", "coverage": "make coverage",
               "test": "last make test/sim"}[kind]
        log(f"functional coverage: merging {len(fcov_files)} fcov.json ({run} run)")
        items, _meta = cr.merge_functional(fcov_files)
        if kind != "test":  # the testplan's assertion corners (COVER counts of the coverage builds)
            items.update(cr.assertion_cover_items(cr.result_files(roots, "coverage.dat"), plan))
        rows = bin_table(items, plan)
        fun = {"source": kind, "rows": rows, "figures": figures_of(rows)}
        if kind != "test":
            log("code coverage: merging coverage.dat (coverage_report.build_report)")
            with fast_merge():
                rep = cr.build_report(roots, plan)
                fun["figures"] = {k: rep[k] for k in ("functional_bins", "functional_hit", "functional_pct",
                                                      "covergroups")}
                if rep["coverage_dat_files"]:
                    s["code"] = code_coverage(roots, build_dir, out, plan, rep, use_genhtml)
            cj = out / "coverage.json"
            if cj.exists() and "gate" in (load_json(cj) or {}):
                s["gate"] = {"gate": load_json(cj)["gate"], "written": mtime(cj)}
        s["functional"] = fun
        log(f"UCIS XML of {len(rows)} bins (pyucis)")
        write_fcov_yaml(items, out / "fcov.cocotb.yml")
        write_ucis(out / "fcov.cocotb.yml", out / "coverage.ucis.xml")

    s["mutation"] = load_json(out / "mutation.json")
    s["formal"] = load_json(out / "formal.json")
    s["charts"] = {}
    for name, png, js in CHARTS:
        data = load_json(out / js)
        s["charts"][name] = {"data": data, "img": chart(out, docs, png, name, data is not None)}

    s["exports"] = [("coverage.ucis.xml", "functional coverage, UCIS XML (pyucis)"),
                    ("fcov.cocotb.yml", "functional coverage, cocotb-coverage YAML (merged)"),
                    ("coverage.lcov", "code coverage, LCOV tracefile (lines, branches)"),
                    ("coverage.cobertura.xml", "code coverage, Cobertura XML"),
                    ("coverage.json", "make coverage figures"), ("coverage.md", "make coverage, readable"),
                    ("mutation.json", "make mutate"), ("bench.json", "make bench"),
                    ("accuracy.json", "make accuracy"), ("formal.json", "make formal")]
    s["exports"] += [(f, "JUnit XML") for r in (s["tests"] or []) for f in r["files"]]
    (out / "index.html").write_text(render(s, out))
    s["seconds"] = round(time.time() - t0, 1)
    return s


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", type=Path, default=None, help="build folder of the last runs (default: build/, "
                    "ESACT_SIM_BUILD as make coverage)")
    ap.add_argument("--reports", type=Path, default=None, help="reports folder: inputs and outputs (default: reports/)")
    ap.add_argument("--docs", type=Path, default=None, help="folder of the committed charts (default: docs/)")
    ap.add_argument("--no-genhtml", action="store_true", help="write the report's own per-line pages")
    ap.add_argument("--no-browser", action="store_true", help="skip the headless Chromium check and screenshot")
    args = ap.parse_args(argv)
    for name in ("build", "docs"):
        p = getattr(args, name)
        if p is not None and not p.is_dir():
            raise ValueError(f"--{name}: {p} is not a folder")
    if args.reports is not None and args.reports.exists() and not args.reports.is_dir():
        raise ValueError(f"--reports: {args.reports} is not a folder")
    out = args.reports or cr.REPORTS
    s = build(args.build or cr.SIM_BUILD, out, args.docs or cr.REPO / "docs", use_genhtml=not args.no_genhtml)
    rows = summary_rows(s)
    w = max(len(k) for k, _ in rows)
    print(f"\n{'what':{w}s}  measured")
    print("-" * (w + 40))
    for k, v in rows:
        print(f"{k:{w}s}  {v}")
    exports = [n for n in EXPORTS if (out / n).exists()]
    print(f"wrote {out / 'index.html'} in {s['seconds']} s; exports: {', '.join(exports) or 'none'}")
    if args.no_browser:
        return 0
    try:
        log("headless Chromium: links, images, screenshot")
        chk = browser_check(out / "index.html", out / "report_screenshot.png", (args.build or cr.SIM_BUILD) / "report")
    except FileNotFoundError as exc:
        log(f"browser check skipped: {exc}")
        return 0
    print(f"browser check: {chk['links']} links, {chk['images']} images, {chk['pages']} per-line pages; "
          f"broken: {len(chk['broken']) + len(chk['broken_images']) + len(chk['pages_broken'])}; "
          f"screenshot {chk['screenshot'] or 'not written'}")
    for b in chk["broken"] + chk["broken_images"] + chk["pages_broken"][:20]:
        print(f"  broken: {b}")
    return 1 if chk["broken"] or chk["broken_images"] or chk["pages_broken"] or chk["images"] < 0 else 0


if __name__ == "__main__":
    sys.exit(main())
