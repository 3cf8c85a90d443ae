"""`make trace`, golden side: your own texts through the float model and the integer
golden model, written as a trace set for the esact_top trace test.

A *subject* is what runs: the project's MiniLM with ``base`` or ``finetuned`` weights
(:func:`models.weights.float_model` / :func:`~models.weights.int_model`), or a BERT
model of your own from a local Hugging Face folder (:mod:`models.hf_bert`).  Each text
is tokenized with the subject's tokenizer and checked against the sequence limit of the
RTL build it will run on (``t_max``, and the model's max_position): a longer text is
refused with the limit named, or truncated (keeping [SEP]) only when asked.  Then, per
text, the float sentence embedding and the integer traces of every layer, dense and
with the chosen SPLS schedule, are written by :func:`models.vectors.write_trace` (the
committed vectors' code) into a trace set (``set.json`` + one ``.npz`` per text and
mode, :func:`models.vectors.load_set`) in a run folder the caller names
(:func:`new_run_dir`; ``make trace``: the build tree's), never under ``vectors/``.
Imports no cocotb: the testbench (``tb/tools/trace.py``) replays the set on the RTL.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np

from . import checks
from .schedule import Schedule, schedule_from_spec
from .spls import DEFAULT_SPLS

REPO = Path(__file__).resolve().parents[1]
RTL_SCHEMES = ("dense", "spls")  # the modes esact_top runs (CTRL.sparse)


@dataclass
class Subject:
    """The model a trace runs: float model, tokenizer, integer model and dimensions."""

    label: str  # e.g. "MiniLM (base weights)" or "tiny_bert (/tmp/tiny_bert)"
    weights: str  # recorded in the traces: base, finetuned or folder:<name>
    float_model: object  # models.minilm.MiniLM
    encode: Callable[[str], np.ndarray]  # text -> ids with [CLS] ... [SEP], untruncated
    # how the testbench gets the integer model (models.vectors.set_int_model); a callable
    # is called once, on first use (a folder's model is calibrated then)
    spec: dict | Callable[[], dict]
    _im: object = field(default=None, repr=False)

    @property
    def int_model_spec(self) -> dict:
        if callable(self.spec):
            self.spec = self.spec()
        return self.spec

    @property
    def hidden(self) -> int:
        return int(self.float_model.word.shape[1])

    @property
    def heads(self) -> int:
        return int(self.float_model.layers[0].heads)

    @property
    def ffn(self) -> int:
        return int(self.float_model.layers[0].w1.shape[0])

    @property
    def n_layers(self) -> int:
        return len(self.float_model.layers)

    @property
    def head_dim(self) -> int:
        return self.hidden // self.heads

    @property
    def max_position(self) -> int:
        return int(self.float_model.pos.shape[0])

    def int_model(self):
        if self._im is None:
            from .vectors import set_int_model

            self._im = set_int_model(self.int_model_spec)
        return self._im

    def dims(self) -> dict:
        return {"hidden": self.hidden, "heads": self.heads, "ffn": self.ffn, "layers": self.n_layers,
                "head_dim": self.head_dim, "max_position": self.max_position}


def minilm_subject(weights: str | None = None) -> Subject:
    """The project's MiniLM with ``weights`` (None: the default point's,
    :func:`models.weights.selected_weights`)."""
    from . import weights as wts
    from .minilm import tokenizer

    if weights is None:
        weights = wts.selected_weights()
    checks.choice(weights, "weights", wts.WEIGHTS)
    if weights not in wts.available_weights():
        checks.fail("weights", f"'{weights}' needs the distillation delta and its calibration ranges "
                               f"({wts.DELTA_FILE.relative_to(REPO)}; `make finetune`); this checkout has "
                               f"{wts.available_weights()}")
    encode = lambda text: np.asarray(tokenizer().encode(checks.instance(text, "text", str, "a str")).ids,  # noqa: E731
                                     np.int64)
    return Subject(f"MiniLM ({weights} weights)", weights, wts.float_model(weights), encode,
                   {"weights": weights})


def folder_subject(path: Path | str) -> Subject:
    """A BERT model of your own (:func:`models.hf_bert.load_folder`); its integer model
    is calibrated on the project's calibration texts (cached)."""
    from . import hf_bert

    folder = hf_bert.load_folder(path)
    spec = lambda: {"file": str(hf_bert.int_model_path(folder))}  # noqa: E731
    return Subject(f"{folder.name} ({folder.path})", f"folder:{folder.name}", folder.model, folder.encode, spec)


