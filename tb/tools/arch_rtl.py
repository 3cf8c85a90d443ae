"""The esact_top engine as the RTL states it, for `python -m tb.tools.arch`.

Everything comes from the elaborated design (pyslang, every ``hdl/*.sv``, default
parameters):

* the instance hierarchy under ``esact_top`` (generate blocks flattened; a module that is
  generated outside ``hdl/`` -- the PeakRDL CSR block -- is a leaf named by its
  definition);
* the nets of ``esact_top`` between its engines: every net (variable) of the top
  level with its drivers (an instance's output port, the top's own logic -- the stage
  sequencer --, a top-level input) and its loads (an instance's input port, the top's
  own logic, a top-level output);
* the sequencer: the steps of the step enum (``step_e``) in declaration order, the stage
  each step belongs to (the ``case`` over the step register that assigns a ``stage_e``
  variable), the step transitions (assignments to a ``step_e`` variable, with the
  signals of their conditions) and the nets each step drives (the other ``case`` items
  over the step register, and ``step == StepX`` comparisons in continuous assignments).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from pyslang import ast, syntax

TOP = "esact_top"
STEP_TYPE = "step_e"    # esact_pkg: the sequencer's steps
STAGE_TYPE = "stage_e"  # esact_pkg: the stages STATUS.stage reports
SEQ = "sequencer"       # node name of esact_top's own logic
IN, OUT = "inputs", "outputs"  # node names of esact_top's ports
CLOCK_RESET = ("clk_i", "rst_ni")  # everywhere: not data paths

SK = ast.SymbolKind
NET_KINDS = (SK.Variable, SK.Net)


@dataclass(frozen=True)
class Instance:
    name: str
    module: str
    children: tuple["Instance", ...] = ()

    def modules(self) -> list[str]:
        """The module names below this instance, depth first (with repeats)."""
        return [m for c in self.children for m in (c.module, *c.modules())]


@dataclass
class Step:
    name: str
    stage: str  # the stage_e value, "" when the step maps to none (the case default)
    drives: set[str] = field(default_factory=set)  # nets the step sets


@dataclass(frozen=True)
class Transition:
    src: str  # a step, or "" for a transition of any step (a command, reset)
    dst: str
    signals: tuple[str, ...]  # the signals of its conditions


@dataclass
class Engine:
    """The elaborated esact_top: hierarchy, net connectivity, sequencer."""

    top: Instance
    drivers: dict[str, set[str]]  # net -> nodes driving it
    loads: dict[str, set[str]]    # net -> nodes reading it
    steps: list[Step]
    transitions: list[Transition]

    @property
    def modules(self) -> dict[str, str]:
        """Instance name -> module of esact_top's instances."""
        return {c.name: c.module for c in self.top.children}

    def edges(self) -> dict[tuple[str, str], list[str]]:
        """(driver, load) -> the nets from one to the other, in name order."""
        out: dict[tuple[str, str], list[str]] = defaultdict(list)
        for net in sorted(self.drivers):
            if net in CLOCK_RESET:
                continue
            for d in sorted(self.drivers[net]):
                for ld in sorted(self.loads.get(net, ())):
                    if d != ld:
                        out[(d, ld)].append(net)
        return dict(out)

    def started_by(self, step: Step) -> list[str]:
        """esact_top's instances whose inputs read a net the step drives."""
        return sorted({n for net in step.drives for n in self.loads.get(net, ()) if n not in (SEQ, OUT)})


# ------------------------------------------------------------------------ elaboration
def compile_top(files: list[Path], top: str = TOP):
    """The elaborated instance of ``top`` from ``files``; ValueError if it is missing."""
    comp = ast.Compilation()
    for f in files:
        comp.addSyntaxTree(syntax.SyntaxTree.fromFile(str(f)))
    for inst in comp.getRoot().topInstances:
        if inst.name == top:
            return comp, inst
    raise ValueError(f"top: no module {top!r} at the top of {len(files)} file(s)")


