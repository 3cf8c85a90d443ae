"""`make lint` stays clean, and the lint path really reports warnings."""

import pytest

from tb.common.sim import SimUnit
from tb.tools import lint


@pytest.mark.lint
def test_rtl_lint_clean(capsys):
    rc = lint.main()
    out = capsys.readouterr().out
    assert rc == 0, out
    assert "lint: 0 warning(s)" in out


@pytest.mark.lint
def test_lint_reports_a_planted_warning(tmp_path):
    bad = tmp_path / "bad.sv"
    bad.write_text(
        "module bad (input logic a_i, output logic b_o);\n"
        "  logic [3:0] x;\n"
        "  assign x = a_i;\n"
        "  assign b_o = x[0];\n"
        "endmodule\n"
    )
    unit = SimUnit(name="bad", toplevel="bad", sources=(str(bad),), test_module="none")
    msgs = lint.lint_one(unit, {})
    assert any("WIDTHEXPAND" in m for m in msgs), msgs
    assert any("UNUSEDSIGNAL" in m for m in msgs), msgs


@pytest.mark.lint
def test_slang_elaboration_reports_use_before_declaration(tmp_path):
    bad = tmp_path / "bad2.sv"
    bad.write_text(
        "module bad2 (input logic a_i, output logic b_o);\n"
        "  assign b_o = q;\n"
        "  logic q;\n"
        "  assign q = a_i;\n"
        "endmodule\n"
    )
    unit = SimUnit(name="bad2", toplevel="bad2", sources=(str(bad),), test_module="none")
    msgs = lint.slang_one(unit, {})
    assert any("before its declaration" in m for m in msgs), msgs
