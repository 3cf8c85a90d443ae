"""Transactions of gemm: operand loads, job commands, result packets."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tb.common.lane_item import LaneField, LanePacket
from tb.common.packing import list_to_bits


class GemmLd(LanePacket):
    FIELDS = ()
    LAST = False


class GemmCmd(LanePacket):
    FIELDS = ()
    LAST = False


class GemmOut(LanePacket):
    FIELDS = ()


@dataclass(frozen=True)
class GemmParams:
    """The HDL parameters of a gemm build (the items of the build carry them as ``P``)."""

    PE_R: int = 8
    PE_C: int = 8
    M_MAX: int = 32
    N_MAX: int = 32
    K_MAX: int = 64

    @property
    def n_tiles(self) -> int:
        return self.N_MAX // self.PE_C


def item_types(params: dict) -> dict[str, type]:
    """Stream name -> item class of the build with HDL ``params``."""
    p = GemmParams(**{k: params[k] for k in ("PE_R", "PE_C", "M_MAX", "N_MAX", "K_MAX")})
    mw, nw, kw = p.M_MAX.bit_length(), p.N_MAX.bit_length(), p.K_MAX.bit_length()
    nt = p.n_tiles
    kwd = p.K_MAX // p.PE_C
    return {
        "ld": GemmLd.of((LaneField("sel", 1), LaneField("row", max(kw, mw)),
                         LaneField("word", max(nt, kwd).bit_length()), LaneField("data", 8, p.PE_C, True)), P=p),
        "cmd": GemmCmd.of((LaneField("m", mw), LaneField("n", nw), LaneField("k", kw), LaneField("a_unsigned", 1),
                           LaneField("row_mask", p.M_MAX), LaneField("ctile_mask", nt),
                           LaneField("k_mask", p.K_MAX)), P=p),
        "out": GemmOut.of((LaneField("row", mw), LaneField("ctile", nt.bit_length()),
                           LaneField("data", 32, p.PE_C, True), LaneField("none", 1), LaneField("err", 1)), P=p),
    }


def _pad(c: int, junk: np.random.Generator | None) -> np.ndarray:
    """Lanes of a load word past the matrix edge: zeros, or random bytes (``junk``) --
    the engine must ignore them (columns beyond N and k beyond K read as zero)."""
    return np.zeros(c, np.int64) if junk is None else junk.integers(-128, 128, c)


def loads_a(cls, a: np.ndarray, junk: np.random.Generator | None = None) -> list[GemmLd]:
    """Load beats (item class ``cls``) writing A (rows x K) into the A memory (bytes as signed INT8)."""
    c = cls.P.PE_C
    out = []
    rows, k = a.shape
    for r in range(rows):
        for w in range(-(-k // c)):
            word = _pad(c, junk)
            chunk = a[r, w * c : (w + 1) * c]
            word[: len(chunk)] = chunk
            out.append(cls(beats=[{"sel": 0, "row": r, "word": w, "data": [int((v + 128) % 256 - 128) for v in word]}]))
    return out


def loads_b(cls, b: np.ndarray, junk: np.random.Generator | None = None) -> list[GemmLd]:
    """Load beats (item class ``cls``) writing B (K x N) into the B memory."""
    c = cls.P.PE_C
    out = []
    k, n = b.shape
    for kk in range(k):
        for t in range(-(-n // c)):
            word = _pad(c, junk)
            chunk = b[kk, t * c : (t + 1) * c]
            word[: len(chunk)] = chunk
            out.append(cls(beats=[{"sel": 1, "row": kk, "word": t, "data": [int(v) for v in word]}]))
    return out


def command(cls, m, n, k, a_unsigned=0, rows=None, ctiles=None, ks=None) -> GemmCmd:
    """A job command (item class ``cls``); masks default to all set."""
    p = cls.P
    rows = [True] * p.M_MAX if rows is None else rows
    ctiles = [True] * p.n_tiles if ctiles is None else ctiles
    ks = [True] * p.K_MAX if ks is None else ks
    return cls(beats=[{
        "m": m, "n": n, "k": k, "a_unsigned": int(a_unsigned), "row_mask": list_to_bits(rows),
        "ctile_mask": list_to_bits(ctiles), "k_mask": list_to_bits(ks),
    }])
