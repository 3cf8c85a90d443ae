"""Transactions of hlog_quant: input beats (LANES values) and output beats (LANES codes)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tb.agents.stream import StreamItem
from tb.common.packing import pack as _pack
from tb.common.packing import unpack as _unpack


@dataclass(frozen=True)
class HlogQuantParams:
    """DUT parameters the items of one build pack and unpack with."""

    WIDTH: int = 8
    LANES: int = 1
    ROUND: int = 0

    @property
    def exp_w(self) -> int:
        return max(1, (self.WIDTH - 1).bit_length())

    @property
    def mode(self) -> str:
        return "round" if self.ROUND else "trunc"


def item_types(params: dict) -> dict[str, type]:
    """Stream name -> item class of the build with HDL ``params``."""
    p = HlogQuantParams(params["WIDTH"], params["LANES"], params["ROUND"])
    return {"in": type("HlogQuantInItem", (HlogQuantInItem,), {"P": p, "__module__": __name__}),
            "out": type("HlogQuantOutItem", (HlogQuantOutItem,), {"P": p, "__module__": __name__})}


class HlogQuantInItem(StreamItem):
    """LANES signed input values (``P``: the parameters of the build, see item_types)."""

    P: HlogQuantParams | None = None

    def __init__(self, name: str = "hlog_in", values=None):
        super().__init__(name)
        self.values = list(values) if values is not None else [0] * self.P.LANES

    def to_beat(self) -> dict[str, int]:
        return {"data": _pack(self.values, self.P.WIDTH)}

    @classmethod
    def from_beat(cls, beat):
        return cls(values=_unpack(beat["data"], cls.P.WIDTH, cls.P.LANES, signed=True))

    def __str__(self) -> str:
        return f"x={self.values}"


class HlogQuantOutItem(StreamItem):
    """Per lane: the code {zero, sign, exp, half} and the reconstructed value."""

    FIELDS = ("zero", "sign", "exp", "half", "value")
    P: HlogQuantParams | None = None

    def __init__(self, name: str = "hlog_out", zero=(), sign=(), exp=(), half=(), value=()):
        super().__init__(name)
        self.zero, self.sign, self.exp = list(zero), list(sign), list(exp)
        self.half, self.value = list(half), list(value)

    @classmethod
    def from_model(cls, code) -> "HlogQuantOutItem":
        return cls(
            zero=np.asarray(code.zero, int).tolist(),
            sign=np.asarray(code.sign, int).tolist(),
            exp=np.asarray(code.exp, int).tolist(),
            half=np.asarray(code.half, int).tolist(),
            value=np.asarray(code.value, int).tolist(),
        )

    @classmethod
    def from_beat(cls, beat):
        w, n, e = cls.P.WIDTH, cls.P.LANES, cls.P.exp_w
        return cls(
            zero=_unpack(beat["zero"], 1, n),
            sign=_unpack(beat["sign"], 1, n),
            exp=_unpack(beat["exp"], e, n),
            half=_unpack(beat["half"], 1, n),
            value=_unpack(beat["value"], w, n, signed=True),
        )

    def diff(self, other: "HlogQuantOutItem") -> list[str]:
        return [f for f in self.FIELDS if getattr(self, f) != getattr(other, f)]

    def __str__(self) -> str:
        lanes = []
        for i in range(len(self.value)):
            lanes.append(
                f"{{zero={self.zero[i]} sign={self.sign[i]} exp={self.exp[i]} "
                f"half={self.half[i]} value={self.value[i]}}}"
            )
        return "[" + ", ".join(lanes) + "]"
