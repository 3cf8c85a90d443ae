"""lowRISC port naming holds in every RTL module: a signal named ``*_i``, ``*_ni`` or
``*_o`` is a port of its module (read with pyslang after elaboration).

Beyond style, the simulation build depends on it: tb/common/sim.py makes the top
module's ``*_i``/``*_ni`` signals VPI-writable and ``*_o`` readable by name pattern.
An internal signal with a port suffix would become VPI-writable too, and Verilator then
re-evaluates all logic reading it on every evaluation (three internal counters named
``pf_i``/``pc_i``/``tk_i`` put the prediction operand muxes of esact_top into the
input-combinational region: a third of the simulation time)."""

import re

from pyslang import ast, syntax

from tb.common.tools import HDL
from tb.common.units import UNITS

PORT_SUFFIX = re.compile(r"_(i|ni|o)$")


def test_port_suffixes_name_only_ports():
    comp = ast.Compilation()
    files = sorted({str(p) for unit in UNITS.values() for p in unit.source_paths() if p.suffix == ".sv"})
    for f in files:
        comp.addSyntaxTree(syntax.SyntaxTree.fromFile(f))
    errors = [d for d in comp.getAllDiagnostics() if d.isError()]
    assert not errors, errors
    ports: dict[str, set[str]] = {}
    named: dict[str, set[str]] = {}

    def visit(sym):
        if sym.kind == ast.SymbolKind.InstanceBody:
            ports.setdefault(sym.definition.name, set()).update(p.name for p in sym.portList)
        elif sym.kind in (ast.SymbolKind.Variable, ast.SymbolKind.Net) and PORT_SUFFIX.search(sym.name):
            if sym.declaringDefinition is not None:
                named.setdefault(sym.declaringDefinition.name, set()).add(sym.name)

    comp.getRoot().visit(visit)
    assert "esact_top" in ports and named, "the RTL was not elaborated"
    bad = {m: sorted(s - ports.get(m, set())) for m, s in named.items() if s - ports.get(m, set())}
    assert not bad, f"internal signals with a port suffix (_i/_ni/_o): {bad}"


# ---------------------------------------------------------------------------------------
# lowRISC structure: short sequential blocks, a named sequencer (issue 17)
# ---------------------------------------------------------------------------------------
ALWAYS_FF_MAX_LINES = 40
SEQUENCER = HDL / "esact_top.sv"


def _always_ff_ranges(path) -> list[tuple[int, int]]:
    """(first line, last line) of every always_ff block of a file (pyslang syntax tree)."""
    tree = syntax.SyntaxTree.fromFile(str(path))
    sm = tree.sourceManager
    found = []

    def visit(node):
        if getattr(node, "kind", None) == syntax.SyntaxKind.AlwaysFFBlock:
            r = node.sourceRange
            found.append((sm.getLineNumber(r.start), sm.getLineNumber(r.end)))
        return True

    tree.root.visit(visit)
    return found


def test_always_ff_blocks_are_short():
    """Sequential blocks hold reset values and `_q <= _d` (or a memory's writes); the
    next-state logic lives in always_comb.  No always_ff block in hdl/ (RTL and
    checkers) is longer than ALWAYS_FF_MAX_LINES lines."""
    files = sorted(HDL.glob("*.sv")) + sorted((HDL / "assert").glob("*.sv"))
    blocks = {p: _always_ff_ranges(p) for p in files}
    assert sum(len(b) for b in blocks.values()) > 20, "no always_ff block found: the scan is broken"
    long = [f"{p.relative_to(HDL)}:{a}-{b} ({b - a + 1} lines)" for p, rs in blocks.items() for a, b in rs
            if b - a + 1 > ALWAYS_FF_MAX_LINES]
    assert not long, f"always_ff blocks over {ALWAYS_FF_MAX_LINES} lines: {long}"


def _code(text: str) -> str:
    """The text without comments."""
    return re.sub(r"//[^\n]*|/\*.*?\*/", "", text, flags=re.S)


def test_sequencer_steps_are_named():
    """esact_top's sequencer walks named steps: no sized numeric literal other than a
    single bit in esact_top.sv (the old controller's `4'dN` steps), no number compared
    with or assigned to the step, stage or background registers, and those registers
    are enums (read after elaboration)."""
    code = _code(SEQUENCER.read_text())
    literals = re.findall(r"\b\d+'[sS]?[dDhHbBoO][0-9a-fA-F_xXzZ]+", code)
    assert not [x for x in literals if not re.fullmatch(r"1'[bB][01]", x)], literals
    state = r"\b(step|bg|stage)(_[qd])?\b"
    compared = re.findall(state + r"\s*(==|!=|<=|>=|<|>|=)\s*'?\d", code)
    assert not compared, f"numeric step values in esact_top.sv: {compared}"

    comp = ast.Compilation()
    for f in sorted({str(p) for p in UNITS["esact_top"].source_paths() if p.suffix == ".sv"}):
        comp.addSyntaxTree(syntax.SyntaxTree.fromFile(f))
    top = next(i for i in comp.getRoot().topInstances if i.name == "esact_top")
    for name in ("step_q", "step_d", "bg_q", "bg_d", "stage"):
        var = top.body.find(name)
        assert var is not None, f"esact_top has no {name}"
        assert var.type.canonicalType.isEnum, f"esact_top.{name} is not an enum ({var.type})"
