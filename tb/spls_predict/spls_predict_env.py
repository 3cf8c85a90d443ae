"""Environment of spls_predict."""

from __future__ import annotations

from tb.common.unit_env import StreamSpec, UnitEnv

from . import spls_predict_item
from .spls_predict_cov import SplsPredictCov
from .spls_predict_item import SplsPredictIn, SplsPredictOut
from .spls_predict_scoreboard import SplsPredictScoreboard

IN_SIGNALS = {"valid": "valid_i", "ready": "ready_o", "a": "a_i", "b": "b_i", "last": "last_i"}
OUT_SIGNALS = {"valid": "valid_o", "ready": "ready_i", "sum": "sum_o"}


class SplsPredictEnv(UnitEnv):
    DEFAULTS = {"LANES": 8, "ELEMS": 4, "ACC_W": 32, "ROUND": 0}
    INPUTS = (StreamSpec("in", "in", IN_SIGNALS, SplsPredictIn),)
    OUTPUTS = (StreamSpec("out", "out", OUT_SIGNALS, SplsPredictOut),)
    SCOREBOARD = SplsPredictScoreboard
    COV = SplsPredictCov

    def configure(self, p):
        spls_predict_item.configure(p)
        SplsPredictScoreboard.MODE = "round" if p["ROUND"] else "trunc"
