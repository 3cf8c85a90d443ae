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
