"""Environment of softmax."""

from __future__ import annotations

from tb.common.unit_env import StreamSpec, UnitEnv

from . import softmax_item
from .softmax_cov import SoftmaxCov
from .softmax_scoreboard import SoftmaxScoreboard

IN_SIGNALS = {"valid": "valid_i", "ready": "ready_o", "score": "score_i", "keep": "keep_i", "len": "len_i",
              "mult": "mult_i", "shift": "shift_i", "last": "last_i"}
OUT_SIGNALS = {"valid": "valid_o", "ready": "ready_i", "p": "p_o", "err": "err_o", "last": "last_o"}


class SoftmaxEnv(UnitEnv):
    DEFAULTS = {"T_MAX": 128, "LANES": 8, "IN_W": 32}
    INPUTS = (StreamSpec("in", "in", IN_SIGNALS),)
    OUTPUTS = (StreamSpec("out", "out", OUT_SIGNALS),)
    ITEMS = staticmethod(softmax_item.item_types)
    SCOREBOARD = SoftmaxScoreboard
    COV = SoftmaxCov
