"""Constants written into the RTL agree with the golden model (read with pyslang,
a real SystemVerilog front end, after elaboration)."""

import re

import pytest
from pyslang import ast, syntax

from models import intops
from tb.common.tools import HDL
from tb.common.units import UNITS


def _int(cv) -> int:
    m = re.fullmatch(r"(\d+)'s?[dh]([0-9a-fA-F]+)", str(cv))
    assert m, f"unexpected constant {cv}"
    return int(m.group(2), 16 if "h" in str(cv) else 10)


def _compile(*files):
    comp = ast.Compilation()
    for f in files:
        comp.addSyntaxTree(syntax.SyntaxTree.fromFile(str(HDL / f)))
    errors = [d for d in comp.getAllDiagnostics() if d.isError()]
    assert not errors, errors
    return comp


def test_softmax_package_matches_model():
    pkg = _compile("softmax_pkg.sv").getPackage("softmax_pkg")
    lut = [_int(x) for x in pkg.find("EXP_LUT").value.value]
    assert lut == intops.EXP_LUT.tolist()
    assert _int(pkg.find("EXP_FRAC").value) == intops.EXP_FRAC
    assert _int(pkg.find("EXP_ZERO_SHIFT").value) == intops.EXP_ZERO_SHIFT
    assert _int(pkg.find("SM_RECIP_BITS").value) == intops.SM_RECIP_BITS
    assert _int(pkg.find("P_BITS").value) == intops.P_BITS


def _module_param(files, module, name) -> int:
    comp = _compile(*files)
    for inst in comp.getRoot().topInstances:
        if inst.name == module:
            return _int(inst.body.find(name).value)
    raise AssertionError(f"{module} is not a top instance")


@pytest.mark.parametrize("param, model", [("RecipBits", intops.LN_RECIP_BITS), ("Zf", intops.LN_ZF)])
def test_layernorm_constants_match_model(param, model):
    assert _module_param(UNITS["layernorm"].sources, "layernorm", param) == model
