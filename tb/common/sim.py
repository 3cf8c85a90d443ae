"""Build and run cocotb simulations through ``cocotb_tools.runner`` (Verilator).

One build per (unit, parameter set) is shared by all tests of that unit; it is
guarded by a file lock so ``pytest -n 2`` workers never build the same directory at
the same time.  Each test runs in its own directory (``build/<unit>/<params>/<test>``)
so parallel tests never share a results file.

Seeds: ``SEED`` in the environment fixes the seed of every test; otherwise each test
draws one and prints it.  ``SEED=<n> make sim UNIT=<unit> TEST=<test>`` reruns a
failure alone.
"""

from __future__ import annotations

import fcntl
import json
import os
import random
import sys
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from .tools import BUILD, HDL, REPO, setup_verilator_env


@dataclass(frozen=True)
class SimUnit:
    """A DUT and its cocotb test module."""

    name: str
    toplevel: str
    sources: tuple[str, ...]  # file names under hdl/, dependencies first
    test_module: str  # dotted module holding the cocotb/pyuvm tests
    build_args: tuple[str, ...] = field(default=())

    def source_paths(self) -> list[Path]:
        return [HDL / s for s in self.sources]


def param_tag(parameters: dict[str, object]) -> str:
    if not parameters:
        return "default"
    return "_".join(f"{k}{v}" for k, v in sorted(parameters.items()))


def get_seed() -> int:
    """The seed of a test: $SEED if set, else a fresh random one."""
    env = os.environ.get("SEED", "").strip()
    if env:
        try:
            return int(env, 0)
        except ValueError as exc:
            raise ValueError(f"SEED must be an integer, got {env!r}") from exc
    return random.SystemRandom().randrange(1, 2**31)


@contextmanager
def _locked(path: Path):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _runner():
    setup_verilator_env()
    from cocotb_tools.runner import get_runner

    return get_runner("verilator")


def build(unit: SimUnit, parameters: dict[str, object] | None = None, waves: bool = False) -> Path:
    """Build (or reuse) the Verilator model of ``unit`` with ``parameters``."""
    parameters = dict(parameters or {})
    tag = param_tag(parameters) + ("_waves" if waves else "")
    build_dir = BUILD / unit.name / tag
    runner = _runner()
    with _locked(BUILD / unit.name / f".{tag}.lock"):
        runner.build(
            sources=unit.source_paths(),
            hdl_toplevel=unit.toplevel,
            parameters=parameters,
            build_args=list(unit.build_args),
            build_dir=build_dir / "sim_build",
            always=False,
            waves=waves,
            log_file=build_dir / "build.log",
        )
    return build_dir


def run(
    unit: SimUnit,
    testcase: str,
    parameters: dict[str, object] | None = None,
    seed: int | None = None,
    extra_env: dict[str, str] | None = None,
) -> Path:
    """Run one cocotb test of ``unit`` in its own directory; fail if it fails or does not run."""
    from cocotb_tools.runner import get_results

    waves = os.environ.get("WAVES", "0") not in ("", "0")
    build_dir = build(unit, parameters, waves=waves)
    if "Trace" in testcase:  # trace-driven tests need the calibrated model: make it once, locked
        from tb.common.traces import prepare

        with _locked(BUILD / "cache" / ".calibration.lock"):
            prepare()
    seed = get_seed() if seed is None else seed
    test_dir = build_dir / testcase
    test_dir.mkdir(parents=True, exist_ok=True)
    print(f"[sim] unit={unit.name} params={param_tag(parameters or {})} test={testcase} SEED={seed}")
    sys.stdout.flush()
    env = {
        "ESACT_PARAMS": json.dumps(parameters or {}),
        "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]),
        "COCOTB_LOG_LEVEL": os.environ.get("COCOTB_LOG_LEVEL", "INFO"),
    }
    env.update(extra_env or {})
    try:
        results = _runner().test(
        test_module=unit.test_module,
        hdl_toplevel=unit.toplevel,
        hdl_toplevel_lang="verilog",
        testcase=testcase,
        seed=seed,
        build_dir=build_dir / "sim_build",
        test_dir=test_dir,
        results_xml=str(test_dir / "results.xml"),
            extra_env=env,
            waves=waves,
            log_file=test_dir / "sim.log",
        )
    except SystemExit as exc:  # the runner exits under pytest when a test fails
        raise AssertionError(_failure(unit, testcase, seed, test_dir)) from exc
    num_tests, num_failed = get_results(results)
    if num_tests == 0:
        raise AssertionError(f"{unit.name}:{testcase}: no cocotb test ran (SEED={seed})")
    if num_failed:
        raise AssertionError(_failure(unit, testcase, seed, test_dir))
    return test_dir


def _failure(unit: SimUnit, testcase: str, seed: int, test_dir: Path) -> str:
    """A failure message with the first error lines of the simulation log."""
    log = test_dir / "sim.log"
    lines = []
    if log.exists():
        keep = ("ERROR", "MISMATCH", "DROPPED", "UNEXPECTED", "Error", "Exception", "Timeout")
        for line in log.read_text(errors="replace").splitlines():
            if any(k in line for k in keep):
                lines.append(line.strip())
            if len(lines) >= 12:
                break
    return (
        f"{unit.name}:{testcase} failed; rerun alone with SEED={seed} "
        f"(log: {log})\n" + "\n".join(lines)
    )
