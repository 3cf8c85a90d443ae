"""Environment of layernorm."""

from __future__ import annotations

from tb.common.unit_env import StreamSpec, UnitEnv

from . import layernorm_item
from .layernorm_cov import LayernormCov
from .layernorm_item import LayernormIn, LayernormOut
from .layernorm_scoreboard import LayernormScoreboard

IN_SIGNALS = {"valid": "valid_i", "ready": "ready_o", "r": "r_i", "g": "g_i", "b": "b_i", "len": "len_i",
              "gf": "gf_i", "last": "last_i"}
OUT_SIGNALS = {"valid": "valid_o", "ready": "ready_i", "y": "y_o", "err": "err_o", "last": "last_o"}


class LayernormEnv(UnitEnv):
    DEFAULTS = {"N_MAX": 512, "LANES": 8, "IN_W": 18, "G_W": 16, "B_W": 32}
    INPUTS = (StreamSpec("in", "in", IN_SIGNALS, LayernormIn),)
    OUTPUTS = (StreamSpec("out", "out", OUT_SIGNALS, LayernormOut),)
    SCOREBOARD = LayernormScoreboard
    COV = LayernormCov

    def configure(self, p):
        layernorm_item.configure(p)
        LayernormScoreboard.N_MAX, LayernormScoreboard.LANES = p["N_MAX"], p["LANES"]
        LayernormCov.N_MAX = p["N_MAX"]
