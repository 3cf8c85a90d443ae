"""In-order scoreboard: a predictor turns every input transaction into the expected
output(s) with the golden model; a checker compares them, in order, with what the DUT
produced.

It reports every mismatch with the input, the expected and the actual values, and at
the end of the test it checks that nothing was dropped (expected left over), added
(actual with nothing expected) or reordered (shows as a mismatch).  Units with several
input streams name them in ``INPUTS``; each gets an ``<name>_export``.

Reset-aware (OpenTitan's dv_base_scoreboard): the scoreboard watches the reset of its
environment's configuration (``cfg.rst_n``, active low) and, when it is asserted,
flushes what the DUT will no longer produce (:meth:`reset`; subclasses flush their own
state there too).  Nothing outside the scoreboard touches its state.
"""

from __future__ import annotations

from collections import deque
from typing import Any

from cocotb.triggers import Event, FallingEdge
from pyuvm import uvm_component, uvm_subscriber

MAX_REPORTED = 20


class InOrderScoreboard(uvm_component):
    """Subclasses implement :meth:`predict` (or :meth:`predict_stream`) and may
    refine :meth:`compare` and :meth:`describe`."""

    INPUTS: tuple[str, ...] = ("in",)
    cfg: Any = None  # the environment's configuration, set by the environment before build

    def build_phase(self):
        for name in self.INPUTS:
            setattr(
                self,
                f"{name}_export",
                uvm_subscriber.uvm_AnalysisImp(f"{name}_export", self, lambda item, n=name: self._write_in(n, item)),
            )
        self.out_export = uvm_subscriber.uvm_AnalysisImp("out_export", self, self._write_out)
        self._expected: deque = deque()
        self.inputs = 0
        self.outputs = 0
        self.matched = 0
        self.errors: list[str] = []
        self.drained = Event()
        self.drained.set()
        self.resets = 0

    async def run_phase(self):
        rst_n = getattr(self.cfg, "rst_n", None)
        if rst_n is None:
            return
        while True:
            await FallingEdge(rst_n)
            self.reset()

    def reset(self) -> None:
        """Reset asserted: the expected outputs will not come (the DUT's pipeline is
        cleared).  Subclasses flush their own predicted state and call this."""
        if self._expected:
            self.logger.info(f"reset: {len(self._expected)} expected output(s) flushed")
        self._expected.clear()
        self.drained.set()
        self.resets += 1

    # -- to be specialised -----------------------------------------------------------
    def predict(self, item) -> list:
        """Expected output transactions for one input transaction."""
        raise NotImplementedError

    def predict_stream(self, stream: str, item) -> list:
        """Expected outputs for an input on ``stream`` (default: :meth:`predict`)."""
        return self.predict(item)

    def compare(self, exp, act) -> list[str]:
        """Descriptions of the differences (empty when equal)."""
        return [] if exp == act else ["value"]

    def describe(self, item) -> str:
        return str(item)

    # -- analysis --------------------------------------------------------------------
    def _write_in(self, stream: str, item) -> None:
        self.inputs += 1
        try:
            expected = self.predict_stream(stream, item)
        except Exception as exc:  # a model error is a test failure, reported clearly
            self._error(f"MODEL ERROR on input {self.describe(item)}: {exc!r}")
            return
        for exp in expected:
            self._expected.append((item, exp))
            self.drained.clear()

    def _write_out(self, act) -> None:
        self.outputs += 1
        if not self._expected:
            self._error(f"UNEXPECTED output #{self.outputs - 1}: {self.describe(act)} (nothing was expected)")
            return
        src, exp = self._expected.popleft()
        diff = self.compare(exp, act)
        if diff:
            self._error(
                f"MISMATCH output #{self.outputs - 1} {diff}: input {self.describe(src)} "
                f"expected {self.describe(exp)} actual {self.describe(act)}"
            )
        else:
            self.matched += 1
        if not self._expected:
            self.drained.set()

    def _error(self, msg: str) -> None:
        self.errors.append(msg)
        if len(self.errors) <= MAX_REPORTED:
            self.logger.error(msg)

    @property
    def pending(self) -> int:
        return len(self._expected)

    # -- end of test -------------------------------------------------------------------
    def check_phase(self):
        if self._expected:
            src, exp = self._expected[0]
            self._error(
                f"DROPPED: {len(self._expected)} expected output(s) never came; first: input "
                f"{self.describe(src)} expected {self.describe(exp)}"
            )
        if self.inputs == 0:
            self._error("no input transaction reached the scoreboard")
        if self.matched == 0:
            self._error("no output was checked")
        self.logger.info(
            f"scoreboard: {self.inputs} inputs, {self.outputs} outputs, {self.matched} matched, "
            f"{len(self.errors)} errors"
        )
        if self.errors:
            raise AssertionError(
                f"{self.get_full_name()}: {len(self.errors)} error(s); first: {self.errors[0]}"
            )
