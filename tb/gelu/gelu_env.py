"""Environment of gelu."""

from __future__ import annotations

from tb.common.unit_env import StreamSpec, UnitEnv

from . import gelu_item
from .gelu_cov import GeluCov
from .gelu_scoreboard import GeluScoreboard

IN_SIGNALS = {"valid": "valid_i", "ready": "ready_o", "q": "q_i", "qb": "qb_i", "qc": "qc_i", "tag": "tag_i", "last": "last_i"}
OUT_SIGNALS = {"valid": "valid_o", "ready": "ready_i", "t": "t_o", "err": "err_o", "tag": "tag_o", "last": "last_o"}


class GeluEnv(UnitEnv):
    DEFAULTS = {"LANES": 8, "IN_W": 16, "QB_W": 18, "QC_W": 32, "TAG_W": 1}
    INPUTS = (StreamSpec("in", "in", IN_SIGNALS),)
    OUTPUTS = (StreamSpec("out", "out", OUT_SIGNALS),)
    ITEMS = staticmethod(gelu_item.item_types)
    SCOREBOARD = GeluScoreboard
    COV = GeluCov
