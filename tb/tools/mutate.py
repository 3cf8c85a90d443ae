"""`make mutate`: RTL mutation testing.

Mutants are generated from the SystemVerilog syntax tree (pyslang), never from regular
expressions.  Operators:

  op        binary operator replacement (+ -, < <=, > >=, == !=, & |, && ||, << >>, ^ &);
            not on for-loop or generate-loop bounds (an extra/missing iteration over
            out-of-range selects)
  const     integer constant off by one (+1 / -1)
  bitidx    constant bit or element index off by one
  stuck0/1  a flop input (`x_q <= e` / `x_q = e` in always_ff) or a continuous
            assignment stuck at '0 / '1
  enable    an `if` condition in sequential logic forced true (dropped enable term)
  reset     a reset test (`!rst_ni`) forced false (dropped reset)
  dropterm  one operand of a `&&` dropped
  muxswap   the arms of a `c ? a : b` swapped

The generator is width-preserving: no edit inside a declaration, a cast's width, the
bounds of a range select, the width of an indexed part select or an instance's
parameter override (each changes an expression's width: lint rejects the mutant, or
the same bits move); enum-typed targets are stuck at values cast to their type.

Sites are enumerated per file, then a deterministic sample (``--seed``) spread over
all files picks ``--n`` mutants.  Each mutant is a copy of hdl/ with one edit; it is
linted (`verilator --lint-only -Wall` and slang's elaboration errors and out-of-range
selects, as `make lint`) and, if clean, every unit
whose sources include the mutated file runs its fast regression subset on it
(build dirs in build/mutate/, tests through tb.common.sim.run).  Outcomes:

  killed     a test failed (scoreboard mismatch, protocol check, error status)
  timeout    the run exceeded its time budget (a hang caught by the watchdog: killed)
  survived   every test passed
  invalid    the mutant does not lint clean or does not compile: not counted in the score

score_pct = (killed + timeout) / (killed + timeout + survived - equivalent), where
equivalent mutants are listed with their reasons in docs/mutation.md (key: file,
operator, edit and the text of the mutated line).  Writes reports/mutation.json, prints a table;
``--rescore`` re-applies that list to a finished report (survivors examined after the run).
"""

from __future__ import annotations

import argparse
import collections
import functools
import hashlib
import json
import os
import queue
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass
from pathlib import Path

from tb.common.tools import BUILD, REPO
from tb.common.proc import exit_status, failure, run_tool, show, write_log

HDL_SRC = REPO / "hdl"
WORK = BUILD / "mutate"
REPORT = REPO / "reports" / "mutation.json"
EQUIV_DOC = REPO / "docs" / "mutation.md"

# fast regression subset per unit: (parameter set, test classes), first failure stops
SUBSET: dict[str, tuple[str, tuple[str, ...]]] = {
    "hlog_quant": ("w8_l4_round", ("HlogQuantExhaustiveTest", "HlogQuantCornerTest")),
    "requant": ("l3_tag12", ("RequantCornerTest", "RequantRandomTest")),
    "topk": ("t20_l3", ("TopkCornerTest", "TopkRandomTest", "TopkErrorTest")),
    "spls_predict": ("l3_e1_round", ("SplsPredictCornerTest", "SplsPredictRandomTest")),
    "softmax": ("t20_l3", ("SoftmaxCornerTest", "SoftmaxRandomTest", "SoftmaxErrorTest")),
    "gelu": ("l2_tag9", ("GeluCornerTest", "GeluRandomTest", "GeluErrorTest")),
    "layernorm": ("n24_l5", ("LayernormCornerTest", "LayernormRandomTest", "LayernormErrorTest")),
    "gemm": ("pe4x2", ("GemmCornerTest", "GemmRandomTest", "GemmErrorTest")),
    "local_sim": ("t16_h3", ("LocalSimCornerTest", "LocalSimRandomTest", "LocalSimErrorTest")),
    "esact_top": ("small", ("EsactRandomTest", "EsactErrorTest", "EsactDumpTest")),
}

# the second tier: a mutant that survives its unit's subset runs these tests at the full
# parameter set before it is called a survivor (only survivors pay for the larger build).
# The small esact_top build cannot show a mutant that differs only at larger maxima:
# T_MAX / 8 and T_MAX / 7 are both 4 at T_MAX = 32, a row, column or head index bit
# above the small build's widths never toggles.  A documented equivalent is not escalated
# (it would survive again); --no-escalate turns the tier off (CI's 20-mutant sample)
ESCALATE: dict[str, tuple[str, tuple[str, ...]]] = {
    "esact_top": ("minilm", ("EsactFullShapeTest",)),
}
ESCALATE_TIMEOUT = 1800.0  # added to a mutant's limit when the tier may run (a MiniLM build and test)

BINOPS = {
    "AddExpression": ["-"], "SubtractExpression": ["+"],
    "LessThanExpression": ["<="], "LessThanEqualExpression": ["<"],
    "GreaterThanExpression": [">="], "GreaterThanEqualExpression": [">"],
    "EqualityExpression": ["!="], "InequalityExpression": ["=="],
    "BinaryAndExpression": ["|"], "BinaryOrExpression": ["&"], "BinaryXorExpression": ["&"],
    "LogicalAndExpression": ["||"], "LogicalOrExpression": ["&&"],
    "LogicalShiftLeftExpression": [">>"], "LogicalShiftRightExpression": ["<<"],
}
DECL_KINDS = {"DataDeclaration", "ParameterDeclaration", "PortDeclaration", "ImplicitAnsiPort",
              "TypedefDeclaration", "LocalVariableDeclaration", "ParameterDeclarationStatement",
              "ForVariableDeclaration", "ParameterPortList", "VariableDimension",
              "ParameterValueAssignment"}  # `#(.W(8))` of an instance: its port widths

# `[pkg::]name_e a, b;` / `output pkg::name_e x_o,`: names declared with an enum type
# (lowRISC naming: enum types end in _e)
ENUM_DECL = re.compile(r"\b((?:\w+::)?[A-Za-z]\w*_e)\s+([A-Za-z_]\w*(?:\s*,\s*[A-Za-z_]\w*)*)\s*[;,)]")


