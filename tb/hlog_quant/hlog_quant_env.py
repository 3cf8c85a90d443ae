"""Environment of hlog_quant: input agent (source), output agent (sink), scoreboard,
coverage; configured from the DUT parameters of the build."""

from __future__ import annotations

from tb.common.unit_env import StreamSpec, UnitEnv

from . import hlog_quant_item
from .hlog_quant_cov import HlogQuantCov
from .hlog_quant_scoreboard import HlogQuantScoreboard


class HlogQuantEnv(UnitEnv):
    DEFAULTS = {"WIDTH": 8, "LANES": 1, "ROUND": 0}
    INPUTS = (StreamSpec("in", "in", {"valid": "valid_i", "ready": "ready_o", "data": "data_i"}),)
    OUTPUTS = (
        StreamSpec(
            "out", "out",
            {"valid": "valid_o", "ready": "ready_i", "zero": "zero_o", "sign": "sign_o",
             "exp": "exp_o", "half": "half_o", "value": "value_o"},
        ),
    )
    ITEMS = staticmethod(hlog_quant_item.item_types)
    SCOREBOARD = HlogQuantScoreboard
    COV = HlogQuantCov
