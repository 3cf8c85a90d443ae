"""Code coverage of a regression as LCOV tracefile and Cobertura XML (for other tools).

Input: the merged Verilator points of `tb.tools.coverage_report.merge_code`
({(file, type, line, col, comment): {"count", "lines"}}) and the line exclusions of
the testplan.  The figures are those of `coverage_report.code_figures`:

  DA    a source line spanned by a line or branch point (Verilator's `S` range); its
        count is the largest count of the points spanning it, so a line is hit when
        any of them is (LF/LH per file = coverage_report's per-file lines/covered)
  BRDA  one record per branch point (if/else arm, case item), block 0, arms numbered
        in line order; BRF/BRH per file add up to coverage_report's branch figures

Toggle and expression points have no LCOV or Cobertura record; they stay in
reports/coverage.json.  Excluded lines (docs/testplan.yml) are left out, as in the
percentages of coverage_report.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import quoteattr

from tb.common.tools import REPO


@dataclass
class FileCov:
    lines: dict[int, int] = field(default_factory=dict)  # line -> count
    branches: list[tuple[int, int, str]] = field(default_factory=list)  # (line, count, comment)

    @property
    def lines_hit(self) -> int:
        return sum(c > 0 for c in self.lines.values())

    @property
    def branches_hit(self) -> int:
        return sum(c > 0 for _, c, _ in self.branches)


def per_file(pts: dict, excluded_lines: dict[str, set[int]]) -> dict[str, FileCov]:
    """{repo-relative source: FileCov} from merged points, exclusions applied."""
    out: dict[str, FileCov] = defaultdict(FileCov)
    for (src, t, line, _col, comment), p in sorted(pts.items()):
        excl = excluded_lines.get(src, set())
        if t in ("line", "branch"):
            fc = out[src]
            for n in p["lines"] - excl:
                fc.lines[n] = max(fc.lines.get(n, 0), p["count"])
        if t == "branch" and line not in excl:
            out[src].branches.append((line, p["count"], comment))
    for fc in out.values():
        fc.branches.sort(key=lambda b: b[0])
    return dict(sorted(out.items()))


def write_lcov(files: dict[str, FileCov], path: Path, root: Path = REPO, test_name: str = "regression") -> None:
    """LCOV tracefile; SF paths are absolute (root / source) as lcov and genhtml expect."""
    out = [f"TN:{test_name}"]
    for src, fc in files.items():
        out.append(f"SF:{(root / src).resolve()}")
        arm: dict[int, int] = defaultdict(int)
        for line, count, _ in fc.branches:
            out.append(f"BRDA:{line},0,{arm[line]},{count}")
            arm[line] += 1
        out.append(f"BRF:{len(fc.branches)}")
        out.append(f"BRH:{fc.branches_hit}")
        out += [f"DA:{n},{c}" for n, c in sorted(fc.lines.items())]
        out.append(f"LF:{len(fc.lines)}")
        out.append(f"LH:{fc.lines_hit}")
        out.append("end_of_record")
    path.write_text("\n".join(out) + "\n")


def _rate(hit: int, total: int) -> str:
    return f"{hit / total:.4f}" if total else "1"


def write_cobertura(files: dict[str, FileCov], path: Path, root: Path = REPO) -> None:
    """Cobertura XML (coverage-04 DTD): one package per folder, one class per source file."""
    lv = sum(len(f.lines) for f in files.values())
    lc = sum(f.lines_hit for f in files.values())
    bv = sum(len(f.branches) for f in files.values())
    bc = sum(f.branches_hit for f in files.values())
    out = ['<?xml version="1.0" ?>',
           '<!DOCTYPE coverage SYSTEM "http://cobertura.sourceforge.net/xml/coverage-04.dtd">',
           f'<coverage line-rate="{_rate(lc, lv)}" branch-rate="{_rate(bc, bv)}" lines-covered="{lc}" '
           f'lines-valid="{lv}" branches-covered="{bc}" branches-valid="{bv}" complexity="0" '
           f'version="esact-coverage" timestamp="{int(time.time())}">',
           f"  <sources><source>{root.resolve()}</source></sources>", "  <packages>"]
    by_pkg: dict[str, list[str]] = defaultdict(list)
    for src in files:
        by_pkg[str(Path(src).parent)].append(src)
    for pkg, srcs in sorted(by_pkg.items()):
        pf = [files[s] for s in srcs]
        out.append(f'    <package name={quoteattr(pkg)} '
                   f'line-rate="{_rate(sum(f.lines_hit for f in pf), sum(len(f.lines) for f in pf))}" '
                   f'branch-rate="{_rate(sum(f.branches_hit for f in pf), sum(len(f.branches) for f in pf))}" '
                   f'complexity="0">')
        out.append("      <classes>")
        for src in srcs:
            fc = files[src]
            out.append(f'        <class name={quoteattr(Path(src).stem)} filename={quoteattr(src)} '
                       f'line-rate="{_rate(fc.lines_hit, len(fc.lines))}" '
                       f'branch-rate="{_rate(fc.branches_hit, len(fc.branches))}" complexity="0">')
            out.append("          <methods/>")
            out.append("          <lines>")
            arms: dict[int, list[int]] = defaultdict(list)
            for line, count, _ in fc.branches:
                arms[line].append(count)
            for n, c in sorted(fc.lines.items()):
                if n in arms:
                    taken, total = sum(a > 0 for a in arms[n]), len(arms[n])
                    out.append(f'            <line number="{n}" hits="{c}" branch="true" '
                               f'condition-coverage="{round(100 * taken / total)}% ({taken}/{total})"/>')
                else:
                    out.append(f'            <line number="{n}" hits="{c}" branch="false"/>')
            out.append("          </lines>")
            out.append("        </class>")
        out.append("      </classes>")
        out.append("    </package>")
    out += ["  </packages>", "</coverage>"]
    path.write_text("\n".join(out) + "\n")


def parse_lcov(path: Path) -> dict[str, dict]:
    """{SF: {"LF", "LH", "BRF", "BRH"}} of a tracefile (for checks and the report)."""
    out: dict[str, dict] = {}
    cur = None
    for ln in path.read_text().splitlines():
        tag, _, val = ln.partition(":")
        if tag == "SF":
            cur = out.setdefault(val, {})
        elif tag in ("LF", "LH", "BRF", "BRH") and cur is not None:
            cur[tag] = int(val)
    return out