def enum_names(text: str) -> dict[str, str]:
    """Signal name -> its enum type, from the declarations of one file."""
    out: dict[str, str] = {}
    for m in ENUM_DECL.finditer(re.sub(r"//[^\n]*", "", text)):
        for name in m.group(2).split(","):
            out[name.strip()] = m.group(1)
    return out


ENUM_BODY = re.compile(r"\benum\b[^{;]*\{([^}]*)\}")
_ENUM_VALUE = re.compile(r"(?:\d*'[sS]?([dDhHbB]))?([0-9a-fA-F_]+)")


def enum_zero_constants(*texts: str) -> set[str]:
    """Enum constants whose value is 0 (the first member without an explicit value, or
    one written ``= 0`` / ``= N'd0``), from the enum declarations of the given sources
    (a unit and the packages it imports): a flop whose reset value is such a constant,
    stuck at 0, is its own reset value -- no mutant."""
    out: set[str] = set()
    for text in texts:
        for m in ENUM_BODY.finditer(re.sub(r"//[^\n]*", "", text)):
            nxt: int | None = 0
            for member in m.group(1).split(","):
                name, _, value = member.partition("=")
                name = name.strip()
                if not re.fullmatch(r"[A-Za-z_]\w*", name):
                    nxt = None
                    continue
                if value.strip():
                    v = _ENUM_VALUE.fullmatch(value.strip())
                    radix = {"d": 10, "h": 16, "b": 2}.get((v.group(1) or "d").lower()) if v else None
                    try:
                        nxt = int(v.group(2).replace("_", ""), radix) if v else None
                    except ValueError:
                        nxt = None
                if nxt == 0:
                    out.add(name)
                nxt = None if nxt is None else nxt + 1
    return out


LITERAL = re.compile(r"'[01xz]|\d+|\d*'[sS]?[dDhHbB][0-9a-fA-F_xzXZ]+|\{[^{}]*'[01]\s*\}")


@dataclass
class Mutant:
    id: str
    file: str  # name under hdl/
    line: int
    op: str
    start: int  # byte offsets of the replaced text
    end: int
    orig: str
    repl: str
    ctx: str = ""  # the source line, stripped

    def key(self) -> str:
        """Stable under edits elsewhere in the file (no line number): file, operator,
        edit and the text of the mutated line."""
        return f"{self.file}:{self.op}:{self.orig.strip()}->{self.repl} @ {self.ctx}"


# ------------------------------------------------------------------------ sites
def _ancestors(node):
    p = node.parent
    while p is not None:
        yield p
        p = p.parent


def _kind(node) -> str:
    return node.kind.name


def _span(node) -> tuple[int, int]:
    r = node.sourceRange
    return r.start.offset, r.end.offset


def _in_always_ff(node) -> bool:
    for a in _ancestors(node):
        if _kind(a) == "AlwaysFFBlock":
            return True
    return False


