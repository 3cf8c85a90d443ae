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
