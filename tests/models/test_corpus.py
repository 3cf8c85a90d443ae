"""Tests of models/accuracy/corpus.py (the deterministic prose corpus of the embedding benchmark)."""

import hashlib
import math
import re

import pytest

from models.accuracy import corpus
from models.accuracy.corpus import (
    Text,
    available_counts,
    corpus_digest,
    long_texts,
    prose_paragraphs,
    short_texts,
    split_half,
    strip_markup,
)


def _norm(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def _check_texts(texts: list[Text]) -> None:
    assert texts
    for t in texts:
        assert t.first and t.second, t
        assert t.first + " " + t.second == t.text
        assert t.text == " ".join(t.text.split())
        assert ">>>" not in t.text
        assert t.source.startswith(("stdlib:", "pydoc_topics:")), t.source
    assert len({t.text for t in texts}) == len(texts)
    assert len({_norm(t.text) for t in texts}) == len(texts)
    assert len({" ".join(t.text.lower().split()[:12]) for t in texts}) == len(texts)


# --------------------------------------------------------------------------- split_half


def test_split_half_prefers_a_central_sentence_boundary():
    text = "One two three four five six. Seven eight nine ten eleven twelve."
    assert split_half(text) == (
        "One two three four five six.",
        "Seven eight nine ten eleven twelve.",
    )


def test_split_half_nearest_word_boundary_without_sentence():
    text = "aaa bbb ccc ddd eee fff ggg hhh iii"
    first, second = split_half(text)
    assert (first, second) == ("aaa bbb ccc ddd eee", "fff ggg hhh iii")
    # a sentence boundary outside +-15% of the middle is ignored
    text = "Aa. Bbbb cccc dddd eeee ffff gggg hhhh iiii jjjj kkkk"
    first, _ = split_half(text)
    assert first != "Aa."
    assert abs(len(first) - len(text) / 2) <= 5


def test_split_half_normalises_whitespace_and_rejects_short_text():
    first, second = split_half("  a  b\nc d\te f g   h  ")
    assert first + " " + second == "a b c d e f g h"
    with pytest.raises(ValueError, match="^text"):
        split_half("only seven words in this short text")
    with pytest.raises(ValueError, match="^text"):
        split_half(None)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- filters


def test_strip_markup():
    assert strip_markup("Use :func:`json.loads` or :meth:`~json.JSONDecoder.decode`.") == (
        "Use json.loads or decode."
    )
    assert strip_markup("See ``x + 1`` and *emphasis* and **strong** text.") == (
        "See x + 1 and emphasis and strong text."
    )
    text = "The :class:`codec <codecs.Codec>` is `fast`_ [1]_."
    assert strip_markup(text) == "The codec is fast."
    assert strip_markup("For example::") == "For example:"


def test_prose_paragraphs_drop_code_doctests_and_markup_blocks():
    doc = "\n".join(
        [
            "Summary line of the function.",
            "",
            "This paragraph is plain prose. It is wrapped over",
            "two lines and must be kept.",
            "",
            ">>> f(1)",
            "2",
            "",
            "Example::",
            "",
            "    Looks like prose but is a literal block.",
            "",
            ".. versionadded:: 3.2",
            "",
            ":param x: the input",
            ":returns: the output",
            "",
            "Args:",
            "    x: the input",
            "",
            "- first item",
            "- second item",
            "",
            "x = {a[0]: (b_c, d_e)} | f(g) <= h_i * j_k",
            "",
            "Some text before code:",
            "        result = compute(x)",
            "",
            "Heading",
            "=======",
            "",
            "Final paragraph. It ends here.",
        ]
    )
    assert prose_paragraphs(doc) == [
        "Summary line of the function.",
        "This paragraph is plain prose. It is wrapped over two lines and must be kept.",
        "Example:",
        "Final paragraph. It ends here.",
    ]


def test_prose_lists_and_definitions_kept_only_when_sentences():
    doc = "\n".join(
        [
            "* The first item is a sentence.",
            "* So is the second one, wrapped",
            "  onto a second line.",
            "",
            "* name",
            "* other_name",
            "",
            "str.upper()",
            "   Return a copy of the string converted to uppercase.",
        ]
    )
    assert prose_paragraphs(doc) == [
        "The first item is a sentence. So is the second one, wrapped onto a second line.",
        "Return a copy of the string converted to uppercase.",
    ]


def test_dedupe_drops_exact_prefix_suffix_and_near_duplicates():
    base = "Return the number of bytes written to the file. It may be less than requested."
    items = [
        ("a", base),
        ("b", base.upper().replace(" ", "  ")),  # same words
        ("c", base.replace("less than requested.", "zero if the disk is full now.")),  # same head
        ("d", "Always " + base),  # same tail
        ("e", base.replace("bytes", "characters").replace("file", "stream")),  # near duplicate
        ("f", "An unrelated sentence about sockets and timeouts. It has nothing in common."),
    ]
    assert [s for s, _ in corpus._dedupe(items)] == ["a", "f"]


# --------------------------------------------------------------------------- short regime


def test_short_texts_deterministic_and_well_formed():
    a = short_texts()
    b = short_texts()
    assert a == b
    assert corpus_digest(a) == corpus_digest(b)
    _check_texts(a)
    for t in a:
        assert 20 <= len(t.text.split()) <= 60
        assert len(t.first.split()) >= 4 and len(t.second.split()) >= 4
    assert [t.source for t in a] == sorted(t.source for t in a)


def test_short_texts_custom_bounds_seed_and_all():
    texts = short_texts(n=200, min_words=30, max_words=40, seed=3)
    assert len(texts) == 200
    assert all(30 <= len(t.text.split()) <= 40 for t in texts)
    assert short_texts(n=200, seed=1) != short_texts(n=200, seed=2)
    everything = short_texts(n=10**6)
    assert len(everything) == available_counts()["short"]
    _check_texts(everything)


def test_enough_texts_available():
    # the benchmark wants 1000 per regime (CPython 3.11.7 gives ~2080 short, ~1100 long);
    # 400 is the floor below which it is not meaningful
    counts = available_counts()
    assert counts["short"] >= 400
    assert counts["long"] >= 400
    assert len(short_texts()) == min(1000, counts["short"])


# --------------------------------------------------------------------------- long regime


def test_long_texts_respect_the_token_bounds_with_the_estimate():
    texts = long_texts()
    assert texts == long_texts()
    assert len(texts) == min(1000, available_counts()["long"])
    _check_texts(texts)
    lo = math.ceil(0.85 * 256)
    for t in texts:
        assert lo <= corpus.estimate_tokens(t.text) <= 256
        assert corpus.estimate_tokens(t.first) <= 128
        assert corpus.estimate_tokens(t.second) <= 128
    assert [t.source for t in texts] == sorted(t.source for t in texts)


def test_long_texts_custom_counter_and_size():
    def count(s: str) -> int:
        return len(s.split())

    texts = long_texts(n=300, tokens=64, count_tokens=count, seed=5)
    assert len(texts) == 300
    _check_texts(texts)
    for t in texts:
        assert math.ceil(0.85 * 64) <= count(t.text) <= 64
        assert count(t.first) <= 32 and count(t.second) <= 32


def test_long_chunks_are_ordered_and_disjoint_within_a_document():
    docs = {d.name: " ".join(p for _, p in d.paragraphs) for d in corpus._documents()}
    by_doc: dict[str, list[tuple[int, str]]] = {}
    for t in long_texts(n=10**6):
        name, k = t.source.rsplit("#", 1)
        by_doc.setdefault(name, []).append((int(k), t.text))
    assert by_doc
    for name, chunks in by_doc.items():
        pos = 0
        for _, chunk in sorted(chunks):
            at = docs[name].find(chunk, pos)
            assert at >= 0, (name, chunk[:80])
            pos = at + len(chunk)


def test_chunker_packs_consecutive_sentences():
    sents = [f"S{i}." for i in range(10)]
    counts = [3, 3, 3, 20, 3, 3, 3, 3, 3, 3]
    chunks = list(corpus._chunks(sents, counts, 8, 10, lambda s: 3 * len(s.split())))
    assert chunks == ["S0. S1. S2.", "S4. S5. S6.", "S7. S8. S9."]


# --------------------------------------------------------------------------- arguments, digest


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda: short_texts(n=0), "n"),
        (lambda: short_texts(n=-3), "n"),
        (lambda: short_texts(n=1.5), "n"),
        (lambda: short_texts(min_words=50, max_words=40), "min_words"),
        (lambda: short_texts(min_words=3), "min_words"),
        (lambda: short_texts(seed=None), "seed"),
        (lambda: long_texts(n=0), "n"),
        (lambda: long_texts(tokens=15), "tokens"),
        (lambda: long_texts(count_tokens="words"), "count_tokens"),
        (lambda: long_texts(count_tokens=lambda s: 128), "count_tokens"),
    ],
)
def test_bad_arguments_name_the_parameter(call, name):
    with pytest.raises(ValueError, match=f"^{name}:"):
        call()


def test_corpus_digest():
    assert corpus_digest([]) == hashlib.sha256(b"").hexdigest()
    a = Text("a b", "x", "a", "b")
    b = Text("c d", "y", "c", "d")
    assert corpus_digest([a, b]) == hashlib.sha256(b"a b\n\x00c d").hexdigest()
    assert corpus_digest([a, b]) != corpus_digest([b, a])


def test_cli_prints_counts_and_examples(capsys):
    assert corpus.main(["--examples", "1"]) == 0
    out = capsys.readouterr().out
    assert "available: short=" in out
    assert out.count("first :") == 2 and out.count("second:") == 2
