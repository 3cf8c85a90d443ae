"""External tools (yosys, verilator, sby, peakrdl, ...) run with their output in a log
file; when a tool fails, the message says how it ended (exit code or signal) and where
its log is, e.g.::

    yosys on spls_predict failed: killed by signal SIGKILL (9; often the kernel's
    out-of-memory killer); the tool printed nothing; log: build/synth/spls_predict/yosys.log
"""

from __future__ import annotations

import shlex
import signal
import subprocess
from pathlib import Path

from tb.common.tools import REPO

TAIL_LINES = 30


class ToolError(RuntimeError):
    """A tool that failed: its exit status and log are in the message."""


def exit_status(rc: int) -> str:
    """``exit code 2`` or ``killed by signal SIGKILL (9)`` (subprocess: rc < 0 = signal)."""
    if rc >= 0:
        return f"exit code {rc}"
    try:
        name = signal.Signals(-rc).name
    except ValueError:
        name = "an unknown signal"
    hint = "; often the kernel's out-of-memory killer" if -rc == signal.SIGKILL else ""
    return f"killed by signal {name} ({-rc}{hint})"


def show(path: Path) -> str:
    """A path relative to the repository when it lies inside it."""
    path = Path(path)
    return str(path.relative_to(REPO)) if path.is_relative_to(REPO) else str(path)


def write_log(log: Path, cmd, stdout: str | bytes | None, stderr: str | bytes | None, status: str) -> Path:
    """The command line, its stdout and stderr and how it ended, in ``log``."""
    text = lambda s: s.decode(errors="replace") if isinstance(s, bytes) else (s or "")  # noqa: E731
    log = Path(log)
    log.parent.mkdir(parents=True, exist_ok=True)
    cmd_line = cmd if isinstance(cmd, str) else shlex.join(str(c) for c in cmd)
    log.write_text(f"$ {cmd_line}\n--- stdout ---\n{text(stdout)}\n--- stderr ---\n{text(stderr)}\n--- {status}\n")
    return log


def failure(what: str, status: str, log: Path | None, output: str = "") -> str:
    """``<what> failed: <status>; log: <path>`` and the last lines of the output."""
    lines = (output or "").strip().splitlines()
    tail = "\n".join(lines[-TAIL_LINES:])
    msg = f"{what} failed: {status}"
    msg += f"\n{tail}" if tail else "; the tool printed nothing"
    return msg + (f"\nlog: {show(log)}" if log else "")


def run_tool(cmd: list, log: Path, what: str, check: bool = True, timeout: float | None = None,
             **kw) -> subprocess.CompletedProcess:
    """Run ``cmd`` (text output captured), write its log, and raise :class:`ToolError`
    when it cannot start, times out or (``check``) exits non-zero.  ``kw`` goes to
    :func:`subprocess.run` (cwd, env)."""
    try:
        res = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, **kw)
    except subprocess.TimeoutExpired as exc:
        write_log(log, cmd, exc.stdout, exc.stderr, f"no result within {timeout} s: killed")
        raise ToolError(failure(what, f"no result within {timeout} s (killed)", log)) from exc
    except OSError as exc:  # missing or not executable
        write_log(log, cmd, "", str(exc), "could not start")
        raise ToolError(failure(what, f"could not start {cmd[0]} ({exc})", log)) from exc
    write_log(log, cmd, res.stdout, res.stderr, exit_status(res.returncode))
    if check and res.returncode != 0:
        raise ToolError(failure(what, exit_status(res.returncode), log, res.stdout + res.stderr))
    return res
