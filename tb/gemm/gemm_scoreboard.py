"""Scoreboard of gemm: mirrors the operand memories from the observed loads and
predicts every job's result packet (an exact integer matrix product over the
unmasked operands, models.quant.imatmul) in the engine's tile order."""

from __future__ import annotations

import numpy as np

from models.quant import imatmul
from tb.common.packing import bits_to_list
from tb.common.scoreboard import InOrderScoreboard



def predict_job(cmd: dict, a_mem: np.ndarray, b_mem: np.ndarray, out_type: type):
    """The result packet (item class ``out_type``, whose ``P`` holds the HDL parameters)
    of one job (a_mem: M_MAX x K_MAX signed bytes, b_mem: K_MAX x N_MAX)."""
    P = out_type.P
    c, pr = P.PE_C, P.PE_R
    m, n, k = cmd["m"], cmd["n"], cmd["k"]
    out = out_type()
    if not (1 <= m <= P.M_MAX and 1 <= n <= P.N_MAX and 1 <= k <= P.K_MAX):
        out.beats.append({"row": 0, "ctile": 0, "data": [0] * c, "none": 0, "err": 1})
        return out
    nt = P.n_tiles
    rows = [i for i, b in enumerate(bits_to_list(cmd["row_mask"], P.M_MAX)) if b and i < m]
    cts = [t for t, b in enumerate(bits_to_list(cmd["ctile_mask"], nt)) if b and t * c < n]
    ks = [i for i, b in enumerate(bits_to_list(cmd["k_mask"], P.K_MAX)) if b and i < k]
    if not rows or not cts:
        out.beats.append({"row": 0, "ctile": 0, "data": [0] * c, "none": 1, "err": 0})
        return out
    a = a_mem % 256 if cmd["a_unsigned"] else a_mem
    b = b_mem.copy()
    b[:, n:] = 0
    prod = imatmul(a[rows][:, ks], b[ks]) if ks else np.zeros((len(rows), P.N_MAX), np.int64)
    prod = (prod + 2**31) % 2**32 - 2**31  # 32-bit accumulators
    for rt in range(0, len(rows), pr):
        for t in cts:
            for i in range(rt, min(rt + pr, len(rows))):
                out.beats.append({"row": rows[i], "ctile": t, "data": [int(v) for v in prod[i, t * c : (t + 1) * c]],
                                  "none": 0, "err": 0})
    return out


class GemmScoreboard(InOrderScoreboard):
    INPUTS = ("ld", "cmd")

    def build_phase(self):
        super().build_phase()
        self.out_type = self.cfg.items["out"]
        P = self.P = self.out_type.P
        self.a_mem = np.zeros((P.M_MAX, P.K_MAX), np.int64)
        self.b_mem = np.zeros((P.K_MAX, P.N_MAX), np.int64)

    def predict_stream(self, stream, item):
        b = item.beats[0]
        P = self.P
        c = P.PE_C
        if stream == "ld":
            if b["sel"] == 0 and b["row"] < P.M_MAX and b["word"] < P.K_MAX // c:
                self.a_mem[b["row"], b["word"] * c : (b["word"] + 1) * c] = b["data"]
            elif b["sel"] == 1 and b["row"] < P.K_MAX and b["word"] < P.N_MAX // c:
                self.b_mem[b["row"], b["word"] * c : (b["word"] + 1) * c] = b["data"]
            return []
        return [predict_job(b, self.a_mem, self.b_mem, self.out_type)]

    def compare(self, exp, act):
        return exp.diff(act)

    def describe(self, item):
        if isinstance(item, self.out_type):
            return f"{len(item.beats)} beats, (row, ctile) = {[(x['row'], x['ctile']) for x in item.beats][:12]}..."
        b = item.beats[0]
        return f"job(m={b.get('m')}, n={b.get('n')}, k={b.get('k')}, a_unsigned={b.get('a_unsigned')})"
