"""APB4 master agent (register bus): cfg, item, thin BFM, driver, monitor, agent, and
the pyuvm register adapter."""

from .apb_adapter import ApbRegAdapter
from .apb_agent import ApbAgent
from .apb_cfg import ApbCfg
from .apb_item import ApbItem

__all__ = ["ApbAgent", "ApbCfg", "ApbItem", "ApbRegAdapter"]