def subject(model: str | None = None, weights: str | None = None) -> Subject:
    """``model`` (a folder) or the project's MiniLM with ``weights``."""
    if model:
        if weights:
            checks.fail("weights", f"'{weights}' selects the project's MiniLM weights; MODEL={model} brings its own "
                                   "(leave WEIGHTS unset)")
        return folder_subject(model)
    return minilm_subject(weights or None)


def read_texts(text: str | None = None, texts_file: str | Path | None = None) -> list[str]:
    """The texts of ``text`` and of ``texts_file`` (one per line; blank lines skipped)."""
    out = []
    if text is not None:
        checks.instance(text, "text", str, "a str")
        if not text.strip():
            checks.fail("text", "empty; give a sentence (TEXT=\"...\")")
        out.append(text)
    if texts_file:
        p = Path(texts_file)
        if not p.is_file():
            checks.fail("texts", f"{texts_file} is not a file (one text a line)")
        lines = [ln.strip() for ln in p.read_text(encoding="utf-8").splitlines()]
        lines = [ln for ln in lines if ln]
        if not lines:
            checks.fail("texts", f"{texts_file} holds no text (one text a line)")
        out += lines
    if not out:
        checks.fail("text", "no text given: TEXT=\"a sentence\" or TEXTS=<file, one text a line>")
    return out


def _preview(text: str, n: int = 48) -> str:
    return text if len(text) <= n else text[: n - 3] + "..."


def tokenize_texts(texts: list[str], subj: Subject, t_max: int, truncate: bool = False,
                   build: str = "the build") -> list[dict]:
    """Token ids of each text, at most ``min(t_max, max_position)`` tokens ([CLS] and
    [SEP] included): a longer text raises ValueError naming the limit, unless
    ``truncate`` (then its first tokens and [SEP] are kept)."""
    checks.instance(texts, "texts", list, "a list of str")
    checks.instance(subj, "subj", Subject, "a Subject (minilm_subject, folder_subject)")
    t_max = checks.integer(t_max, "t_max", 2)
    checks.flag(truncate, "truncate")
    limit, what = t_max, f"T_MAX {t_max} of {build}"
    if subj.max_position < t_max:
        limit, what = subj.max_position, f"the model's max_position {subj.max_position}"
    from .minilm import truncate_ids

    out = []
    for i, text in enumerate(texts):
        ids = subj.encode(text)
        n = len(ids)
        if n > limit and not truncate:
            checks.fail("text", f"text {i + 1} ({_preview(text)!r}) has {n} tokens ([CLS] and [SEP] included), "
                                f"more than {what}; shorten it or ask for truncation (TRUNCATE=1)")
        ids = truncate_ids(ids, limit)
        out.append({"text": text, "ids": ids, "tokens": int(len(ids)), "tokens_full": int(n),
                    "truncated": bool(n > limit)})
    return out


def spls_schedule(spec: str, n_layers: int) -> tuple[Schedule, str]:
    """The SPLS schedule of ``spec`` (:func:`models.schedule.schedule_from_spec`) for a
    model of ``n_layers`` layers, and a note when it had to be adapted: the default
    per-layer schedule is MiniLM's; another layer count runs the uniform former default
    point (:data:`models.spls.DEFAULT_SPLS`)."""
    n_layers = checks.integer(n_layers, "n_layers", 1)
    checks.instance(spec, "spls", str, "a str (default, aggressive, a label or a schedule JSON file)")
    try:
        sched = schedule_from_spec(spec)
    except ValueError as exc:
        msg = str(exc)
        checks.fail("spls", msg[len("spec: "):] if msg.startswith("spec: ") else msg)
    note = ""
    if len(sched) != n_layers and not sched.is_uniform and spec.strip() == "default":
        note = (f"the default schedule has {len(sched)} per-layer settings, the model {n_layers} layers: "
                f"running the uniform {DEFAULT_SPLS.label} instead")
        sched = Schedule.uniform(DEFAULT_SPLS, n_layers)
    try:
        sched = sched.for_layers(n_layers)
    except ValueError as exc:
        checks.fail("spls", str(exc))
    bad = sorted({c.scheme for c in sched if c.scheme not in RTL_SCHEMES})
    if bad:
        checks.fail("spls", f"scheme(s) {bad} have no esact_top mode (the RTL runs {RTL_SCHEMES})")
    return sched, note


