"""In-order scoreboard: a predictor turns every input transaction into the expected
output(s) with the golden model; a checker compares them, in order, with what the DUT
produced.

It reports every mismatch with the input, the expected and the actual values, and at
the end of the test it checks that nothing was dropped (expected left over), added
(actual with nothing expected) or reordered (shows as a mismatch).
"""

from __future__ import annotations

from collections import deque

from cocotb.triggers import Event
from pyuvm import uvm_component, uvm_subscriber

MAX_REPORTED = 20


class InOrderScoreboard(uvm_component):
    """Subclasses implement :meth:`predict` and, if needed, :meth:`compare`."""

    def build_phase(self):
        self.in_export = uvm_subscriber.uvm_AnalysisImp("in_export", self, self._write_in)
        self.out_export = uvm_subscriber.uvm_AnalysisImp("out_export", self, self._write_out)
        self._expected: deque = deque()
        self.inputs = 0
        self.outputs = 0
        self.matched = 0
        self.errors: list[str] = []
        self.drained = Event()
        self.drained.set()

    # -- to be specialised -----------------------------------------------------------
    def predict(self, item) -> list:
        """Expected output transactions for one input transaction."""
        raise NotImplementedError

    def compare(self, exp, act) -> list[str]:
        """Names of the fields that differ (empty when equal)."""
        return [] if exp == act else ["value"]

    def describe(self, item) -> str:
        return str(item)

    # -- analysis --------------------------------------------------------------------
    def _write_in(self, item) -> None:
        self.inputs += 1
        for exp in self.predict(item):
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
                f"MISMATCH output #{self.outputs - 1} fields {diff}: input {self.describe(src)} "
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
        self.logger.info(
            f"scoreboard: {self.inputs} inputs, {self.outputs} outputs, {self.matched} matched, "
            f"{len(self.errors)} errors"
        )
        if self.errors:
            raise AssertionError(
                f"{self.get_full_name()}: {len(self.errors)} error(s); first: {self.errors[0]}"
            )
