"""Environment of spls_predict."""

from __future__ import annotations

from tb.common.unit_env import StreamSpec, UnitEnv

from . import spls_predict_item
from .spls_predict_cov import SplsPredictCov
from .spls_predict_scoreboard import SplsPredictScoreboard

IN_SIGNALS = {"valid": "valid_i", "ready": "ready_o", "a": "a_i", "b": "b_i", "last": "last_i"}
OUT_SIGNALS = {"valid": "valid_o", "ready": "ready_i", "sum": "sum_o"}


class SplsPredictEnv(UnitEnv):
    DEFAULTS = {"LANES": 8, "ELEMS": 4, "ACC_W": 32, "ROUND": 0}
    INPUTS = (StreamSpec("in", "in", IN_SIGNALS),)
    OUTPUTS = (StreamSpec("out", "out", OUT_SIGNALS),)
    ITEMS = staticmethod(spls_predict_item.item_types)
    SCOREBOARD = SplsPredictScoreboard
    COV = SplsPredictCov
