"""Environment of local_sim."""

from __future__ import annotations

from tb.common.unit_env import StreamSpec, UnitEnv

from . import local_sim_item
from .local_sim_cov import LocalSimCov
from .local_sim_scoreboard import LocalSimScoreboard

IN_SIGNALS = {"valid": "valid_i", "ready": "ready_o", "mask": "mask_i", "head_last": "head_last_i",
              "window": "window_i", "thr": "thr_i", "heads": "heads_i", "last": "last_i"}
OUT_SIGNALS = {"valid": "valid_o", "ready": "ready_i", "kind": "kind_o", "row": "row_o", "rep": "rep_o",
               "overlap": "overlap_o", "mask": "mask_o", "err": "err_o", "last": "last_o"}


class LocalSimEnv(UnitEnv):
    DEFAULTS = {"T_MAX": 128, "H_MAX": 12}
    INPUTS = (StreamSpec("in", "in", IN_SIGNALS),)
    OUTPUTS = (StreamSpec("out", "out", OUT_SIGNALS),)
    ITEMS = staticmethod(local_sim_item.item_types)
    SCOREBOARD = LocalSimScoreboard
    COV = LocalSimCov