def hierarchy(inst) -> Instance:
    return Instance(inst.name, inst.definition.name, tuple(_instances(inst.body)))


def _instances(scope):
    for m in scope:
        if m.kind == SK.Instance:
            yield hierarchy(m)
        elif m.kind == SK.UninstantiatedDef:  # a module defined outside hdl/ (generated)
            yield Instance(m.name, m.definitionName)
        elif m.kind == SK.GenerateBlock and not m.isUninstantiated or m.kind == SK.GenerateBlockArray:
            yield from _instances(m)


def _names(expr) -> set[str]:
    """The nets / variables an expression references."""
    out: set[str] = set()

    def visit(n):
        if isinstance(n, ast.NamedValueExpression) and n.symbol.kind in NET_KINDS:
            out.add(n.symbol.name)

    if expr is not None:
        expr.visit(visit)
    return out


def _target(expr) -> set[str]:
    """The variable an assignment's left side writes (the whole of a concatenation)."""
    sym = expr.getSymbolReference()
    return {sym.name} if sym is not None else _names(expr)


def _type_name(expr) -> str:
    return getattr(expr.type, "name", "")


def connectivity(top) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """net -> driving nodes, net -> reading nodes, over esact_top's nets."""
    drivers: dict[str, set[str]] = defaultdict(set)
    loads: dict[str, set[str]] = defaultdict(set)
    for m in top.body:
        if m.kind == SK.Port:
            (drivers if m.direction == ast.ArgumentDirection.In else loads)[m.name].add(
                IN if m.direction == ast.ArgumentDirection.In else OUT)
        elif m.kind == SK.Instance:
            for pc in m.portConnections:
                e, d = pc.expression, pc.port.direction
                if e is None:
                    continue
                if d in (ast.ArgumentDirection.Out, ast.ArgumentDirection.InOut):
                    for n in _target(e.left if isinstance(e, ast.AssignmentExpression) else e):
                        drivers[n].add(m.name)
                if d in (ast.ArgumentDirection.In, ast.ArgumentDirection.InOut):
                    for n in _names(e):
                        loads[n].add(m.name)
        elif m.kind == SK.ContinuousAssign:
            a = m.assignment
            for n in _target(a.left):
                drivers[n].add(SEQ)
            for n in _names(a.right):
                loads[n].add(SEQ)
        elif m.kind == SK.ProceduralBlock:
            for a in _assignments(m.body):
                for n in _target(a.lhs):
                    drivers[n].add(SEQ)
                for n in _names(a.rhs) | set(a.cond_names):
                    loads[n].add(SEQ)
    return dict(drivers), dict(loads)


# ------------------------------------------------------------------------ statements
@dataclass
class _Assign:
    lhs: object
    rhs: object
    cond_names: tuple[str, ...]  # signals of the enclosing if conditions
    case_expr: object | None     # the innermost enclosing case's selector
    case_values: tuple[str, ...]  # and its item's values (enum names); () for default


def _assignments(stmt, conds=(), case=(None, ())):
    """Every assignment under a statement, with its conditions and innermost case item."""
    k = ast.StatementKind
    if stmt is None:
        return
    if stmt.kind == k.Block:
        yield from _assignments(stmt.body, conds, case)
    elif stmt.kind == k.List:
        for s in stmt.list:
            yield from _assignments(s, conds, case)
    elif stmt.kind == k.Timed:
        yield from _assignments(stmt.stmt, conds, case)
    elif stmt.kind == k.Conditional:
        names = tuple(sorted(set().union(*(_names(c.expr) for c in stmt.conditions))))
        yield from _assignments(stmt.ifTrue, conds + names, case)
        yield from _assignments(stmt.ifFalse, conds, case)
    elif stmt.kind == k.Case:
        for item in stmt.items:
            values = tuple(e.symbol.name for e in item.expressions if isinstance(e, ast.NamedValueExpression))
            yield from _assignments(item.stmt, conds, (stmt.expr, values))
        yield from _assignments(stmt.defaultCase, conds, (stmt.expr, ()))
    elif stmt.kind == k.ExpressionStatement and isinstance(stmt.expr, ast.AssignmentExpression):
        yield _Assign(stmt.expr.left, stmt.expr.right, conds, *case)