def new_run_dir(root: Path | str, tag: str = "") -> Path:
    """A fresh folder ``<root>/<date>-<time>[-tag]`` (``make trace``: ``root`` is the
    build tree's ``trace`` folder, given by ``tb/tools/trace.py``)."""
    checks.instance(root, "root", (str, Path), "a folder path")
    checks.instance(tag, "tag", str, "a str")
    if "/" in tag or tag.startswith("."):
        checks.fail("tag", f"{tag!r}: a folder name suffix (no '/', not starting with '.')")
    stamp = time.strftime("%Y%m%d-%H%M%S")
    base = Path(root) / (stamp + (f"-{tag}" if tag else ""))
    d, i = base, 1
    while d.exists():
        i += 1
        d = base.with_name(f"{base.name}-{i}")
    d.mkdir(parents=True)
    return d


def write_set(dest: Path, items: list[dict], subj: Subject, sched: Schedule, build: dict | None = None,
              log: Callable[[str], None] = print, **meta) -> Path:
    """The trace set of ``items`` (:func:`tokenize_texts`) in ``dest``: per text the
    float embedding and the integer traces, dense and ``sched``; returns ``set.json``."""
    from .encoder import embed_float_pooled
    from .minilm import pool
    from .spls import SplsConfig
    from .vectors import params_digest, write_trace

    checks.instance(dest, "dest", (str, Path), "a folder path")
    if not isinstance(items, list) or not items or not all(isinstance(it, dict) and "ids" in it for it in items):
        checks.fail("items", "expected a non-empty list of tokenize_texts() entries")
    dest = Path(dest)
    if dest.resolve().is_relative_to((REPO / "vectors").resolve()):
        checks.fail("dest", f"{dest}: generated traces never go under vectors/ (the committed traces)")
    checks.instance(subj, "subj", Subject, "a Subject")
    sched = checks.instance(sched, "sched", Schedule, "a Schedule").for_layers(subj.n_layers)
    im = subj.int_model()
    digest = params_digest(im)
    s_out = im.layers[-1].scales["s_out"]
    modes = {"dense": Schedule.uniform(SplsConfig("dense"), subj.n_layers), "spls": sched}
    files = []
    for i, it in enumerate(items):
        t0 = time.perf_counter()
        name = f"text{i:03d}"
        e_float = embed_float_pooled(it["ids"], subj.float_model)
        parts = []
        for mode, s in modes.items():
            entry = write_trace(dest / f"{name}_{mode}.npz", it["ids"], im, s, digest, subj.weights,
                                model=subj.float_model, extra={"emb_float": e_float})
            with np.load(dest / f"{name}_{mode}.npz") as z:
                last = z[f"L{subj.n_layers - 1}_out"]
                dense_ops, exec_ops, pred_ops = (int(v) for v in z["ops"])
            cos = float(pool(last * s_out) @ e_float)
            red = 100.0 * (1 - (exec_ops + s.pred_weight * pred_ops) / dense_ops) if dense_ops else 0.0
            files.append(dict(entry, name=f"{name}_{mode}", text_id=name, mode=mode, schedule=s.label,
                              cos_int_float=cos, reduction_pct=red))
            parts.append(f"{mode} cos {cos:.5f}")
        log(f"golden {i + 1}/{len(items)} {name}: {it['tokens']} tokens"
            + (f" (truncated from {it['tokens_full']})" if it["truncated"] else "")
            + f"; integer vs float: {', '.join(parts)} ({time.perf_counter() - t0:.1f} s)")
    out = {
        "kind": "make trace",
        "created": time.strftime("%Y-%m-%d %H:%M:%S"),
        "model": subj.label, "weights": subj.weights, "dims": subj.dims(),
        "int_model": subj.int_model_spec, "params_sha256": digest,
        "schedule": dict(sched.as_dict(), label=sched.label, key=sched.key),
        "build": build or {},
        "texts": [{k: (v.tolist() if isinstance(v, np.ndarray) else v) for k, v in it.items()} for it in items],
        "files": files,
        **meta,
    }
    path = dest / "set.json"
    path.write_text(json.dumps(out, indent=1))
    return path
