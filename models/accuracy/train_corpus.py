"""Training text for sparsity-aware distillation (:mod:`models.accuracy.finetune`), disjoint
from the evaluation corpus (:mod:`models.accuracy.corpus`).

Source
------
Docstrings of the third-party packages installed in the running interpreter's
environment, restricted to the distributions *pinned* in ``requirements.txt`` /
``constraints.txt`` whose installed version equals the pin (the local label of a
version, ``2.13.0+cpu``, is ignored), so the text is a function of the pinned
environment.  Distributions are taken in sorted order of their normalized names, the
``*.py`` files of each in sorted order of their path as listed in the distribution's
``RECORD``; directories ``test``, ``tests``, ``testing`` and ``__pycache__`` are skipped.
Docstrings are read exactly as the evaluation corpus reads the standard library
(``models.accuracy.corpus._parse`` / ``_docstrings``), and cut into prose paragraphs with the same
filter (:func:`models.accuracy.corpus.prose_paragraphs`: no code, doctests, field lists, tables,
symbol-heavy text; inline markup stripped); paragraphs containing a Markdown code
fence (three backquotes), which that reST-oriented filter does not know, are dropped too.

Disjointness from the evaluation corpus
--------------------------------------
The evaluation texts (``models.accuracy.datasets.texts``, both regimes) are drawn from the kept
paragraphs of ``models.accuracy.corpus._documents()`` (stdlib docstrings + pydoc topics).
Against *all* of those paragraphs (not only the sampled evaluation texts), a training
paragraph is dropped when

* its normalized form (lower-case alphanumeric words) equals an evaluation
  paragraph's (``models.accuracy.corpus._norm_key``), or
* it shares at least half of the word trigrams of the shorter of the two, and at least
  ``NEAR_MIN_SHARED`` = 3 trigrams, with some evaluation paragraph
  (``models.accuracy.corpus._trigrams``: the containment rule the evaluation corpus uses against
  its own near duplicates; the floor of 3 keeps a one-trigram evaluation phrase such as
  "Return the value." from removing every training paragraph that contains those
  three words -- such sentences are caught by the sentence rule below);

and a single sentence of a kept paragraph is dropped when its normalized form (5 words
or more) equals that of a sentence of an evaluation paragraph.  Third-party packages
that copy stdlib documentation (``typing_extensions``, vendored ``dataclasses`` or
``functools`` code, ...) are caught by these rules; the counts are in
:attr:`TrainCorpus.stats`.  Within the training text, repeated and templated
paragraphs are removed by the evaluation corpus's own de-duplication
(``models.accuracy.corpus._dedupe``: same normalized words, same first or last 12 words, or
half the trigrams shared; first occurrence wins).

Packing
-------
A *document* is the kept paragraphs of one ``.py`` file, in file order, cut into
sentences (:func:`models.accuracy.corpus.sentences`).  Consecutive sentences of one document are
packed greedily into texts of at most ``cap`` MiniLM word pieces, where each text's
``cap`` is drawn from ``random.Random(PACK_SEED)`` uniformly in ``[MIN_CAP, MAX_TOKENS]``
(``MAX_TOKENS = 126``: + [CLS]/[SEP] = 128, the RTL's sequence bound), so that the
lengths span the evaluation inputs' range (short-regime halves of ~15-45 tokens,
long-regime halves of ~100-126).  A sentence longer than ``MAX_TOKENS`` word pieces is
dropped; a text shorter than ``MIN_TOKENS`` word pieces or ``MIN_WORDS`` words is
dropped.

With a cache folder (``$ESACT_CACHE_DIR``, :mod:`models.paths`) the token ids (with
[CLS]/[SEP]) are cached there under the digest of the inputs (:func:`inputs_digest`:
Python version, the source of this module and of ``models/accuracy/corpus.py``, the
packing constants, every distribution's name, version and the
RECORD hash of each of its ``.py`` files); the digest of the result is
:func:`corpus_digest`.  ``python -m models.accuracy.train_corpus`` prints a summary.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

from .. import paths
from . import corpus

REPO = Path(__file__).resolve().parents[2]
PIN_FILES = (REPO / "requirements.txt", REPO / "constraints.txt")

MAX_TOKENS = 126  # word pieces per text, without [CLS]/[SEP]
MIN_CAP = 24  # smallest packing cap
MIN_TOKENS = 16  # shortest text kept (word pieces)
MIN_WORDS = 8
MIN_SENT_WORDS = 5  # sentences this long are checked against the evaluation sentences
NEAR_MIN_SHARED = 3  # a near duplicate shares at least this many word trigrams
PACK_SEED = 0
VAL_TEXTS = 64
VAL_SEED = 0
_SKIP_DIRS = frozenset({"test", "tests", "testing", "__pycache__"})


def normalize_name(name: str) -> str:
    """PEP 503 normalized distribution name."""
    return re.sub(r"[-_.]+", "-", name).lower()


def pinned_distributions(files: Sequence[Path] = PIN_FILES) -> list[tuple[str, str]]:
    """``(normalized name, version)`` of every ``name==version`` pin, sorted by name."""
    pins: dict[str, str] = {}
    for f in files:
        for line in Path(f).read_text().splitlines():
            line = line.split("#", 1)[0].strip()
            m = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)\s*==\s*([^\s;]+)", line)
            if m:
                pins[normalize_name(m.group(1))] = m.group(2)
    return sorted(pins.items())


def _public(version: str) -> str:
    return version.split("+", 1)[0]


@dataclass(frozen=True)
class Package:
    name: str  # normalized
    version: str
    files: tuple[tuple[str, str], ...]  # (path relative to site-packages, RECORD hash)
    root: Path = field(compare=False)


def installed_packages(names: Iterable[str] | None = None) -> tuple[list[Package], list[str]]:
    """The pinned distributions installed at their pinned version (optionally only
    ``names``), and a list of notes on the skipped ones."""
    wanted = None if names is None else {normalize_name(n) for n in names}
    out, skipped = [], []
    for name, pin in pinned_distributions():
        if wanted is not None and name not in wanted:
            continue
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            skipped.append(f"{name}: not installed")
            continue
        if _public(dist.version) != _public(pin):
            skipped.append(f"{name}: installed {dist.version} != pinned {pin}")
            continue
        files = []
        for f in dist.files or ():
            if f.suffix != ".py" or _SKIP_DIRS.intersection(f.parts[:-1]) or ".." in f.parts:
                continue
            files.append((f.as_posix(), f"{f.hash.mode}:{f.hash.value}" if f.hash else f"size:{f.size}"))
        files.sort()
        root = Path(dist.locate_file(""))
        out.append(Package(name, _public(dist.version), tuple(files), root))
    if wanted is not None:
        missing = wanted - {p.name for p in out} - {s.split(":", 1)[0] for s in skipped}
        if missing:
            raise ValueError(f"packages {sorted(missing)} are not pinned in {[p.name for p in PIN_FILES]}")
    return out, skipped


def inputs_digest(packages: Sequence[Package]) -> str:
    """sha256 of everything the training corpus is a function of (see the module docstring)."""
    h = hashlib.sha256()
    h.update(f"{sys.version_info[:3]}|{MAX_TOKENS}|{MIN_CAP}|{MIN_TOKENS}|{MIN_WORDS}|"
             f"{MIN_SENT_WORDS}|{NEAR_MIN_SHARED}|{PACK_SEED}".encode())
    for src in (Path(__file__), Path(corpus.__file__)):
        h.update(src.read_bytes())
    for p in packages:
        h.update(f"\n{p.name}=={p.version}".encode())
        for path, fh in p.files:
            h.update(f"\n{path} {fh}".encode())
    return h.hexdigest()


def corpus_digest(texts: Sequence[str]) -> str:
    """sha256 of the training texts (same rule as :func:`models.accuracy.corpus.corpus_digest`)."""
    return hashlib.sha256("\n\x00".join(texts).encode("utf-8")).hexdigest()


# --------------------------------------------------------------------------- evaluation side


def norm_words(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


@lru_cache(maxsize=1)
def _eval_index():
    """Keys, trigram postings and sentence keys of every evaluation-corpus paragraph."""
    paras = [p for d in corpus._documents() for _, p in d.paragraphs]
    keys = {corpus._norm_key(p) for p in paras}
    postings: dict[str, list[int]] = {}
    sizes = []
    for j, p in enumerate(paras):
        g = corpus._trigrams(p)
        sizes.append(len(g))
        for t in g:
            postings.setdefault(t, []).append(j)
    sents = set()
    for p in paras:
        for s in corpus.sentences(p):
            n = norm_words(s)
            if n.count(" ") + 1 >= MIN_SENT_WORDS:
                sents.add(n)
    return keys, postings, sizes, sents


def eval_overlap(paragraph: str) -> str | None:
    """``"exact"`` or ``"near"`` when ``paragraph`` overlaps an evaluation paragraph
    (see the module docstring), else None."""
    keys, postings, sizes, _ = _eval_index()
    if corpus._norm_key(paragraph) in keys:
        return "exact"
    g = corpus._trigrams(paragraph)
    shared = Counter(j for t in g for j in postings.get(t, ()))
    if any(c >= max(NEAR_MIN_SHARED, corpus.NEAR_DUP_CONTAINMENT * min(len(g), sizes[j]))
           for j, c in shared.items()):
        return "near"
    return None


def eval_sentence(sentence: str) -> bool:
    """The sentence (>= MIN_SENT_WORDS words) normalizes to a sentence of the evaluation corpus."""
    n = norm_words(sentence)
    return n.count(" ") + 1 >= MIN_SENT_WORDS and n in _eval_index()[3]


# --------------------------------------------------------------------------- building


@dataclass(frozen=True)
class TrainCorpus:
    texts: tuple[str, ...]
    sources: tuple[str, ...]  # "pkg:path" of the document each text comes from
    ids: tuple[np.ndarray, ...]  # int64 token ids with [CLS]/[SEP]
    digest: str  # corpus_digest(texts)
    inputs_digest: str
    packages: tuple[tuple[str, str], ...]  # (name, version) used
    stats: dict

    def __len__(self) -> int:
        return len(self.texts)

    @property
    def n_tokens(self) -> int:
        return int(sum(len(i) for i in self.ids))


def _raw_documents(packages: Sequence[Package]) -> list[tuple[str, list[tuple[str, str]]]]:
    docs = []
    for p in packages:
        for path, _ in p.files:
            tree = corpus._parse(p.root / path)
            if tree is None:
                continue
            name = f"{p.name}:{path}"
            paras = []
            for qual, doc in corpus._docstrings(tree):
                src = f"{name}:{qual}" if qual else name
                for para in corpus.prose_paragraphs(doc):
                    if "```" in para:  # Markdown code fences (the filter is made for reST)
                        continue
                    paras.append((src, para))
            if paras:
                docs.append((name, paras))
    return docs


def _pack(sents: list[str], counts: list[int], rng: random.Random, st: Counter) -> list[str]:
    out: list[str] = []
    cur: list[str] = []
    n = 0
    cap = rng.randint(MIN_CAP, MAX_TOKENS)

    def flush():
        nonlocal cur, n, cap
        if cur:
            text = " ".join(cur)
            if n >= MIN_TOKENS and len(text.split()) >= MIN_WORDS:
                out.append(text)
            else:
                st["short_texts_dropped"] += 1
        cur, n = [], 0
        cap = rng.randint(MIN_CAP, MAX_TOKENS)

    for s, c in zip(sents, counts):
        if c > MAX_TOKENS:
            flush()
            st["long_sentences_dropped"] += 1
            continue
        if cur and n + c > cap:
            flush()
        cur.append(s)
        n += c
    flush()
    return out


def build(packages: Sequence[Package]) -> tuple[list[str], list[str], dict]:
    """Training texts, their document sources and statistics (no cache)."""
    from ..minilm import count_tokens

    st: Counter = Counter()
    raw = _raw_documents(packages)
    items = []  # (doc, paragraph) surviving the evaluation check
    for name, paras in raw:
        for _, para in paras:
            st["paragraphs"] += 1
            ov = eval_overlap(para)
            if ov:
                st[f"eval_overlap_{ov}"] += 1
                continue
            items.append((name, para))
    kept = corpus._dedupe(items)
    st["train_duplicates"] = len(items) - len(kept)
    by_doc: dict[str, list[str]] = {}
    for name, para in kept:
        by_doc.setdefault(name, []).append(para)
    rng = random.Random(PACK_SEED)
    texts, sources = [], []
    for name, _ in raw:  # package and file order
        if name not in by_doc:
            continue
        sents = []
        for para in by_doc[name]:
            for s in corpus.sentences(para):
                if eval_sentence(s):
                    st["eval_overlap_sentence"] += 1
                else:
                    sents.append(s)
        counts = [count_tokens(s) for s in sents]
        for text in _pack(sents, counts, rng, st):
            texts.append(text)
            sources.append(name)
    st["paragraphs_kept"] = len(kept)
    return texts, sources, dict(st)


def _cache_path(digest: str) -> Path | None:
    """The cache file of the corpus of inputs ``digest``, None without a cache folder."""
    root = paths.cache_dir()
    return root / f"train_corpus_{digest[:16]}.npz" if root else None


def load_train_corpus(packages: Iterable[str] | None = None, use_cache: bool = True) -> TrainCorpus:
    """The training corpus of the pinned packages (or of the pinned ``packages`` only);
    cached when ``use_cache`` and a cache folder is set."""
    from ..minilm import tokenizer

    pkgs, skipped = installed_packages(packages)
    if not pkgs:
        raise ValueError("no pinned package is installed at its pinned version")
    idig = inputs_digest(pkgs)
    path = _cache_path(idig)
    pk = tuple((p.name, p.version) for p in pkgs)
    use_cache = use_cache and path is not None
    if use_cache and path.exists():
        with np.load(path) as z:
            meta = json.loads(bytes(z["meta"]).decode("utf-8"))
            flat, off = z["ids"].astype(np.int64), z["offsets"]
        if meta["inputs_digest"] == idig:
            ids = tuple(flat[a:b] for a, b in zip(off[:-1], off[1:]))
            return TrainCorpus(tuple(meta["texts"]), tuple(meta["sources"]), ids, meta["digest"], idig, pk,
                               meta["stats"])
    texts, sources, stats = build(pkgs)
    stats["skipped_distributions"] = skipped
    enc = tokenizer().encode_batch(texts)
    ids = tuple(np.asarray(e.ids, np.int64) for e in enc)
    bad = [t for t, i in zip(texts, ids) if len(i) > MAX_TOKENS + 2]
    if bad:
        raise AssertionError(f"{len(bad)} packed texts exceed {MAX_TOKENS} word pieces, e.g. {bad[0]!r}")
    dig = corpus_digest(texts)
    if use_cache:
        meta = {"inputs_digest": idig, "digest": dig, "texts": texts, "sources": sources, "stats": stats}
        off = np.concatenate([[0], np.cumsum([len(i) for i in ids])]).astype(np.int64)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.stem + f".{__import__('os').getpid()}.tmp.npz")
        np.savez_compressed(tmp, ids=np.concatenate(ids).astype(np.int32), offsets=off,
                            meta=np.frombuffer(json.dumps(meta).encode("utf-8"), np.uint8))
        tmp.replace(path)
    return TrainCorpus(tuple(texts), tuple(sources), ids, dig, idig, pk, stats)


def train_val_split(n: int, n_val: int = VAL_TEXTS, seed: int = VAL_SEED,
                    exclude: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Indices of the training and of the held-out validation texts (a fixed seeded
    sample of ``n_val`` texts, independent of the training seed).  ``exclude`` (a bool
    mask over the ``n`` texts, e.g. :func:`selection_mask`) removes texts from both."""
    idx = np.arange(n)
    if exclude is not None:
        exclude = np.asarray(exclude, bool)
        if exclude.shape != (n,):
            raise ValueError(f"exclude must be a bool mask of shape ({n},), got shape {exclude.shape}")
        idx = np.flatnonzero(~exclude)
    if not 0 < n_val < len(idx):
        raise ValueError(f"n_val must be in (0, {len(idx)}), got {n_val}")
    pop = range(n) if exclude is None else idx.tolist()
    val = np.sort(np.asarray(random.Random(seed).sample(pop, n_val), np.int64))
    train = np.setdiff1d(idx, val)
    return train, val