def sites(path: Path) -> list[Mutant]:
    """Every mutation site of one RTL file."""
    from pyslang import syntax

    text = path.read_text()
    tree = syntax.SyntaxTree.fromText(text, path.name)
    sm = tree.sourceManager
    out: list[Mutant] = []

    lines = text.splitlines()

    def line_of(off: int) -> int:
        return text.count("\n", 0, off) + 1

    def add(op, start, end, repl):
        orig = text[start:end]
        if orig == repl:
            return
        ln = line_of(start)
        ctx = lines[ln - 1].strip()
        nth = sum(1 for x in lines[: ln - 1] if x.strip() == ctx)  # earlier identical lines
        out.append(Mutant("", path.name, ln, op, start, end, orig, repl, ctx + (f" #{nth + 1}" if nth else "")))

    def in_decl(node) -> bool:
        """In a declaration, a parameter override of an instance, the width of a cast
        (`W'(x)`), the bounds of a range select (`x[7:0]`) or the width of an indexed
        part select (`x[b +: W]`): all of these are widths, not logic -- changing one
        changes the width of an expression, which lint rejects (a malformed mutant) or
        which only moves the same bits.  The width-preserving edits of a select: its
        bit index (`x[i]`) and the base of an indexed part select (`x[b +: W]`)."""
        if any(_kind(a) in DECL_KINDS for a in _ancestors(node)):
            return True
        start = _span(node)[0]
        for a in _ancestors(node):
            k = _kind(a)
            if k == "CastExpression":
                ls, le = _span(a.left)
                if ls <= start < le:
                    return True
            elif k == "SimpleRangeSelect":
                return True
            elif k in ("AscendingRangeSelect", "DescendingRangeSelect"):
                rs, re_ = _span(a.right)
                if rs <= start < re_:
                    return True
        return False

    enum_typed = enum_names(text)
    zero_consts = enum_zero_constants(text, *(p.read_text() for p in sorted(path.parent.glob("*_pkg.sv"))))
    # lint sinks (`assign unused_x = ^{...};`, lowRISC style) drive nothing: every
    # mutant inside one is equivalent by construction, so none is generated
    sinks: list[tuple[int, int]] = []

    def stuck(lhs: str, s: int, e: int) -> None:
        """Stuck-at-0/1 of a flop input or an assignment; an enum-typed target gets the
        value cast to its type (a bare '0 is not an enum value: lint rejects it).  An
        assignment of an enum constant whose value is 0 gets no stuck-at-0 (equivalent)."""
        typ = enum_typed.get(re.sub(r"\[.*", "", lhs).strip())
        if text[s:e].strip() not in zero_consts:
            add("stuck0", s, e, f"{typ}'(0)" if typ else "'0")
        add("stuck1", s, e, f"{typ}'('1)" if typ else "'1")

    def visit(node):
        if not hasattr(node, "kind"):
            return True
        k = _kind(node)
        # a relational mutation of a for-loop bound only adds or drops an iteration whose
        # selects fall outside the vectors (ignored writes): equivalent by construction
        if k in BINOPS and not in_decl(node) and _kind(node.parent) not in ("ForLoopStatement", "LoopGenerate"):
            tok = node.operatorToken
            off = tok.location.offset
            for r in BINOPS[k]:
                add("op", off, off + len(tok.rawText), r)
        elif k == "IntegerLiteralExpression" and not in_decl(node):
            s, e = _span(node)
            raw = text[s:e].strip()
            if raw.isdigit():
                v = int(raw)
                bitidx = any(_kind(a) in ("BitSelect", "ElementSelect") for a in list(_ancestors(node))[:2])
                op = "bitidx" if bitidx else "const"
                add(op, s, s + len(raw), str(v + 1))
                if v > 0:
                    add(op, s, s + len(raw), str(v - 1))
        elif k == "IntegerVectorExpression" and not in_decl(node):
            s, e = _span(node)
            raw = text[s:e].strip()
            m = re.fullmatch(r"(\d+)'([sS]?)([dDhHbB])([0-9a-fA-F_]+)", raw)
            if m and "_" not in m.group(4):
                w, sg, base, digits = int(m.group(1)), m.group(2), m.group(3).lower(), m.group(4)
                radix = {"d": 10, "h": 16, "b": 2}[base]
                v = int(digits, radix)
                fmt = {"d": "{:d}", "h": "{:x}", "b": "{:b}"}[base]
                for nv in (v + 1, v - 1):
                    if 0 <= nv < (1 << w):
                        add("const", s, s + len(raw), f"{w}'{sg}{base}{fmt.format(nv)}")
        elif k == "ConditionalExpression" and not in_decl(node):
            # c ? a : b  ->  c ? b : a
            l, r = node.left, node.right
            ls, le = _span(l)
            rs, re_ = _span(r)
            a, b = text[ls:le], text[rs:re_]
            if a.strip() != b.strip():
                s, _ = _span(node.predicate)
                whole_s, whole_e = ls, re_
                mid = text[le:rs]
                add("muxswap", whole_s, whole_e, b + mid + a)
        elif k == "NonblockingAssignmentExpression" or (k == "AssignmentExpression" and _in_always_ff(node)):
            lhs = text[slice(*_span(node.left))].strip()
            rhs = text[slice(*_span(node.right))].strip()
            # not on constants (a reset value stuck at itself is no mutant; `const` and
            # `reset` mutate those)
            if re.fullmatch(r"[A-Za-z_]\w*_q", lhs) and not LITERAL.fullmatch(rhs):
                stuck(lhs, *_span(node.right))
        elif k == "ContinuousAssign":
            if all(re.fullmatch(r"unused_\w*", text[slice(*_span(a.left))].strip()) for a in node.assignments):
                sinks.append(_span(node))
                return True
            for a in node.assignments:
                s, e = _span(a.right)
                if LITERAL.fullmatch(text[s:e].strip()):
                    continue
                stuck(text[slice(*_span(a.left))].strip(), s, e)
        elif k == "ConditionalStatement" and _in_always_ff(node):
            for cond in node.predicate.conditions:
                s, e = _span(cond.expr)
                c = text[s:e].strip()
                if re.fullmatch(r"!\s*rst_ni", c):
                    add("reset", s, e, "1'b0")
                else:
                    add("enable", s, e, "1'b1")
        if k == "LogicalAndExpression" and not in_decl(node):
            s, e = _span(node)
            for part in (node.left, node.right):
                ps, pe = _span(part)
                add("dropterm", s, e, "(" + text[ps:pe] + ")")
        return True

    tree.root.visit(visit)
    out = [m for m in out if not any(a <= m.start < b for a, b in sinks)]
    # de-duplicate (the same edit reached twice)
    seen, uniq = set(), []
    for m in out:
        k = (m.start, m.end, m.repl)
        if k not in seen:
            seen.add(k)
            uniq.append(m)
    # several sites of one line with the same edit (`KW-1` and `KW'(1)` both 1 -> 2):
    # their keys name the column too, so an equivalence documented for one never covers
    # another (a key without a column stays as it was)
    counts = collections.Counter(m.key() for m in uniq)
    for m in uniq:
        m.id = hashlib.sha1(f"{m.file}:{m.start}:{m.end}:{m.repl}".encode()).hexdigest()[:10]
        if counts[m.key()] > 1:
            m.ctx += f" [col {m.start - (text.rfind(chr(10), 0, m.start) + 1) + 1}]"
    return uniq


def rtl_files() -> list[Path]:
    return sorted(p for p in HDL_SRC.glob("*.sv"))


def sample(all_sites: dict[str, list[Mutant]], n: int, seed: int) -> list[Mutant]:
    """n mutants spread over the files, deterministic in seed."""
    rng = random.Random(seed)
    pools = {}
    for f, ms in sorted(all_sites.items()):
        ms = list(ms)
        rng.shuffle(ms)
        pools[f] = ms
    # quota ~ sqrt(sites): big files get more mutants, small units are not drowned out
    w = {f: len(v) ** 0.5 for f, v in pools.items() if v}
    quota = {f: min(len(pools[f]), max(1, round(n * wf / sum(w.values())))) for f, wf in w.items()}
    picked = []
    for f, q in quota.items():
        picked += pools[f][:q]
    rng.shuffle(picked)
    return picked[:n] if len(picked) >= n else picked + [m for f in pools for m in pools[f][quota.get(f, 0):]][: n - len(picked)]


# ------------------------------------------------------------------------ running
CLEAN_RUN = "*"  # `--run-one *`: every unit's subset but esact_top's (run first, timed)


def units_using(file: str) -> list[str]:
    from tb.common.units import UNITS

    return [u for u, unit in UNITS.items() if file in unit.sources and u in SUBSET]


# each worker builds its mutants in a slot directory of its own, always at the same path,
# so ccache finds the objects of every unmodified module of the previous mutants
_SLOTS: "queue.SimpleQueue[int]" = queue.SimpleQueue()
_LINT_ONLY: list = []  # non-empty: the campaign only lints its mutants (--lint-only)
_NO_ESCALATE: list = []  # non-empty: no second tier (--no-escalate)


