"""The distillation training corpus (models/accuracy/train_corpus.py): pinned sources, disjoint
from the evaluation corpus, deterministic, within the 128-token bound."""

import re

import numpy as np
import pytest

from models.accuracy import corpus, datasets, train_corpus
from models.accuracy.train_corpus import (
    MAX_TOKENS,
    MIN_TOKENS,
    installed_packages,
    load_train_corpus,
    pinned_distributions,
    train_val_split,
)

# small pinned packages: typing_extensions copies stdlib typing documentation, so the
# overlap check has something to remove; click and jinja2 are ordinary prose
PACKAGES = ("typing_extensions", "click", "jinja2")


def _norm(text: str) -> str:
    return " " + " ".join(re.findall(r"[a-z0-9]+", text.lower())) + " "


@pytest.fixture(scope="module")
def small():
    return load_train_corpus(PACKAGES, use_cache=False)


def test_sources_are_the_pinned_distributions_at_their_pins():
    pins = dict(pinned_distributions())
    assert pins["torch"] == "2.13.0" and pins["typing-extensions"] == "4.16.0"
    pkgs, skipped = installed_packages()
    assert [p.name for p in pkgs] == sorted(p.name for p in pkgs)  # sorted order
    assert {p.name for p in pkgs} | {s.split(":")[0] for s in skipped} == set(pins)
    for p in pkgs:
        assert p.version == pins[p.name].split("+")[0]
        assert list(p.files) == sorted(p.files)
        assert all(f.endswith(".py") and "/tests/" not in f"/{f}" for f, _ in p.files)
    with pytest.raises(ValueError, match="not pinned"):
        installed_packages(["no-such-package"])


def test_disjoint_from_the_evaluation_corpus(small):
    # the check removed something (typing_extensions repeats stdlib docstrings) ...
    st = small.stats
    assert st["eval_overlap_exact"] + st["eval_overlap_near"] > 0
    # ... and, checked independently of the implementation, no evaluation paragraph of
    # 6+ words and no half of an evaluation text occurs inside a training text
    train = "|".join(_norm(t) for t in small.texts)
    evals = [p for d in corpus._documents() for _, p in d.paragraphs]
    for regime in datasets.REGIMES:
        for t in datasets.texts(regime):
            evals += [t.first, t.second]
    checked = 0
    for p in evals:
        n = _norm(p)
        if n.count(" ") - 1 >= 6:
            checked += 1
            assert n not in train, p
    assert checked > 10000


def test_no_training_paragraph_normalizes_to_an_evaluation_paragraph(small):
    keys = {corpus._norm_key(p) for d in corpus._documents() for _, p in d.paragraphs}
    pkgs, _ = installed_packages(PACKAGES)
    kept = 0
    for _, paras in train_corpus._raw_documents(pkgs):
        for _, para in paras:
            if train_corpus.eval_overlap(para) is None:
                kept += 1
                assert corpus._norm_key(para) not in keys
    assert kept > 500


def test_digest_is_deterministic_and_cached(small):
    again = load_train_corpus(PACKAGES, use_cache=False)
    assert again.digest == small.digest == train_corpus.corpus_digest(small.texts)
    assert again.texts == small.texts and again.inputs_digest == small.inputs_digest
    cached = load_train_corpus(PACKAGES)  # written now or earlier: same content
    cached2 = load_train_corpus(PACKAGES)
    assert cached.digest == cached2.digest == small.digest
    assert all(np.array_equal(a, b) for a, b in zip(cached2.ids, small.ids))
    other = load_train_corpus(PACKAGES[1:], use_cache=False)
    assert other.inputs_digest != small.inputs_digest and other.digest != small.digest


def test_texts_fit_128_tokens_and_are_prose(small):
    assert len(small) > 300
    lens = np.array([len(i) for i in small.ids])
    assert lens.max() <= MAX_TOKENS + 2 and lens.min() >= MIN_TOKENS + 2
    assert np.percentile(lens, 10) < 48 and np.percentile(lens, 90) > 90  # mixed lengths
    for ids, text in zip(small.ids, small.texts):
        assert ids[0] == 101 and ids[-1] == 102  # [CLS] ... [SEP], nothing truncated
        assert ">>>" not in text and "```" not in text
    assert len(set(small.texts)) == len(small)
    assert {s.split(":")[0] for s in small.sources} <= {"typing-extensions", "click", "jinja2"}


def test_train_val_split():
    tr, va = train_val_split(1000, 64)
    assert len(va) == 64 and len(tr) == 936 and not set(tr) & set(va)
    assert np.array_equal(va, train_val_split(1000, 64)[1])
    with pytest.raises(ValueError):
        train_val_split(10, 10)


def test_train_val_split_excludes_held_out_texts():
    held = np.zeros(1000, bool)
    held[::4] = True
    tr, va = train_val_split(1000, 64, exclude=held)
    assert len(va) == 64 and len(tr) == 750 - 64
    assert not (set(tr) | set(va)) & set(np.flatnonzero(held))
    # without a mask the split is the one recorded runs used
    assert np.array_equal(train_val_split(1000, 64)[1], train_val_split(1000, 64, exclude=None)[1])
    with pytest.raises(ValueError, match="exclude"):
        train_val_split(1000, 64, exclude=np.zeros(999, bool))
    with pytest.raises(ValueError, match="n_val"):
        train_val_split(8, 2, exclude=np.array([True] * 6 + [False] * 2))


def test_selection_split_is_whole_documents_and_pairs_are_consecutive(small):
    mask = train_corpus.selection_mask(small)
    assert 0 < mask.sum() < len(small)
    by_doc = {}
    for s, m in zip(small.sources, mask):
        by_doc.setdefault(s, set()).add(bool(m))
    assert all(len(v) == 1 for v in by_doc.values())  # a document is held out whole
    names = [f"pkg{i}:mod{i}.py" for i in range(4000)]
    frac = sum(map(train_corpus.is_selection_doc, names)) / len(names)
    assert abs(frac - 1 / train_corpus.SELECT_MOD) < 0.02  # one document in SELECT_MOD
    first, second = train_corpus.selection_pairs(small, min_tokens=32)
    assert len(first) == len(second) > 0
    pos = {id(a): i for i, a in enumerate(small.ids)}
    for a, b in zip(first, second):
        i, j = pos[id(a)], pos[id(b)]
        assert j == i + 1 and mask[i] and small.sources[i] == small.sources[j]
        assert len(a) >= 32 and len(b) >= 32
    used = [pos[id(a)] for a in first] + [pos[id(b)] for b in second]
    assert len(used) == len(set(used))  # a text pairs once
    longer = train_corpus.selection_pairs(small, min_tokens=64)[0]
    assert len(longer) < len(first)
    for bad in (2, 200, 64.0):
        with pytest.raises(ValueError, match="min_tokens"):
            train_corpus.selection_pairs(small, min_tokens=bad)
    with pytest.raises(ValueError, match="mod"):
        train_corpus.is_selection_doc("pkg:x.py", mod=1)
