"""Configuration of the APB master agent."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class ApbCfg:
    """``prefix`` precedes the APB4 port names of the simulation's top level
    (``<prefix>psel_i``, ..., ``<prefix>pready_o``); ``is_active``: the agent drives the
    bus (sequencer and driver), otherwise it only monitors it."""

    prefix: str = ""
    is_active: bool = True
