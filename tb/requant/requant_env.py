"""Environment of requant."""

from __future__ import annotations

from tb.common.unit_env import StreamSpec, UnitEnv

from . import requant_item
from .requant_cov import RequantCov
from .requant_scoreboard import RequantScoreboard

IN_SIGNALS = {"valid": "valid_i", "ready": "ready_o", "acc": "acc_i", "bias": "bias_i", "mult": "mult_i",
              "shift": "shift_i", "out16": "out16_i", "tag": "tag_i", "last": "last_i"}
OUT_SIGNALS = {"valid": "valid_o", "ready": "ready_i", "data": "data_o", "tag": "tag_o", "last": "last_o"}


class RequantEnv(UnitEnv):
    DEFAULTS = {"LANES": 8, "IN_W": 52, "BIAS_W": 32, "MULT_W": 15, "SH_W": 6, "TAG_W": 1}
    INPUTS = (StreamSpec("in", "in", IN_SIGNALS),)
    OUTPUTS = (StreamSpec("out", "out", OUT_SIGNALS),)
    ITEMS = staticmethod(requant_item.item_types)
    SCOREBOARD = RequantScoreboard
    COV = RequantCov
