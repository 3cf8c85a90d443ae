"""Environment of gemm: load and command sources, result sink."""

from __future__ import annotations

from tb.common.unit_env import StreamSpec, UnitEnv

from . import gemm_item
from .gemm_cov import GemmCov
from .gemm_scoreboard import GemmScoreboard

LD_SIGNALS = {"valid": "valid_i", "ready": "ready_o", "sel": "sel_i", "row": "row_i", "word": "word_i", "data": "data_i"}
CMD_SIGNALS = {"valid": "valid_i", "ready": "ready_o", "m": "m_i", "n": "n_i", "k": "k_i",
               "a_unsigned": "a_unsigned_i", "row_mask": "row_mask_i", "ctile_mask": "ctile_mask_i",
               "k_mask": "k_mask_i"}
OUT_SIGNALS = {"valid": "valid_o", "ready": "ready_i", "row": "row_o", "ctile": "ctile_o", "data": "data_o",
               "none": "none_o", "err": "err_o", "last": "last_o"}


class GemmEnv(UnitEnv):
    DEFAULTS = {"PE_R": 8, "PE_C": 8, "M_MAX": 32, "N_MAX": 32, "K_MAX": 64}
    INPUTS = (StreamSpec("ld", "ld", LD_SIGNALS, "0.1:2"), StreamSpec("cmd", "cmd", CMD_SIGNALS))
    OUTPUTS = (StreamSpec("out", "out", OUT_SIGNALS),)
    ITEMS = staticmethod(gemm_item.item_types)
    SCOREBOARD = GemmScoreboard
    COV = GemmCov