def _enum_refs(expr, type_name: str) -> list[str]:
    """The values of enum ``type_name`` an expression names, in order."""
    out: list[str] = []

    def visit(n):
        if (isinstance(n, ast.NamedValueExpression) and n.symbol.kind == SK.EnumValue
                and _type_name(n) == type_name and n.symbol.name not in out):
            out.append(n.symbol.name)

    expr.visit(visit)
    return out


def _ternary_names(expr) -> set[str]:
    """The signals of the conditions of ``?:`` in an expression."""
    out: set[str] = set()

    def visit(n):
        if isinstance(n, ast.ConditionalExpression):
            for c in n.conditions:
                out.update(_names(c.expr))

    expr.visit(visit)
    return out


def _step_compares(expr) -> list[str]:
    """StepX of every ``<step_e variable> == StepX`` in an expression."""
    out: list[str] = []

    def visit(n):
        if isinstance(n, ast.BinaryExpression) and n.op == ast.BinaryOperator.Equality:
            sides = (n.left, n.right)
            if any(isinstance(s, ast.NamedValueExpression) and s.symbol.kind in NET_KINDS
                   and _type_name(s) == STEP_TYPE for s in sides):
                for s in sides:
                    out.extend(_enum_refs(s, STEP_TYPE))

    expr.visit(visit)
    return out


def sequencer(top) -> tuple[list[Step], list[Transition]]:
    """The steps in enum order with their stages and driven nets, and the transitions."""
    assigns = [a for m in top.body if m.kind == SK.ProceduralBlock for a in _assignments(m.body)]
    step_var = [m for m in top.body if m.kind == SK.Variable and getattr(m.type, "name", "") == STEP_TYPE]
    if not step_var:
        raise ValueError(f"top: {top.name} declares no variable of type {STEP_TYPE}")
    steps = [Step(v.name, "") for v in step_var[0].type.canonicalType if v.kind == SK.EnumValue]
    by_name = {s.name: s for s in steps}
    on_step = [a for a in assigns if a.case_expr is not None and _type_name(a.case_expr) == STEP_TYPE]
    for a in on_step:
        lhs_type = _type_name(a.lhs)
        if lhs_type == STAGE_TYPE:
            for v in a.case_values:
                by_name[v].stage = _enum_refs(a.rhs, STAGE_TYPE)[0]
        elif lhs_type != STEP_TYPE:
            for v in a.case_values:
                by_name[v].drives |= _target(a.lhs)
    for m in top.body:
        if m.kind == SK.ContinuousAssign:
            for v in _step_compares(m.assignment.right):
                by_name[v].drives |= _target(m.assignment.left)
    transitions: list[Transition] = []
    for a in assigns:
        if _type_name(a.lhs) != STEP_TYPE:
            continue
        signals = tuple(sorted((set(a.cond_names) | _ternary_names(a.rhs))
                               - {v.name for v in step_var}))
        on_step_case = a.case_expr is not None and _type_name(a.case_expr) == STEP_TYPE
        for dst in _enum_refs(a.rhs, STEP_TYPE):
            for src in (a.case_values if on_step_case else ("",)):
                t = Transition(src, dst, signals)
                if t not in transitions:
                    transitions.append(t)
    return steps, transitions


def engine(files: list[Path], top: str = TOP) -> Engine:
    _, inst = compile_top(files, top)
    drivers, loads = connectivity(inst)
    steps, transitions = sequencer(inst)
    return Engine(hierarchy(inst), drivers, loads, steps, transitions)