# --------------------------------------------------------------------------- selection split
#
# One document in SELECT_MOD (by the digest of its source "pkg:path") is held out of
# training and validation: the *selection* split.  Its consecutive texts form retrieval
# pairs (first -> second, the shape of the evaluation's halves) on which the default
# schedule is chosen (models.accuracy.select): text neither the distillation nor the
# evaluation sees.

SELECT_MOD = 4
SELECT_MIN_TOKENS = 64  # both texts of a selection pair have at least this many ids ([CLS]/[SEP] included)


def is_selection_doc(source: str, mod: int = SELECT_MOD) -> bool:
    """The document ``source`` ("pkg:path") belongs to the selection split."""
    if not isinstance(mod, int) or mod < 2:
        raise ValueError(f"mod must be an integer >= 2, got {mod!r}")
    return int(hashlib.sha256(source.encode("utf-8")).hexdigest()[:8], 16) % mod == 0


def selection_mask(tc: "TrainCorpus", mod: int = SELECT_MOD) -> np.ndarray:
    """Per text of ``tc``: True when its document is in the selection split."""
    memo: dict[str, bool] = {}
    out = np.empty(len(tc.sources), bool)
    for i, s in enumerate(tc.sources):
        if s not in memo:
            memo[s] = is_selection_doc(s, mod)
        out[i] = memo[s]
    return out


