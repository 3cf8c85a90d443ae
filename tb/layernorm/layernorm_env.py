"""Environment of layernorm."""

from __future__ import annotations

from tb.common.unit_env import StreamSpec, UnitEnv

from . import layernorm_item
from .layernorm_cov import LayernormCov
from .layernorm_scoreboard import LayernormScoreboard

IN_SIGNALS = {"valid": "valid_i", "ready": "ready_o", "r": "r_i", "g": "g_i", "b": "b_i", "len": "len_i",
              "gf": "gf_i", "last": "last_i"}
OUT_SIGNALS = {"valid": "valid_o", "ready": "ready_i", "y": "y_o", "err": "err_o", "last": "last_o"}


class LayernormEnv(UnitEnv):
    DEFAULTS = {"N_MAX": 512, "LANES": 8, "IN_W": 18, "G_W": 16, "B_W": 32}
    INPUTS = (StreamSpec("in", "in", IN_SIGNALS),)
    OUTPUTS = (StreamSpec("out", "out", OUT_SIGNALS),)
    ITEMS = staticmethod(layernorm_item.item_types)
    SCOREBOARD = LayernormScoreboard
    COV = LayernormCov
