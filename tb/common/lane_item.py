"""Generic packet transaction of a lane-vector stream.

A unit declares its stream's fields once (:class:`LaneField`: name, bit width, lanes
per beat -- 0 for a scalar -- and signedness); :class:`LanePacket` subclasses then
pack/unpack beats, add the ``last`` flag on the final beat, compare field by field and
print a readable description of the first difference.  Field widths that depend on
the HDL parameters are bound per build: :meth:`LanePacket.of` makes the subclass of
one build (its ``FIELDS``), which the environment's configuration hands to agents,
sequences and scoreboards; a class without fields refuses to pack, unpack or compare.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tb.agents.stream import StreamItem

from .packing import pack, unpack


@dataclass(frozen=True)
class LaneField:
    name: str
    width: int
    lanes: int = 0  # 0: one scalar per beat
    signed: bool = False


class LanePacket(StreamItem):
    """A list of beats; each beat maps a field name to an int (scalar) or a list."""

    FIELDS: tuple[LaneField, ...] = ()
    LAST = True  # packets end on a beat with last = 1

    def __init__(self, name: str = "pkt", beats=None):
        super().__init__(name)
        self.beats: list[dict] = list(beats or [])

    # -- construction helpers -------------------------------------------------------
    @classmethod
    def of(cls, fields: tuple[LaneField, ...], **attrs) -> type:
        """The item class of one build: this class with ``FIELDS`` (and ``attrs``) bound."""
        return type(cls.__name__, (cls,), {"FIELDS": tuple(fields), "__module__": cls.__module__, **attrs})

    @classmethod
    def _fields(cls) -> tuple[LaneField, ...]:
        if not cls.FIELDS:
            raise TypeError(f"{cls.__name__} has no fields: use the item class of the build "
                            "(the environment configuration's items, LanePacket.of)")
        return cls.FIELDS

    @classmethod
    def field(cls, name: str) -> LaneField:
        for f in cls.FIELDS:
            if f.name == name:
                return f
        raise KeyError(name)

    def col(self, name: str) -> np.ndarray:
        """The field over the whole packet: lanes concatenated beat after beat."""
        f = self.field(name)
        if f.lanes:
            return np.array([v for b in self.beats for v in b[name]], dtype=object if f.width > 62 else np.int64)
        return np.array([b[name] for b in self.beats], dtype=object if f.width > 62 else np.int64)

    # -- bus conversion -------------------------------------------------------------
    def to_beats(self) -> list[dict[str, int]]:
        out = []
        fields = self._fields()
        for i, b in enumerate(self.beats):
            beat = {}
            for f in fields:
                v = b.get(f.name, [0] * f.lanes if f.lanes else 0)
                beat[f.name] = pack(v, f.width) if f.lanes else int(v) & ((1 << f.width) - 1)
            if self.LAST:
                beat["last"] = int(i == len(self.beats) - 1)
            out.append(beat)
        return out

    @classmethod
    def from_beats(cls, beats):
        fields = cls._fields()
        pkt = cls()
        for beat in beats:
            b = {}
            for f in fields:
                if f.lanes:
                    b[f.name] = unpack(beat[f.name], f.width, f.lanes, f.signed)
                else:
                    b[f.name] = unpack(beat[f.name], f.width, 1, f.signed)[0]
            pkt.beats.append(b)
        return pkt

    # -- checking -------------------------------------------------------------------
    def diff(self, other: "LanePacket", fields=None) -> list[str]:
        names = fields or [f.name for f in self._fields()]
        if len(self.beats) != len(other.beats):
            return [f"beats: expected {len(self.beats)}, got {len(other.beats)}"]
        out = []
        for name in names:
            for i, (a, b) in enumerate(zip(self.beats, other.beats)):
                if a[name] != b[name]:
                    if isinstance(a[name], list):
                        lane = next(j for j, (x, y) in enumerate(zip(a[name], b[name])) if x != y)
                        out.append(f"{name}[beat {i} lane {lane}]: expected {a[name][lane]}, got {b[name][lane]}")
                    elif self.field(name).width > 32:
                        x = a[name] ^ b[name]
                        bits = [j for j in range(self.field(name).width) if (x >> j) & 1]
                        out.append(f"{name}[beat {i}]: bits {bits[:16]} differ")
                    else:
                        out.append(f"{name}[beat {i}]: expected {a[name]}, got {b[name]}")
                    break
        return out

    def __str__(self) -> str:
        if not self.beats:
            return f"{type(self).__name__}(empty)"
        parts = []
        for f in self.FIELDS:
            vals = self.col(f.name).tolist()
            shown = vals if len(vals) <= 16 else vals[:16] + ["..."]
            parts.append(f"{f.name}={shown}")
        return f"{type(self).__name__}[{len(self.beats)} beats]({', '.join(parts)})"