def materialize(m: Mutant, slot: int) -> Path:
    d = WORK / f"slot{slot}"
    hdl = d / "hdl"
    if hdl.exists():
        shutil.rmtree(hdl)
    shutil.copytree(HDL_SRC, hdl)
    src = (HDL_SRC / m.file).read_text()
    (hdl / m.file).write_text(src[: m.start] + m.repl + src[m.end :])
    return d


def run_mutant(m: Mutant, timeout_s: float, seed: int) -> dict:
    slot = _SLOTS.get()
    try:
        return _run_in_slot(m, timeout_s, seed, slot)
    finally:
        _SLOTS.put(slot)


def _run_in_slot(m: Mutant, timeout_s: float, seed: int, slot: int) -> dict:
    escalate = (not _NO_ESCALATE and not _LINT_ONLY and m.key() not in load_equivalent()
                and any(u in ESCALATE for u in units_using(m.file)))
    timeout_s += ESCALATE_TIMEOUT if escalate else 0.0
    d = materialize(m, slot)
    env = dict(os.environ, ESACT_HDL_DIR=str(d / "hdl"), ESACT_SIM_BUILD=str(d / "build"), SEED=str(seed),
               PYTHONPATH=str(REPO))
    env.pop("WAVES", None)
    env.pop("RTL_COVERAGE", None)
    t0 = time.time()
    # own process group: a hung mutant's simulator is killed with its runner, so it neither
    # keeps a core busy nor writes into the slot the next mutant uses
    cmd = ([sys.executable, "-m", "tb.tools.mutate", "--run-one", m.file, "--tier", "both" if escalate else "subset"]
           + (["--lint-only"] if _LINT_ONLY else []))
    log = WORK / "logs" / f"{Path(m.file).stem}_{hashlib.sha1(m.key().encode()).hexdigest()[:12]}.log"
    proc = subprocess.Popen(cmd, env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    try:
        stdout, stderr = proc.communicate(timeout=timeout_s)
        out = stdout.strip().splitlines()
        verdict = json.loads(out[-1]) if out and out[-1].startswith("{") else None
        if verdict is None:  # the runner died without a verdict
            write_log(log, cmd, stdout, stderr, f"{m.key()}: {exit_status(proc.returncode)}")
            verdict = {"status": "invalid", "detail": f"runner {exit_status(proc.returncode)} (log: {show(log)}): "
                                                      f"{stderr.strip()[-300:]}"}
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        stdout, stderr = proc.communicate()
        write_log(log, cmd, stdout, stderr, f"{m.key()}: no verdict within {timeout_s:.0f} s: killed")
        verdict = {"status": "timeout", "detail": f"no verdict within {timeout_s:.0f} s (hang; log: {show(log)})"}
    verdict["seconds"] = round(time.time() - t0, 1)
    shutil.rmtree(d, ignore_errors=True)
    return verdict


# a mutation that removes a use or a driver leaves UNUSED*/UNDRIVEN warnings behind:
# those are its consequence, not a malformed mutant; anything else (widths, errors) is
LINT_CONSEQUENCES = re.compile(r"%Warning-(UNUSED\w*|UNDRIVEN)\b")


def lint_counts(msg: str) -> bool:
    if LINT_CONSEQUENCES.match(msg):
        return False
    return not (msg.startswith("%Error") and "Exiting due to" in msg)


KILLER_ASSERT = re.compile(r": assertion (\S+) failed at ")


def killer(msg: str) -> str:
    """What killed a mutant, from the failing test's message (tb.common.sim._failure):
    ``assert:<name>`` when an RTL assertion fired (the first one), else ``test`` (a
    scoreboard mismatch, a protocol check or an error status seen by the testbench)."""
    m = KILLER_ASSERT.search(msg.split("\n", 1)[0])
    return f"assert:{m.group(1)}" if m else "test"


def formal_jobs(file: str) -> list:
    """The FPV jobs of `make formal` that fully prove a unit built from ``file`` (a prove
    task over all its assertions, no bounded-only properties): a mutant of such a file
    can be killed by the proof too (``--formal``)."""
    from tb.tools.formal import JOBS

    return [j for j in JOBS if j.prove and not j.prove_only and not j.prove_skip and not j.bmc and not j.cut
            and file in j.rtl]


def formal_verdict(file: str) -> dict | None:
    """Inside the mutant's environment: run the proving FPV jobs of ``file`` with a
    bounded check to depth + 4; a failed assertion (a counterexample reachable from reset,
    not an induction step) kills the mutant."""
    from tb.tools.formal import run_job

    jobs = formal_jobs(file)
    if not jobs:
        return None
    import dataclasses

    out: dict = {"jobs": [j.name for j in jobs], "failed": [], "errors": []}
    for j in jobs:
        # plus a bounded check a few cycles past the proof's depth: a broken unit fails the
        # induction step of the proof, which is no counterexample (it may start from an
        # unreachable state); the bmc's failures are reachable from reset
        r = run_job(dataclasses.replace(j, bmc=j.depth + 4))
        if r.get("sby", {}).get("died"):
            out["errors"].append(f"{j.name}: {r['sby']['status']} (log: {r['sby']['log']})")
        out["failed"] += [f"{j.name}:{n}" for n, a in r["assertions"].items() if a["status"] == "failed"]
    return out


def run_one(file: str, lint_only: bool = False, tier: str = "subset") -> dict:
    """Inside the mutant's environment: lint, then the subset of each unit using file
    (with ``lint_only``: the lint verdict alone, ``lint-clean`` or ``invalid``); ``tier``
    ``both``: a survivor of the subset runs ESCALATE's tests too, ``escalation``: only
    those (the clean run's check of the second tier)."""
    from tb.common.units import PARAM_SETS, UNITS
    from tb.tools.lint import lint_one, slang_one

    units = [u for u in SUBSET if u != "esact_top"] if file == CLEAN_RUN else units_using(file)
    for u in units:
        pset, _ = SUBSET[u]
        # Verilator's lint, then slang's elaboration (`make lint` runs both): a constant
        # select out of its vector is one that Verilator silently masks
        msgs = ([m for m in lint_one(UNITS[u], PARAM_SETS[u][pset]) if lint_counts(m)]
                or slang_one(UNITS[u], PARAM_SETS[u][pset]))
        if msgs:
            return {"status": "invalid", "detail": f"lint ({u}): {msgs[0][:300]}"}
    if lint_only:
        return {"status": "lint-clean", "detail": ", ".join(units)}
    verdict = _simulate(units, tier)
    if os.environ.get("ESACT_MUTATE_FORMAL") == "1" and verdict["status"] in ("killed", "survived"):
        fv = formal_verdict(file)
        if fv is not None:
            verdict["formal"] = fv
            if verdict["status"] == "survived" and fv["failed"]:
                verdict.update(status="killed", killer=f"formal:{fv['failed'][0]}",
                               detail=f"formal: {', '.join(fv['failed'][:3])}")
    return verdict


def _simulate(units: list[str], tier: str = "subset") -> dict:
    from tb.common.sim import get_seed, run
    from tb.common.units import PARAM_SETS, UNITS

    seed = get_seed()
    runs = [(u, *SUBSET[u]) for u in units] if tier in ("subset", "both") else []
    runs += [(u, *ESCALATE[u]) for u in units if u in ESCALATE] if tier in ("escalation", "both") else []
    for u, pset, tests in runs:
        for j, t in enumerate(tests):
            try:
                # the X-randomizing build: uninitialized state and X assignments get random
                # values, so a dropped reset or a wrong reset value is no longer hidden by
                # Verilator's zero initial state.  Each test of the subset its own seed
                # ($SEED + j): a missing reset whose random value happens to equal the reset
                # value in one draw is caught by another
                run(UNITS[u], t, PARAM_SETS[u][pset], seed=seed + j, x_unique=True)
            except AssertionError as exc:
                msg = str(exc)
                tag = f"{u}[{pset}]" if pset != SUBSET[u][0] else u  # the second tier names its build
                return {"status": "killed", "killer": killer(msg),
                        "detail": f"{tag}:{t}: " + " ".join(msg.split("\n")[:3])[:400]}
            except Exception as exc:  # the build failed
                return {"status": "invalid", "detail": f"build ({u}): {type(exc).__name__}: {str(exc)[:300]}"}
    return {"status": "survived", "detail": ", ".join(units) + (" (+ full shape)" if tier == "both" and any(
        u in ESCALATE for u in units) else "")}


# a lint sink (lowRISC `unused_*` idiom): drives nothing.  The generator no longer mutates
# one; a report of an earlier generator may hold such mutants, and --rescore counts them
# equivalent by this rule
LINT_SINK = re.compile(r"assign unused_\w* =")
LINT_SINK_REASON = ("a lint sink (`assign unused_x = ^{...}`, lowRISC idiom): it drives nothing, so no mutant "
                    "of it can reach an output; the generator makes none since 2026-12-03")
# a flop input or assignment that is an enum constant of value 0, stuck at 0: the same
# value (the generator makes none since 2026-12-03; --rescore counts older ones by this rule)
ZERO_ENUM_REASON = ("stuck at 0 of an enum constant whose value is 0 (e.g. a reset state listed first): "
                    "the mutant assigns the same value; the generator makes none since 2026-12-03")


@functools.lru_cache(maxsize=None)
def _zero_consts_of(file: str) -> frozenset[str]:
    """The zero-valued enum constants a unit sees (its own and hdl/*_pkg.sv's)."""
    texts = [p.read_text() for p in sorted(HDL_SRC.glob("*_pkg.sv"))]
    if (HDL_SRC / file).exists():
        texts.append((HDL_SRC / file).read_text())
    return frozenset(enum_zero_constants(*texts))


def zero_enum_stuck(r: dict) -> bool:
    """Whether the result ``r`` is a stuck-at-0 of a zero-valued enum constant."""
    return r.get("op") == "stuck0" and r.get("orig", "").strip() in _zero_consts_of(r["file"])


def equivalent_section() -> list[str]:
    """The lines of docs/mutation.md's "## Equivalent mutants" section."""
    out, inside = [], False
    for line in EQUIV_DOC.read_text().splitlines():
        if line.startswith("## "):
            inside = line.strip() == "## Equivalent mutants"
        elif inside:
            out.append(line)
    return out


def load_equivalent() -> dict[str, str]:
    """Equivalent mutants documented in docs/mutation.md: lines `- `key`: reason`."""
    if not EQUIV_DOC.exists():
        return {}
    out: dict[str, str] = {}
    key = None
    for line in equivalent_section():
        m = re.match(r"- `([^`]+)`:(.*)", line.strip())
        if m:
            key = m.group(1)
            out[key] = m.group(2).strip()
        elif key and line.startswith("  ") and line.strip():  # the reason goes on, indented
            out[key] = (out[key] + " " + line.strip()).strip()
        else:
            key = None
    return out


class Journal:
    """One line per judged mutant, written as each finishes, so that a campaign cut short
    (a session's end, a crash) continues with ``--resume`` instead of starting over.  The
    first line names the campaign: hashes of hdl/ and of the testbench (tb/, tests/sim),
    the sample (--n, --seed, the keys); a journal of another campaign is refused, never
    mixed in."""

    def __init__(self, path: Path, muts: list, args):
        self.path = path
        def digest(paths) -> str:
            h = hashlib.sha256()
            for f in sorted(paths):
                h.update(str(f.relative_to(REPO)).encode() + b"\0" + f.read_bytes())
            return h.hexdigest()[:16]

        keys = hashlib.sha256("\n".join(m.key() for m in muts).encode()).hexdigest()[:16]
        # what decides a verdict: the RTL (hdl/, its assertions included) and the testbench
        # with the tests (a testbench edited mid-campaign would mix two environments' kills)
        self.header = {"campaign": {
            "hdl_sha256": digest(p for p in HDL_SRC.rglob("*") if p.is_file()),
            "tb_sha256": digest([*(REPO / "tb").rglob("*.py"), *(REPO / "tests" / "sim").rglob("*.py")]),
            "n": args.n, "seed": args.seed, "sample": keys,
            "escalate": not getattr(args, "no_escalate", False)}}
        self.prior_seconds = 0.0
        self._session = 0

    def open(self, resume: bool) -> dict:
        """The results of earlier sessions by sample index ({} for a new campaign)."""
        prior: dict = {}
        if resume:
            if not self.path.exists():
                raise ValueError(f"--resume: no journal at {self.path} (start the campaign without --resume)")
            lines = [json.loads(x) for x in self.path.read_text().splitlines() if x.strip()]
            if not lines or lines[0] != self.header:
                have = lines[0].get("campaign") if lines else None
                raise ValueError(f"--resume: the journal {self.path} is of another campaign {have}, "
                                 f"not {self.header['campaign']} (hdl/, tb/, tests/sim, --n or --seed changed)")
            spans: dict = {}
            for x in lines[1:]:
                prior[x["result"]["index"]] = x["result"]
                spans[x["session"]] = max(spans.get(x["session"], 0.0), x["elapsed"])
            self.prior_seconds = sum(spans.values())
            self._session = max(spans, default=-1) + 1
        else:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.path.write_text(json.dumps(self.header) + "\n")
        return prior

    def add(self, result: dict, elapsed: float) -> None:
        with self.path.open("a") as f:
            f.write(json.dumps({"session": self._session, "elapsed": round(elapsed, 1), "result": result}) + "\n")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=200, help="mutants to run (default 200)")
    ap.add_argument("--seed", type=int, default=1, help="sampling seed (default 1)")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--timeout", type=float, default=0, help="seconds per mutant (default: 5x the clean esact_top subset run, at least 600)")
    ap.add_argument("--list", action="store_true", help="count the sites per file and operator, run nothing")
    ap.add_argument("--only", action="append", default=[], metavar="KEY",
                    help="run the mutants whose key contains KEY (repeatable; e.g. to recheck a survivor)")
    ap.add_argument("--report", type=Path, default=REPORT)
    ap.add_argument("--rescore", action="store_true",
                    help="re-apply docs/mutation.md's equivalents to the report's results (no simulation): "
                         "after survivors of a finished run were examined and documented")
    ap.add_argument("--recheck-timeouts", action="store_true",
                    help="rerun the report's timed-out mutants one at a time (--timeout, default 2x the "
                         "campaign's, at least 900 s) on the same RTL and put their new outcome into the "
                         "report: a timeout on a loaded machine is a kill only if the mutant still hangs")
    ap.add_argument("--formal", action="store_true",
                    help="also run the proving FPV jobs of `make formal` on each mutant of a fully proven "
                         "unit: a counterexample kills it (recorded per mutant under 'formal')")
    ap.add_argument("--lint-only", action="store_true",
                    help="only lint the sampled mutants: the invalid share per operator in minutes, "
                         "no simulation and no report")
    ap.add_argument("--resume", action="store_true",
                    help="continue an interrupted campaign from its journal (<report>.journal.jsonl): the "
                         "mutants it already judged are not rerun; the RTL, --n and --seed must be the "
                         "journal's")
    ap.add_argument("--no-escalate", action="store_true",
                    help="no second tier: a survivor of its unit's subset is not rerun at the full "
                         "parameter set (ESCALATE: esact_top's MiniLM EsactFullShapeTest)")
    ap.add_argument("--run-one", metavar="FILE", help=argparse.SUPPRESS)
    ap.add_argument("--tier", choices=("subset", "both", "escalation"), default="subset", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.rescore:
        return rescore(args.report)
    if args.recheck_timeouts:
        return recheck_timeouts(args.report, args.timeout)
    if args.formal:
        os.environ["ESACT_MUTATE_FORMAL"] = "1"  # inherited by every mutant's runner
    if args.run_one:
        print(json.dumps(run_one(args.run_one, lint_only=args.lint_only, tier=args.tier)))
        return 0
    _NO_ESCALATE.clear()
    if args.no_escalate:
        _NO_ESCALATE.append(True)

    all_sites = {p.name: sites(p) for p in rtl_files()}
    all_sites = {f: v for f, v in all_sites.items() if units_using(f)}
    if args.list:
        ops = sorted({m.op for v in all_sites.values() for m in v})
        print(f"{'file':20s} " + " ".join(f"{o:>8s}" for o in ops) + f" {'total':>7s}")
        for f, v in all_sites.items():
            print(f"{f:20s} " + " ".join(f"{sum(m.op == o for m in v):8d}" for o in ops) + f" {len(v):7d}")
        print(f"{'all':20s} {sum(len(v) for v in all_sites.values()):>{9 * len(ops) + 7}d}")
        return 0

    if args.only:
        muts = [m for v in all_sites.values() for m in v if any(k in m.key() for k in args.only)]
        if not muts:
            print(f"mutate: no mutant key contains {args.only}")
            return 2
    else:
        muts = sample(all_sites, args.n, args.seed)
    WORK.mkdir(parents=True, exist_ok=True)
    if args.lint_only:
        return lint_campaign(muts, args.jobs)
    # the journal first: a refused --resume costs no simulation
    journal = Journal(args.report.with_suffix(".journal.jsonl"), muts, args)
    try:
        prior = journal.open(args.resume)
    except ValueError as e:
        print(f"mutate: {e}")
        return 2
    # a clean run first: every unit's subset must pass on the unmutated RTL (a failing
    # subset would count each mutant of its unit as killed).  The esact_top subset (its
    # build included, which ccache may serve) sets the timeout; the other units follow,
    # then the second tier's tests (a failing one would kill every survivor)
    clean_log = WORK / "clean.log"
    clean_env = dict(os.environ, SEED=str(args.seed), ESACT_SIM_BUILD=str(WORK / "clean"))
    base = 0.0
    clean = [("esact_top.sv", "subset"), (CLEAN_RUN, "subset")]
    if not _NO_ESCALATE and any(u in ESCALATE for m in muts for u in units_using(m.file)):
        clean.append(("esact_top.sv", "escalation"))
    for what, tier in clean:
        t0 = time.time()
        env_ok = run_tool([sys.executable, "-m", "tb.tools.mutate", "--run-one", what, "--tier", tier], clean_log,
                          f"the clean RTL's {tier} run", check=False, cwd=REPO, env=clean_env)
        base = base or time.time() - t0
        out = env_ok.stdout.strip().splitlines()
        verdict = json.loads(out[-1]) if out and out[-1].startswith("{") else {"status": "?"}
        if verdict["status"] != "survived":
            print(f"mutate: the clean RTL does not pass the {tier}: {verdict}\n"
                  + failure("the clean RTL's subset run", exit_status(env_ok.returncode), clean_log, env_ok.stderr))
            return 2
    # the floor: a mutant rebuilds its units (ccache misses the mutated module) while the
    # other job runs, up to ~4 min for esact_top measured; only a hang should reach it
    timeout = args.timeout or max(600.0, 5 * base)
    print(f"[mutate] {sum(len(v) for v in all_sites.values())} sites in {len(all_sites)} files; running {len(muts)} "
          f"mutants, {args.jobs} at a time, timeout {timeout:.0f} s (clean esact_top subset: {base:.0f} s)")
    equiv = load_equivalent()
    results = [r for r in prior.values()]
    todo = [(i, m) for i, m in enumerate(muts) if i not in prior]
    if prior:
        print(f"[mutate] resuming: {len(prior)} of {len(muts)} mutants judged in earlier sessions "
              f"({journal.prior_seconds / 60:.1f} min), {len(todo)} to run")
    done = len(prior)
    t_start = time.time()

    for slot in range(args.jobs):
        _SLOTS.put(slot)

    with ThreadPoolExecutor(max_workers=args.jobs) as ex:
        futs = {ex.submit(run_mutant, m, timeout, args.seed): (i, m) for i, m in todo}
        for fut in as_completed(futs):
            i, m = futs[fut]
            v = fut.result()
            done += 1
            r = asdict(m) | v | {"key": m.key(), "index": i}
            if v["status"] == "survived" and m.key() in equiv:
                r["status"] = "equivalent"
                r["detail"] = equiv[m.key()]
            results.append(r)
            el = time.time() - t_start
            journal.add(r, el)
            # the journal's verdict: a survivor documented as equivalent says so
            print(f"[mutate {done:3d}/{len(muts)} {el / 60:5.1f} min] {r['status']:10s} {m.file}:{m.line} {m.op} "
                  f"`{m.orig.strip()[:40]}` -> `{m.repl.strip()[:40]}` ({v['seconds']} s)"
                  + (f" by {v['killer']}" if v.get("killer") else ""), flush=True)
    results.sort(key=lambda r: r["index"])
    t_start -= journal.prior_seconds  # run time over every session of the campaign
    rep = summarize(results, timeout, time.time() - t_start, args)
    args.report.parent.mkdir(exist_ok=True)
    args.report.write_text(json.dumps(rep, indent=1))
    print_table(rep, args.report)
    return 0


def lint_campaign(muts: list[Mutant], jobs: int) -> int:
    """Lint every mutant of the sample (no simulation): the invalid share per operator,
    and the first lint message of each invalid mutant."""
    _LINT_ONLY.append(True)
    for slot in range(jobs):
        _SLOTS.put(slot)
    t0 = time.time()
    rows = []
    with ThreadPoolExecutor(max_workers=jobs) as ex:
        for i, (m, v) in enumerate(ex.map(lambda m: (m, run_mutant(m, 600.0, 1)), muts), 1):
            rows.append((m, v))
            print(f"[mutate --lint-only {i:3d}/{len(muts)} {(time.time() - t0) / 60:4.1f} min] {v['status']:10s} "
                  f"{m.file}:{m.line} {m.op} `{m.orig.strip()[:30]}` -> `{m.repl.strip()[:30]}`", flush=True)
    bad = [(m, v) for m, v in rows if v["status"] != "lint-clean"]
    for m, v in bad:
        print(f"  invalid {m.key()}\n    {v['detail'][:200]}")
    print(f"\n{'operator':10s} {'mutants':>7s} {'invalid':>7s} {'share %':>7s}")
    for op in sorted({m.op for m, _ in rows}) + ["TOTAL"]:
        sel = [v for m, v in rows if op in ("TOTAL", m.op)]
        nb = sum(v["status"] != "lint-clean" for v in sel)
        print(f"{op:10s} {len(sel):7d} {nb:7d} {100.0 * nb / len(sel):7.1f}")
    return 0


def summarize(results: list[dict], timeout: float, seconds: float, args) -> dict:
    def count(rs, s):
        return sum(r["status"] == s for r in rs)

    def fig(rs):
        k, t, s, e, i = (count(rs, x) for x in ("killed", "timeout", "survived", "equivalent", "invalid"))
        den = k + t + s
        return {"mutants": len(rs), "killed": k, "timeout": t, "survived": s, "equivalent": e, "invalid": i,
                "score_pct": round(100.0 * (k + t) / den, 2) if den else None}

    per_unit = {}
    for f in sorted({r["file"] for r in results}):
        per_unit[f.removesuffix(".sv")] = fig([r for r in results if r["file"] == f])
    per_op = {o: fig([r for r in results if r["op"] == o]) for o in sorted({r["op"] for r in results})}
    killed = [r for r in results if r["status"] == "killed"]
    by_assert = collections.Counter(r.get("killer", "test")[7:] for r in killed
                                    if r.get("killer", "test").startswith("assert:"))
    by_formal = sum(r.get("killer", "").startswith("formal:") for r in killed)
    formal_runs = [r for r in results if r.get("formal")]
    return fig(results) | {
        "killed_by_assertion": sum(by_assert.values()), "killed_by_formal": by_formal,
        "killed_by_test": len(killed) - sum(by_assert.values()) - by_formal,
        "formal_checked": len(formal_runs), "formal_failed": sum(bool(r["formal"]["failed"]) for r in formal_runs),
        "assertion_kills": dict(by_assert.most_common()),
        "per_unit": per_unit, "per_operator": per_op,
        "survivors": [{"file": f"hdl/{r['file']}", "line": r["line"], "mutation": f"{r['op']}: `{r['orig']}` -> `{r['repl']}`",
                       "key": r["key"]} for r in results if r["status"] == "survived"],
        "equivalent_list": [{"key": r["key"], "reason": r["detail"]} for r in results if r["status"] == "equivalent"],
        "invalid_list": [{"key": r["key"], "reason": r["detail"]} for r in results if r["status"] == "invalid"],
        "results": results, "seed": args.seed, "timeout_s": timeout, "run_seconds": round(seconds, 1),
        "jobs": args.jobs,
    }


def rescore(report: Path) -> int:
    """Reclassify the survived/equivalent results of ``report`` by the current list of
    documented equivalents, recompute every figure, rewrite the report."""
    if not report.exists():
        print(f"mutate --rescore: no report at {report} (run make mutate first)")
        return 2
    rep = json.loads(report.read_text())
    equiv = load_equivalent()
    # keys as the current generator names them (a report of an older generator may
    # carry keys that did not yet tell apart sites of one line); the RTL must be the same
    cur = {}
    for f in {r["file"] for r in rep["results"]} & {p.name for p in rtl_files()}:
        cur.update({(m.file, m.start, m.end, m.repl): m.key() for m in sites(HDL_SRC / f)})
    for r in rep["results"]:
        r["key"] = cur.get((r["file"], r["start"], r["end"], r["repl"]), r["key"])
    for r in rep["results"]:
        if r["status"] in ("survived", "equivalent"):
            if r["key"] in equiv:
                r["status"], r["detail"] = "equivalent", equiv[r["key"]]
            elif LINT_SINK.match(r.get("ctx", "")):
                r["status"], r["detail"] = "equivalent", LINT_SINK_REASON
            elif zero_enum_stuck(r):
                r["status"], r["detail"] = "equivalent", ZERO_ENUM_REASON
            else:
                r["status"], r["detail"] = "survived", "every test passed"
    args = argparse.Namespace(seed=rep["seed"], jobs=rep["jobs"])
    new = summarize(rep["results"], rep["timeout_s"], rep["run_seconds"], args)
    report.write_text(json.dumps(new, indent=1))
    print_table(new, report)
    return 0


def recheck_timeouts(report: Path, timeout: float = 0.0) -> int:
    """Rerun the timed-out mutants of ``report`` alone (one job), each with a longer timeout,
    and record their new outcome (the first outcome stays under ``first_run``).  The RTL
    must be the report's: every timed-out mutant is found again by its key."""
    if not report.exists():
        print(f"mutate --recheck-timeouts: no report at {report} (run make mutate first)")
        return 2
    rep = json.loads(report.read_text())
    todo = [r for r in rep["results"] if r["status"] == "timeout"]
    if not todo:
        print(f"mutate --recheck-timeouts: no timed-out mutant in {report}")
        return 0
    by_key = {m.key(): m for f in {r["file"] for r in todo} for m in sites(HDL_SRC / f)}
    missing = [r["key"] for r in todo if r["key"] not in by_key]
    if missing:
        print("mutate --recheck-timeouts: the RTL is not the report's; no site for:\n  " + "\n  ".join(missing))
        return 2
    limit = timeout or max(900.0, 2 * rep["timeout_s"])
    equiv = load_equivalent()
    _SLOTS.put(0)
    for i, r in enumerate(todo, 1):
        v = run_mutant(by_key[r["key"]], limit, rep["seed"])
        first = {k: r.get(k) for k in ("status", "detail", "seconds")}
        r.update(v, first_run=first)
        if v["status"] == "survived" and r["key"] in equiv:
            r["status"], r["detail"] = "equivalent", equiv[r["key"]]
        print(f"[mutate --recheck-timeouts {i}/{len(todo)}] {r['status']:10s} {r['file']}:{r['line']} {r['op']} "
              f"({v['seconds']} s, limit {limit:.0f} s)", flush=True)
    args = argparse.Namespace(seed=rep["seed"], jobs=rep["jobs"])
    new = summarize(rep["results"], rep["timeout_s"], rep["run_seconds"], args)
    new["rechecked_timeouts"] = {"mutants": len(todo), "timeout_s": limit,
                                 "outcomes": dict(collections.Counter(r["status"] for r in todo))}
    report.write_text(json.dumps(new, indent=1))
    print_table(new, report)
    return 0


def print_table(rep: dict, report: Path = REPORT) -> None:
    print(f"\n{'unit':14s} {'mutants':>7s} {'killed':>6s} {'timeout':>7s} {'survived':>8s} {'equiv':>5s} {'invalid':>7s} {'score %':>7s}")
    for u, v in list(rep["per_unit"].items()) + [("TOTAL", rep)]:
        print(f"{u:14s} {v['mutants']:7d} {v['killed']:6d} {v['timeout']:7d} {v['survived']:8d} {v['equivalent']:5d} "
              f"{v['invalid']:7d} {v['score_pct'] if v['score_pct'] is not None else '-':>7}")
    if "killed_by_assertion" in rep:
        print(f"killed: {rep['killed_by_assertion']} by an RTL assertion first, {rep['killed_by_test']} by the "
              f"testbench (scoreboard, protocol check, error status), {rep.get('killed_by_formal', 0)} by formal "
              f"alone")
        if rep.get("formal_checked"):
            print(f"formal (--formal): {rep['formal_checked']} mutants of fully proven units checked, "
                  f"{rep['formal_failed']} with a counterexample")
        for name, n in list(rep["assertion_kills"].items())[:15]:
            print(f"  {n:3d} x {name}")
    for s in rep["survivors"]:
        print(f"  survivor {s['file']}:{s['line']} {s['mutation']}")
    print(f"run time {rep['run_seconds'] / 60:.1f} min with {rep['jobs']} jobs; wrote {report}")


if __name__ == "__main__":
    sys.exit(main())
