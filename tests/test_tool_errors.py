"""A tool that dies is reported with its exit code or signal and its log (tb/common/proc.py)."""

import sys

import pytest

from tb.common.proc import ToolError, exit_status, run_tool


def test_exit_code_and_log(tmp_path):
    log = tmp_path / "tool.log"
    cmd = [sys.executable, "-c", "import sys; print('working'); sys.stderr.write('bad input\\n'); sys.exit(3)"]
    with pytest.raises(ToolError) as exc:
        run_tool(cmd, log, "demo tool")
    msg = str(exc.value)
    assert msg.startswith("demo tool failed: exit code 3") and "bad input" in msg and f"log: {log}" in msg
    text = log.read_text()
    assert "working" in text and "bad input" in text and text.rstrip().endswith("--- exit code 3")
    assert run_tool(cmd, log, "demo tool", check=False).returncode == 3


def test_a_signal_is_named_even_when_the_tool_printed_nothing(tmp_path):
    cmd = [sys.executable, "-c", "import os, signal; os.kill(os.getpid(), signal.SIGKILL)"]
    with pytest.raises(ToolError) as exc:
        run_tool(cmd, tmp_path / "tool.log", "yosys on spls_predict")
    msg = str(exc.value)
    assert msg.startswith("yosys on spls_predict failed: killed by signal SIGKILL (9")
    assert "the tool printed nothing" in msg and "tool.log" in msg
    assert exit_status(-15) == "killed by signal SIGTERM (15)" and exit_status(0) == "exit code 0"


def test_a_missing_tool_or_a_timeout_is_reported(tmp_path):
    with pytest.raises(ToolError, match="could not start"):
        run_tool([str(tmp_path / "no-such-tool")], tmp_path / "a.log", "missing")
    with pytest.raises(ToolError, match="no result within 0.5 s"):
        run_tool([sys.executable, "-c", "import time; time.sleep(5)"], tmp_path / "b.log", "slow", timeout=0.5)
    assert (tmp_path / "b.log").exists()