def selection_pairs(tc: "TrainCorpus", min_tokens: int = SELECT_MIN_TOKENS,
                    mod: int = SELECT_MOD) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Retrieval pairs of the selection split: in each held-out document, consecutive
    texts (t0, t1), then the next two, ... (a text pairs once), both at least
    ``min_tokens`` ids long; a pair whose texts are shorter is skipped by one text.
    Returns the token ids of the first and of the second texts."""
    if not isinstance(min_tokens, int) or not 3 <= min_tokens <= MAX_TOKENS + 2:
        raise ValueError(f"min_tokens must be an integer in [3, {MAX_TOKENS + 2}], got {min_tokens!r}")
    sel = selection_mask(tc, mod)
    docs: dict[str, list[int]] = {}
    for i in np.flatnonzero(sel):
        docs.setdefault(tc.sources[i], []).append(int(i))
    first, second = [], []
    for idx in docs.values():
        k = 0
        while k + 1 < len(idx):
            a, b = idx[k], idx[k + 1]
            if len(tc.ids[a]) >= min_tokens and len(tc.ids[b]) >= min_tokens:
                first.append(tc.ids[a])
                second.append(tc.ids[b])
                k += 2
            else:
                k += 1
    return first, second


def summary(tc: TrainCorpus) -> dict:
    lens = np.array([len(i) for i in tc.ids])
    per_pkg = Counter(s.split(":", 1)[0] for s in tc.sources)
    return {
        "texts": len(tc),
        "tokens": int(lens.sum()),
        "tokens_per_text": {"mean": round(float(lens.mean()), 1), "min": int(lens.min()), "max": int(lens.max()),
                            "p10": int(np.percentile(lens, 10)), "p50": int(np.percentile(lens, 50)),
                            "p90": int(np.percentile(lens, 90))},
        "packages": len(tc.packages),
        "packages_contributing": len(per_pkg),
        "top_packages": dict(per_pkg.most_common(10)),
        "digest": tc.digest,
        "inputs_digest": tc.inputs_digest,
        **{k: v for k, v in tc.stats.items()},
    }


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m models.accuracy.train_corpus", description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--packages", nargs="*", help="only these pinned distributions")
    ap.add_argument("--no-cache", action="store_true")
    ap.add_argument("--examples", type=int, default=2)
    a = ap.parse_args(argv)
    tc = load_train_corpus(a.packages, use_cache=not a.no_cache)
    s = summary(tc)
    print(f"training corpus: {s['texts']} texts, {s['tokens']} tokens (with [CLS]/[SEP]), "
          f"{s['packages']} pinned packages ({s['packages_contributing']} contribute text)")
    print(f"tokens per text: {s['tokens_per_text']}")
    print(f"paragraphs: {s.get('paragraphs', 0)} extracted, overlap with the evaluation corpus removed: "
          f"{s.get('eval_overlap_exact', 0)} exact + {s.get('eval_overlap_near', 0)} near-duplicate paragraphs, "
          f"{s.get('eval_overlap_sentence', 0)} sentences; {s.get('train_duplicates', 0)} duplicates within "
          f"the training text; {s.get('paragraphs_kept', 0)} paragraphs kept")
    print(f"dropped: {s.get('long_sentences_dropped', 0)} sentences > {MAX_TOKENS} word pieces, "
          f"{s.get('short_texts_dropped', 0)} texts < {MIN_TOKENS} word pieces")
    if s.get("skipped_distributions"):
        print(f"skipped distributions: {s['skipped_distributions']}")
    print(f"top packages (texts): {s['top_packages']}")
    print(f"digest {s['digest']}  inputs {s['inputs_digest'][:16]}")
    step = max(1, len(tc) // max(1, a.examples))
    for i in range(0, len(tc), step)[: a.examples]:
        print(f"\n[{tc.sources[i]}] ({len(tc.ids[i])} tokens)\n  {tc.texts[i]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
