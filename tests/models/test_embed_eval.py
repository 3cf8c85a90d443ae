"""The multi-schedule embedding engine (models/accuracy/embed_eval.py) equals the golden model."""

import numpy as np
import pytest

from models.accuracy.embed_eval import Job, embed_jobs
from models.encoder import embed_float_pooled, embed_int
from models.minilm import load_minilm
from models.schedule import Schedule
from models.spls import SplsConfig

D = SplsConfig("dense")
S75 = SplsConfig("spls", keep_ratio=0.25, window=4, tau=0.75)
S60 = SplsConfig("spls", keep_ratio=0.25, window=4, tau=0.6)


def _jobs():
    return [
        Job("base", None),
        Job("base", Schedule.uniform(D)),
        Job("base", Schedule((D, D, S75, S75, S75, S60))),
        Job("base", Schedule((D, D, S75, S75, S75, S75))),  # shares layers 0-4 with the one above
        Job("base", Schedule.uniform(SplsConfig("sanger", sanger_threshold=0.01))),
    ]


@pytest.mark.parametrize("workers", [1, 2])
def test_every_job_equals_the_golden_model(int_model, token_ids, workers):
    ids = token_ids[3:8]
    m = load_minilm()
    jobs = _jobs()
    res = embed_jobs(ids, jobs, {"base": m}, {"base": int_model}, jobs_n=workers, chunk=2, cache=False)
    for i, t in enumerate(ids):
        assert np.allclose(res[0].emb[i], embed_float_pooled(t, m), atol=1e-6)
        for j in range(1, len(jobs)):
            e, ops = embed_int(t, int_model, jobs[j].schedule, m)
            assert np.array_equal(res[j].emb[i], e), (jobs[j].label, i)
    # operation counts add up over the texts and per layer
    for j in range(1, len(jobs)):
        total = sum(embed_int(t, int_model, jobs[j].schedule, m)[1].executed_total for t in ids)
        assert res[j].ops.executed_total == total
        assert len(res[j].per_layer_ops) == 6
        assert sum(o.executed_total for o in res[j].per_layer_ops) == total
    assert res[1].ops.reduction_pct == 0.0
    # the per-layer schedule's dense layers 0-1 cost nothing extra: no prediction there
    assert res[2].per_layer_ops[0].prediction == 0 and res[2].per_layer_ops[2].prediction > 0


def test_dense_reference_is_cached(int_model, token_ids, tmp_path, monkeypatch):
    import models.accuracy.embed_eval as ee

    monkeypatch.setenv("ESACT_CACHE_DIR", str(tmp_path))
    assert ee.cache_folder() == tmp_path / "embeddings"
    ids = token_ids[:3]
    jobs = [Job("base", None), Job("base", Schedule.uniform(D)), Job("base", Schedule.uniform(S75))]
    m = load_minilm()
    first = embed_jobs(ids, jobs, {"base": m}, {"base": int_model}, jobs_n=1)
    assert [r.cached for r in first] == [False, False, False]
    assert len(list((tmp_path / "embeddings").glob("*.npz"))) == 3
    again = embed_jobs(ids, jobs, {"base": m}, {"base": int_model}, jobs_n=1)
    assert [r.cached for r in again] == [True, True, True]
    # another schedule is another entry
    other = embed_jobs(ids, [Job("base", Schedule.uniform(S60))], {"base": m}, {"base": int_model}, jobs_n=1)
    assert not other[0].cached
    for a, b in zip(first, again):
        assert np.array_equal(a.emb, b.emb)
    assert again[1].ops.dense_total == first[1].ops.dense_total
    assert again[2].ops.prediction == first[2].ops.prediction > 0
    # without a cache folder nothing is cached
    monkeypatch.delenv("ESACT_CACHE_DIR")
    assert ee.cache_folder() is None
    assert not embed_jobs(ids, jobs[:1], {"base": m}, {"base": int_model}, jobs_n=1)[0].cached


def test_bad_requests_raise(int_model, token_ids):
    m = load_minilm()
    with pytest.raises(ValueError, match="ids_list"):
        embed_jobs([], [Job("base", None)], {"base": m}, {"base": int_model})
    with pytest.raises(ValueError, match="weights"):
        embed_jobs(token_ids[:2], [Job("finetuned", None)], {"base": m}, {"base": int_model})
    with pytest.raises(ValueError, match="jobs_n"):
        embed_jobs(token_ids[:2], [Job("base", None)], {"base": m}, {"base": int_model}, jobs_n=0)
