"""The load-address map of esact_top, both ways: a layer's integer parameters and
input -> load beats (what the sequences send), and observed load beats -> mirrored
buffers -> a LayerQuant (what the scoreboard predicts from).  Mirrors
docs/esact_top.md and the region decode of hdl/esact_top.sv."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from models.int_layer import LayerQuant
from models.quant import Requant

LD_BYTES = 64
VALS_PER_WORD = LD_BYTES // 4

REG = {
    "x": 0, "wq": 1, "wk": 2, "wv": 3, "wo": 4, "w1": 5, "w2": 6,
    "bq": 8, "bk": 9, "bv": 10, "bo": 11, "b1": 12, "b2": 13,
    "rq_q": 16, "rq_k": 17, "rq_v": 18, "rq_ctx": 19, "rq_o": 20, "rq_xr": 21, "rq_f1": 22, "rq_g": 23,
    "rq_f2": 24, "rq_hr": 25, "pshift_q": 26, "pshift_k": 27,
    "ln1_g": 28, "ln1_b": 29, "ln2_g": 30, "ln2_b": 31,
}
D_VECTORS = ("bq", "bk", "bv", "bo", "b2", "rq_q", "rq_k", "rq_v", "rq_ctx", "rq_o", "rq_xr", "rq_f2", "rq_hr",
             "pshift_q", "pshift_k", "ln1_g", "ln1_b", "ln2_g", "ln2_b")
F_VECTORS = ("b1", "rq_f1", "rq_g")


@dataclass(frozen=True)
class MemMap:
    T_MAX: int = 128
    D_MAX: int = 384
    F_MAX: int = 1536

    @staticmethod
    def _sh(n_bytes: int) -> int:
        words = -(-n_bytes // LD_BYTES)
        return max(0, math.ceil(math.log2(words))) if words > 1 else 0

    @property
    def dsh(self) -> int:
        return self._sh(self.D_MAX)

    @property
    def fsh(self) -> int:
        return self._sh(self.F_MAX)

    @staticmethod
    def addr(region: str, idx: int) -> int:
        return (REG[region] << 24) | idx


def _words(raw: np.ndarray) -> list[int]:
    """LD_BYTES-byte rows of a uint8 array (n, LD_BYTES) as little-endian ints."""
    buf = np.ascontiguousarray(raw, np.uint8).tobytes()
    return [int.from_bytes(buf[i : i + LD_BYTES], "little") for i in range(0, len(buf), LD_BYTES)]


def matrix_beats(region: str, m: np.ndarray, sh: int) -> list[tuple[int, int]]:
    """Rows of an INT8 matrix, LD_BYTES per beat, row stride 2**sh words."""
    rows, cols = m.shape
    words = -(-cols // LD_BYTES)
    padded = np.zeros((rows, words * LD_BYTES), np.uint8)
    padded[:, :cols] = np.asarray(m, np.int64) % 256
    idx = (np.arange(rows)[:, None] << sh) | np.arange(words)[None, :]
    base = REG[region] << 24
    return [(base | int(i), d) for i, d in zip(idx.reshape(-1), _words(padded.reshape(-1, LD_BYTES)))]


def vector_beats(region: str, v: np.ndarray) -> list[tuple[int, int]]:
    """32-bit values (two's complement), VALS_PER_WORD per beat."""
    v = np.asarray(v, np.int64) % (1 << 32)
    words = -(-len(v) // VALS_PER_WORD)
    padded = np.zeros(words * VALS_PER_WORD, "<u4")
    padded[: len(v)] = v
    base = REG[region] << 24
    return [(base | w, d) for w, d in enumerate(_words(padded.view(np.uint8).reshape(-1, LD_BYTES)))]


def _rq_words(rq: Requant, n: int) -> np.ndarray:
    m = np.broadcast_to(np.asarray(rq.mult, np.int64), (n,))
    s = np.broadcast_to(np.asarray(rq.shift, np.int64), (n,))
    return (s << 16) | m


def layer_beats(lq: LayerQuant, mm: MemMap) -> list[tuple[int, int]]:
    """Every weight and per-channel parameter of a layer."""
    d, f = lq.hidden, lq.ffn
    beats = []
    for name in ("wq", "wk", "wv", "wo"):
        beats += matrix_beats(name, getattr(lq, name).T, mm.dsh)  # W^T: rows = input channels
    beats += matrix_beats("w1", lq.w1.T, mm.fsh)
    beats += matrix_beats("w2", lq.w2.T, mm.dsh)
    for name in ("bq", "bk", "bv", "bo", "b1", "b2"):
        beats += vector_beats(name, getattr(lq, name))
    for name in ("rq_q", "rq_k", "rq_v", "rq_ctx", "rq_o", "rq_xr", "rq_f2", "rq_hr"):
        beats += vector_beats(name, _rq_words(getattr(lq, name), d))
    for name in ("rq_f1", "rq_g"):
        beats += vector_beats(name, _rq_words(getattr(lq, name), f))
    beats += vector_beats("pshift_q", lq.pshift_q) + vector_beats("pshift_k", lq.pshift_k)
    for name in ("ln1_g", "ln1_b", "ln2_g", "ln2_b"):
        beats += vector_beats(name, getattr(lq, name))
    return beats


def input_beats(x: np.ndarray, mm: MemMap) -> list[tuple[int, int]]:
    return matrix_beats("x", x, mm.dsh)


_NAME_OF = {r: n for n, r in REG.items()}


@dataclass
class Mirror:
    """The DUT's buffers as seen by the load monitor."""

    mm: MemMap
    bad_loads: int = 0
    mats: dict = field(default_factory=dict)
    vecs: dict = field(default_factory=dict)

    def __post_init__(self):
        mm = self.mm
        self.mats = {
            "x": np.zeros((mm.T_MAX, mm.D_MAX), np.int64),
            **{w: np.zeros((mm.D_MAX, mm.D_MAX), np.int64) for w in ("wq", "wk", "wv", "wo")},
            "w1": np.zeros((mm.D_MAX, mm.F_MAX), np.int64),
            "w2": np.zeros((mm.F_MAX, mm.D_MAX), np.int64),
        }
        self.vecs = {n: np.zeros(mm.D_MAX, np.int64) for n in D_VECTORS}
        self.vecs.update({n: np.zeros(mm.F_MAX, np.int64) for n in F_VECTORS})

    def apply(self, addr: int, data: int) -> bool:
        """Write one load beat into the mirrored buffers; False (and counted in
        ``bad_loads``) when it addresses no buffer (the DUT flags ERROR.load_addr)."""
        region, idx = addr >> 24, addr & 0xFFFFFF
        name = _NAME_OF.get(region)
        raw = data.to_bytes(LD_BYTES, "little")
        if name in self.mats:
            m = self.mats[name]
            sh = self.mm.fsh if name == "w1" else self.mm.dsh
            row, w = idx >> sh, idx & ((1 << sh) - 1)
            if row >= m.shape[0] or w * LD_BYTES >= m.shape[1]:
                self.bad_loads += 1
                return False
            vals = np.frombuffer(raw, np.int8).astype(np.int64)
            n = min(LD_BYTES, m.shape[1] - w * LD_BYTES)
            m[row, w * LD_BYTES : w * LD_BYTES + n] = vals[:n]
        elif name in self.vecs:
            v = self.vecs[name]
            if idx * VALS_PER_WORD >= len(v):
                self.bad_loads += 1
                return False
            vals = np.frombuffer(raw, np.int32).astype(np.int64)
            n = min(VALS_PER_WORD, len(v) - idx * VALS_PER_WORD)
            v[idx * VALS_PER_WORD : idx * VALS_PER_WORD + n] = vals[:n]
        else:
            self.bad_loads += 1
            return False
        return True

    def apply_burst(self, addrs: list[int], datas: list[int]) -> int:
        """Write a burst of load beats (in order) into the mirrored buffers, region by
        region with array operations; returns the number of beats that addressed no
        buffer (also counted in ``bad_loads``)."""
        n = len(addrs)
        if n == 0:
            return 0
        if len(set(addrs)) != n:  # an address written twice: the later beat wins, beat by beat
            return sum(not self.apply(x, d) for x, d in zip(addrs, datas))
        a = np.asarray(addrs, np.int64)
        raw = np.frombuffer(b"".join(d.to_bytes(LD_BYTES, "little") for d in datas), np.uint8).reshape(n, LD_BYTES)
        region, idx = a >> 24, a & 0xFFFFFF
        bad = 0
        for r in np.unique(region):
            sel = region == r
            name = _NAME_OF.get(int(r))
            ix, data = idx[sel], raw[sel]
            if name in self.mats:
                m = self.mats[name]
                sh = self.mm.fsh if name == "w1" else self.mm.dsh
                row, w = ix >> sh, ix & ((1 << sh) - 1)
                ok = (row < m.shape[0]) & (w * LD_BYTES < m.shape[1])
                row, w, vals = row[ok], w[ok], data[ok].view(np.int8).astype(np.int64)
                cols = w[:, None] * LD_BYTES + np.arange(LD_BYTES)[None, :]
                keep = cols < m.shape[1]  # the last word of a row may run past the buffer
                m[np.broadcast_to(row[:, None], cols.shape)[keep], cols[keep]] = vals[keep]
            elif name in self.vecs:
                v = self.vecs[name]
                ok = ix * VALS_PER_WORD < len(v)
                vals = data[ok].copy().view("<i4").astype(np.int64)  # (beats, VALS_PER_WORD)
                pos = ix[ok][:, None] * VALS_PER_WORD + np.arange(VALS_PER_WORD)[None, :]
                keep = pos < len(v)
                v[pos[keep]] = vals[keep]
            else:
                ok = np.zeros(len(ix), bool)
            bad += int((~ok).sum())
        self.bad_loads += bad
        return bad

    def layer(self, d: int, f: int, heads: int, csr: dict) -> LayerQuant:
        """The LayerQuant the DUT holds for hidden size d and FFN width f."""
        v = self.vecs

        def rq(name, n, bits):
            w = v[name][:n]
            return Requant(mult=w & 0x7FFF, shift=(w >> 16) & 0x3F, bits=bits)

        to16 = lambda a: ((a + 2**15) % 2**16) - 2**15  # noqa: E731
        return LayerQuant(
            heads=heads,
            wq=self.mats["wq"][:d, :d].T.copy(), bq=v["bq"][:d].copy(),
            wk=self.mats["wk"][:d, :d].T.copy(), bk=v["bk"][:d].copy(),
            wv=self.mats["wv"][:d, :d].T.copy(), bv=v["bv"][:d].copy(),
            wo=self.mats["wo"][:d, :d].T.copy(), bo=v["bo"][:d].copy(),
            w1=self.mats["w1"][:d, :f].T.copy(), b1=v["b1"][:f].copy(),
            w2=self.mats["w2"][:f, :d].T.copy(), b2=v["b2"][:d].copy(),
            rq_q=rq("rq_q", d, 8), rq_k=rq("rq_k", d, 8), rq_v=rq("rq_v", d, 8), rq_ctx=rq("rq_ctx", d, 8),
            rq_o=rq("rq_o", d, 16), rq_xr=rq("rq_xr", d, 16), rq_f1=rq("rq_f1", f, 16), rq_g=rq("rq_g", f, 8),
            rq_f2=rq("rq_f2", d, 16), rq_hr=rq("rq_hr", d, 16),
            sm_mult=csr["sm_mult"], sm_shift=csr["sm_shift"],
            ln1_g=to16(v["ln1_g"][:d]), ln1_b=v["ln1_b"][:d].copy(), ln1_gf=csr["ln1_gf"],
            ln2_g=to16(v["ln2_g"][:d]), ln2_b=v["ln2_b"][:d].copy(), ln2_gf=csr["ln2_gf"],
            gelu_qb=csr["gelu_qb"], gelu_qc=csr["gelu_qc"],
            pshift_q=v["pshift_q"][:d] & 0x1F, pshift_k=v["pshift_k"][:d] & 0x1F,
        )

    def x(self, t: int, d: int) -> np.ndarray:
        return self.mats["x"][:t, :d].copy()
