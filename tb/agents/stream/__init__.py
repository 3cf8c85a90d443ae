"""Reusable valid/ready stream agent (OpenTitan-style folder: cfg, item, bfm, driver,
monitor, cov, agent; the sequencer is pyuvm's), parametrized by the transaction type."""

from .stream_agent import StreamAgent
from .stream_bfm import StreamBfm
from .stream_cfg import FlowPolicy, StreamCfg
from .stream_item import StreamItem
from .stream_monitor import StreamMonitor, ValidChange
from .stream_driver import StreamDriver
from .stream_cov import StreamCov

__all__ = [
    "FlowPolicy",
    "StreamAgent",
    "StreamBfm",
    "StreamCfg",
    "StreamCov",
    "StreamDriver",
    "StreamItem",
    "StreamMonitor",
    "ValidChange",
]
