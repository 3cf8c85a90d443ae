"""The project's layers and names, outside the testbench (tests/test_tb_layers.py):

* ``models/`` imports no cocotb, pyuvm or testbench, and owns no folder of the build
  tree (its caller names the cache and output folders, models/paths.py);
* the accuracy benchmark (``models/accuracy/``) builds on the golden models, which take
  from it only its texts;
* every RTL unit's golden model is found by the unit's name (models/units.py), and the
  table lists exactly the model functions the unit's testbench uses.
"""

from __future__ import annotations

import ast
import importlib
import inspect
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
MODELS = sorted((REPO / "models").rglob("*.py"))
SPECS = sorted((REPO / "models").glob("*.py"))
TB_ONLY = ("cocotb", "cocotb_tools", "cocotb_bus", "pyuvm", "tb")


def _rel(p: Path) -> str:
    return str(p.relative_to(REPO))


def _is_module(name: str) -> bool:
    base = REPO / name.replace(".", "/")
    return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()


def imported_modules(path: Path) -> set[str]:
    """Absolute names of the modules a file imports, at any depth of its code (relative
    imports resolved; ``from pkg import mod`` gives ``pkg.mod``)."""
    pkg = list(path.relative_to(REPO).with_suffix("").parts[:-1])
    out = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = ".".join(pkg[: len(pkg) - node.level + 1] + ([node.module] if node.module else [])) \
                if node.level else node.module
            subs = [f"{base}.{a.name}" for a in node.names if _is_module(f"{base}.{a.name}")]
            out.update(subs or [base])
    return out


def test_the_scan_sees_the_models():
    names = {_rel(p) for p in MODELS}
    assert {"models/hlog.py", "models/weights.py", "models/accuracy/cli.py", "models/accuracy/corpus.py"} <= names


def test_models_import_no_testbench():
    bad = {}
    for p in MODELS:
        hits = sorted(m for m in imported_modules(p) if m.split(".")[0] in TB_ONLY)
        if hits:
            bad[_rel(p)] = hits
    assert not bad, bad


def _build_paths(tree: ast.AST) -> list[int]:
    """Lines where the string "build" is made into a path: an operand of ``/`` or an
    argument of a call (``Path("build")``, ``os.path.join(..., "build")``, ...)."""

    def is_build(n) -> bool:
        return isinstance(n, ast.Constant) and isinstance(n.value, str) and n.value.strip("/") == "build"

    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div) and (is_build(node.left) or is_build(node.right)):
            out.append(node.lineno)
        elif isinstance(node, ast.Call) and any(is_build(a) for a in node.args):
            out.append(node.lineno)
    return out


def test_models_name_no_build_folder():
    """The build tree belongs to the Makefile and the testbench (tb/common/tools.py)."""
    bad = {}
    for p in MODELS:
        text = p.read_text()
        lines = [i for i, line in enumerate(text.splitlines(), 1) if "build/" in line]
        lines += _build_paths(ast.parse(text))
        if lines:
            bad[_rel(p)] = sorted(set(lines))
    assert not bad, f"models/ files naming the build tree (file: lines): {bad}"


def test_the_build_path_check_bites():
    assert _build_paths(ast.parse('REPO / "build" / "cache"')) == [1]
    assert _build_paths(ast.parse('Path("build")')) == [1]
    assert _build_paths(ast.parse('d = {"build": 1}; x.build(); s = "the build"')) == []


def test_specs_take_only_the_texts_from_the_benchmark():
    """The direction is benchmark -> golden models; the golden models read the
    benchmark's texts (calibration texts, the bench input, the vectors' texts) only."""
    allowed = {"models.accuracy.datasets", "models.accuracy.corpus"}
    bad = {}
    for p in SPECS:
        hits = sorted(m for m in imported_modules(p)
                      if m == "models.accuracy" or m.startswith("models.accuracy.") and m not in allowed)
        if hits:
            bad[_rel(p)] = hits
    assert not bad, bad
    # and the texts' modules import no golden model that would import them back
    for name in allowed:
        path = REPO / (name.replace(".", "/") + ".py")
        ups = sorted(m for m in imported_modules(path) if m.startswith("models.") and not m.startswith("models.accuracy")
                     and m not in ("models.minilm", "models.checks"))
        assert not ups, (name, ups)


# ----------------------------------------------------------------------------------
# one name per unit
# ----------------------------------------------------------------------------------
def test_every_rtl_unit_has_its_model():
    from models.units import UNIT_MODELS
    from tb.common.units import UNITS

    assert list(UNIT_MODELS) == list(UNITS)
    for name, m in UNIT_MODELS.items():
        assert m.predict and all(callable(f) for f in m.predict + m.helpers), name
        assert all(s.startswith("models/") and (REPO / s).is_file() for s in m.sources), (name, m.sources)
        assert (REPO / "tb" / name).is_dir() and (REPO / "tests" / "sim" / f"test_{name}.py").is_file(), name
        for f in m.functions().values():
            assert getattr(importlib.import_module(f.__module__), f.__name__) is f, (name, f)


def _model_functions_imported(paths) -> dict[str, str]:
    """name -> file of every model function (not class, not module) imported by ``paths``."""
    out = {}
    for p in paths:
        for node in ast.walk(ast.parse(p.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "models":
                mod = importlib.import_module(node.module)
                for a in node.names:
                    if _is_module(f"{node.module}.{a.name}"):
                        continue
                    obj = getattr(mod, a.name)
                    if inspect.isfunction(obj):
                        out[a.name] = _rel(p)
    return out


@pytest.mark.parametrize("unit", ["hlog_quant", "requant", "topk", "spls_predict", "softmax", "gelu", "layernorm",
                                  "gemm", "local_sim", "esact_top"])
def test_the_table_lists_what_the_unit_testbench_uses(unit):
    from models.units import unit_model

    m = unit_model(unit)
    used = _model_functions_imported(sorted((REPO / "tb" / unit).glob("*.py")))
    assert set(used) == set(m.functions()), f"tb/{unit}/ imports {sorted(used)}; models/units.py lists " \
                                            f"{sorted(m.functions())}"
    board = _model_functions_imported([REPO / "tb" / unit / f"{unit}_scoreboard.py"])
    assert {f.__name__ for f in m.predict} <= set(board), (unit, sorted(board))


def test_unknown_unit_names_the_known_ones():
    from models.units import unit_model

    with pytest.raises(ValueError, match="unit: 'hlog' is not an RTL unit .*hlog_quant"):
        unit_model("hlog")
