"""Environment of topk."""

from __future__ import annotations

from tb.common.unit_env import StreamSpec, UnitEnv

from . import topk_item
from .topk_cov import TopkCov
from .topk_scoreboard import TopkScoreboard

IN_SIGNALS = {"valid": "valid_i", "ready": "ready_o", "data": "data_i", "len": "len_i", "k": "k_i", "last": "last_i"}
OUT_SIGNALS = {"valid": "valid_o", "ready": "ready_i", "keep": "keep_o", "err": "err_o"}


class TopkEnv(UnitEnv):
    DEFAULTS = {"T_MAX": 128, "LANES": 8, "W": 24}
    INPUTS = (StreamSpec("in", "in", IN_SIGNALS),)
    OUTPUTS = (StreamSpec("out", "out", OUT_SIGNALS),)
    ITEMS = staticmethod(topk_item.item_types)
    SCOREBOARD = TopkScoreboard
    COV = TopkCov
