"""The testbench's layers import downwards only: the shared infrastructure (tb/common)
and the reusable agents (tb/agents) import nothing from the tools (tb/tools) built on
top of them, and the agents nothing from tb/common or a unit."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def imported_modules(path: Path) -> set[str]:
    """Absolute module names a file imports (relative imports resolved to tb.<...>)."""
    tree = ast.parse(path.read_text())
    pkg = ".".join(path.relative_to(REPO).with_suffix("").parts[:-1])
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = pkg.split(".")[: len(pkg.split(".")) - node.level + 1]
                out.add(".".join(base + ([node.module] if node.module else [])))
            else:
                out.add(node.module)
    return out


def files(folder: str) -> list[Path]:
    return sorted((REPO / folder).rglob("*.py"))


@pytest.mark.parametrize("folder", ["tb/common", "tb/agents"])
def test_no_import_up_into_tools(folder):
    bad = {str(p.relative_to(REPO)): sorted(m for m in imported_modules(p) if m.startswith("tb.tools"))
           for p in files(folder)}
    assert not {k: v for k, v in bad.items() if v}, bad


def test_agents_are_standalone():
    bad = {}
    for p in files("tb/agents"):
        ups = sorted(m for m in imported_modules(p) if m.startswith("tb.") and not m.startswith("tb.agents"))
        if ups:
            bad[str(p.relative_to(REPO))] = ups
    assert not bad, bad


def _sequence_and_test_classes():
    """(file, class) of every test and sequence class of the testbench."""
    for p in sorted((REPO / "tb").rglob("*.py")):
        if "tools" in p.parts or "bench" in p.parts:
            continue
        for node in ast.walk(ast.parse(p.read_text())):
            if isinstance(node, ast.ClassDef) and node.name.endswith(("Test", "Seq", "Vseq")):
                yield p, node


def test_no_test_or_sequence_reaches_into_a_scoreboard():
    """Sequences and tests learn what the scoreboard found from the environment (its
    results log, ``wait_drained``), never from the scoreboard's attributes."""
    found = {}
    classes = list(_sequence_and_test_classes())
    assert len(classes) > 40, "the scan found no sequences or tests"
    for path, cls in classes:
        hits = sorted({n.lineno for n in ast.walk(cls) if isinstance(n, ast.Attribute) and n.attr == "scoreboard"})
        if hits:
            found[f"{path.relative_to(REPO)}:{cls.name}"] = hits
    assert not found, found


def test_no_class_configured_by_assigning_its_attributes():
    """Parameters reach components, items and sequences through configuration objects
    (or per-build item classes), never by assigning attributes of a class."""

    def flat(t):
        return [x for e in t.elts for x in flat(e)] if isinstance(t, (ast.Tuple, ast.List)) else [t]

    def is_class(n) -> bool:
        return isinstance(n, ast.Name) and (n.id[:1].isupper() or n.id == "cls")

    found = []
    for p in sorted((REPO / "tb").rglob("*.py")):
        for node in ast.walk(ast.parse(p.read_text())):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(
                node, (ast.AugAssign, ast.AnnAssign)) else []
            for t in (x for tg in targets for x in flat(tg)):
                if isinstance(t, ast.Attribute) and is_class(t.value):
                    found.append(f"{p.relative_to(REPO)}:{t.lineno} {t.value.id}.{t.attr}")
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "setattr"
                    and node.args and is_class(node.args[0])):
                found.append(f"{p.relative_to(REPO)}:{node.lineno} setattr({node.args[0].id}, ...)")
    assert not found, found
