"""The esact_top load path outside the simulator: the beats the sequences send, mirrored
by the scoreboard burst by burst, reproduce the layer; a burst is mirrored exactly as
its beats one by one (bad addresses counted, a repeated address: the later beat)."""

from __future__ import annotations

import random

import numpy as np
import pytest

from models.synthetic import synthetic_layer
from tb.esact_top.esact_top_item import LOAD_BURST, EsactLd
from tb.esact_top.esact_top_mem import MemMap, Mirror, input_beats, layer_beats


@pytest.mark.parametrize("mm,dims", [(MemMap(), (22, 384, 12, 1536)), (MemMap(32, 128, 256), (5, 32, 1, 24))])
def test_bursts_mirror_the_layer(mm, dims):
    t, d, h, f = dims
    lq, x = synthetic_layer(np.random.default_rng(7), t, d, h, f, 3.0)
    beats = layer_beats(lq, mm) + input_beats(x, mm)
    items = [EsactLd.burst(beats[i:i + LOAD_BURST]) for i in range(0, len(beats), LOAD_BURST)]
    # what the driver puts on the wire is what the monitor reads back
    assert [EsactLd.from_beats(it.to_beats()).beats for it in items] == [it.beats for it in items]
    m = Mirror(mm)
    for it in items:
        assert m.apply_burst([b["addr"] for b in it.beats], [b["data"] for b in it.beats]) == 0
    csr = dict(sm_mult=lq.sm_mult, sm_shift=lq.sm_shift, ln1_gf=lq.ln1_gf, ln2_gf=lq.ln2_gf,
               gelu_qb=lq.gelu_qb, gelu_qc=lq.gelu_qc)
    got = m.layer(d, f, h, csr)
    for name in ("wq", "wk", "wv", "wo", "w1", "w2", "bq", "bk", "bv", "bo", "b1", "b2", "ln1_b", "ln2_b"):
        assert np.array_equal(getattr(got, name), getattr(lq, name)), name
    for name in ("rq_q", "rq_o", "rq_f1", "rq_g"):
        assert np.array_equal(getattr(got, name).mult, np.broadcast_to(getattr(lq, name).mult, getattr(got, name).mult.shape))
    assert np.array_equal(m.x(t, d), x)


def test_burst_equals_beat_by_beat():
    mm = MemMap(32, 128, 256)
    lq, x = synthetic_layer(np.random.default_rng(3), 9, 64, 2, 40, 1.0)
    rng = random.Random(5)
    beats = layer_beats(lq, mm) + input_beats(x, mm)
    beats += [((rng.choice([0, 1, 5, 7, 8, 14, 15, 16, 31, 40]) << 24) | rng.randrange(1 << 12), rng.getrandbits(512))
              for _ in range(400)]  # out-of-range rows and words, regions with no buffer
    rng.shuffle(beats)
    beats += [beats[3], (beats[3][0], rng.getrandbits(512))]  # the same address twice in a burst
    one, burst = Mirror(mm), Mirror(mm)
    bad = sum(not one.apply(a, v) for a, v in beats)
    got = sum(burst.apply_burst([a for a, _ in beats[i:i + LOAD_BURST]], [v for _, v in beats[i:i + LOAD_BURST]])
              for i in range(0, len(beats), LOAD_BURST))
    assert got == bad == one.bad_loads == burst.bad_loads > 0
    for k in one.mats:
        assert np.array_equal(one.mats[k], burst.mats[k]), k
    for k in one.vecs:
        assert np.array_equal(one.vecs[k], burst.vecs[k]), k
