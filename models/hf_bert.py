"""Bring your own BERT-family model: a local Hugging Face folder as the float model,
its tokenizer, and its integer model.

    folder/config.json            BertConfig (model_type "bert")
    folder/*.safetensors          weights (BertModel names, or "bert."-prefixed ones of
                                  BertFor...; sharded files are merged)
    folder/tokenizer.json         the tokenizer (or vocab.txt: BERT word pieces)

The float model is the project's BERT reference (:mod:`models.minilm`: post-LayerNorm,
exact GELU, absolute positions, token type 0), so the folder must describe such a model;
anything else is refused with the config field and the supported value.  The integer
model is calibrated like the project's MiniLM (:func:`models.encoder.calibrate`,
:class:`models.int_layer.CalibConfig`) on the project's calibration texts
(:func:`models.accuracy.datasets.calibration_texts`: both halves of each), tokenized
with the folder's own tokenizer; it is saved in the cache folder (``$ESACT_CACHE_DIR``,
:mod:`models.paths`; required: a trace set names the file) under a key of the folder's
files, the calibration ids and the golden models' sources.  Nothing is downloaded.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from . import checks, paths
from .minilm import LN_EPS, MiniLM, bert_from_state, truncate_ids

CALIB_TOKENS = 128  # calibration halves are truncated like the MiniLM's (accuracy.datasets.MAX_TOKENS)
FOLDER_HINT = "a local Hugging Face model folder: config.json, *.safetensors, tokenizer.json or vocab.txt"


@dataclass(frozen=True)
class BertFolder:
    """A loaded folder: the float model, its tokenizer and what identifies it."""

    path: Path
    config: dict
    model: MiniLM
    tokenizer: object  # tokenizers.Tokenizer
    digest: str  # SHA-256 of the config, weights and tokenizer files

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def hidden(self) -> int:
        return int(self.config["hidden_size"])

    @property
    def heads(self) -> int:
        return int(self.config["num_attention_heads"])

    @property
    def ffn(self) -> int:
        return int(self.config["intermediate_size"])

    @property
    def n_layers(self) -> int:
        return len(self.model.layers)

    @property
    def head_dim(self) -> int:
        return self.hidden // self.heads

    @property
    def max_position(self) -> int:
        return int(self.model.pos.shape[0])

    def encode(self, text: str) -> np.ndarray:
        """Word-piece ids of ``text`` with the special tokens, not truncated."""
        checks.instance(text, "text", str, "a str")
        return np.asarray(self.tokenizer.encode(text).ids, np.int64)

    def tokenize(self, text: str, max_tokens: int = CALIB_TOKENS) -> np.ndarray:
        """Ids truncated to ``max_tokens`` (the last one, [SEP], kept)."""
        max_tokens = checks.integer(max_tokens, "max_tokens", 2, self.max_position)
        return truncate_ids(self.encode(text), max_tokens)


def _config(path: Path) -> dict:
    f = path / "config.json"
    if not f.is_file():
        checks.fail("model", f"{path} has no config.json ({FOLDER_HINT})")
    try:
        cfg = json.loads(f.read_text())
    except json.JSONDecodeError as exc:
        checks.fail("model", f"{f} is not JSON ({exc})")
    if not isinstance(cfg, dict):
        checks.fail("model", f"{f}: expected a JSON object")
    need = {"model_type": "bert", "hidden_act": "gelu", "position_embedding_type": "absolute"}
    for key, value in need.items():
        got = cfg.get(key, value if key == "position_embedding_type" else None)
        if got != value:
            checks.fail("model", f"config.json {key} = {got!r}; the project's BERT reference (models/minilm.py: "
                                 f"post-LayerNorm, exact GELU, absolute positions) needs {value!r}")
    eps = cfg.get("layer_norm_eps", LN_EPS)
    if not isinstance(eps, (int, float)) or abs(eps - LN_EPS) > 1e-15:
        checks.fail("model", f"config.json layer_norm_eps = {eps!r}; the float reference uses {LN_EPS}")
    for key in ("hidden_size", "num_attention_heads", "intermediate_size", "num_hidden_layers"):
        v = cfg.get(key)
        if isinstance(v, bool) or not isinstance(v, int) or v < 1:
            checks.fail("model", f"config.json {key} = {v!r}; expected an integer >= 1")
    if cfg["hidden_size"] % cfg["num_attention_heads"]:
        checks.fail("model", f"config.json hidden_size {cfg['hidden_size']} is not a multiple of "
                             f"num_attention_heads {cfg['num_attention_heads']}")
    return cfg


def _weights(path: Path) -> tuple[dict, list[Path]]:
    from safetensors.numpy import load_file

    files = sorted(path.glob("*.safetensors"))
    if not files:
        other = sorted(p.name for p in path.iterdir() if p.suffix in (".bin", ".pt", ".h5", ".msgpack"))
        checks.fail("model", f"{path} has no *.safetensors weights" + (f" (found {other}: save with "
                             "save_pretrained(..., safe_serialization=True))" if other else f" ({FOLDER_HINT})"))
    w: dict = {}
    for f in files:
        try:
            w.update(load_file(str(f)))
        except Exception as exc:  # a corrupt file or a dtype numpy has no type for (bfloat16)
            checks.fail("model", f"{f.name} could not be read as float tensors ({exc})")
    return w, files


def _tokenizer(path: Path):
    from tokenizers import Tokenizer

    if (path / "tokenizer.json").is_file():
        tok = Tokenizer.from_file(str(path / "tokenizer.json"))
        files = [path / "tokenizer.json"]
    elif (path / "vocab.txt").is_file():
        from tokenizers import BertWordPieceTokenizer

        tc = path / "tokenizer_config.json"
        lower = json.loads(tc.read_text()).get("do_lower_case", True) if tc.is_file() else True
        tok = BertWordPieceTokenizer(str(path / "vocab.txt"), lowercase=bool(lower))
        files = [path / "vocab.txt"] + ([tc] if tc.is_file() else [])
    else:
        checks.fail("model", f"{path} has no tokenizer.json or vocab.txt ({FOLDER_HINT})")
    tok.no_padding()
    tok.no_truncation()
    return tok, files


def load_folder(path: Path | str) -> BertFolder:
    """The BERT model of a local Hugging Face folder (see the module docstring).
    Raises ValueError naming ``model`` and what is missing or unsupported."""
    if not isinstance(path, (str, Path)) or not str(path):
        checks.fail("model", f"expected a folder path, got {path!r}")
    p = Path(path).expanduser().resolve()
    if not p.is_dir():
        checks.fail("model", f"{path} is not a folder ({FOLDER_HINT})")
    stamp = tuple((f.name, f.stat().st_mtime_ns, f.stat().st_size) for f in sorted(p.iterdir()) if f.is_file())
    return _load(str(p), stamp)


@lru_cache(maxsize=4)
def _load(path: str, _stamp: tuple) -> BertFolder:
    p = Path(path)
    cfg = _config(p)
    w, wfiles = _weights(p)
    prefixes = [pre for pre in ("", "bert.") if pre + "embeddings.word_embeddings.weight" in w]
    if not prefixes:
        checks.fail("model", f"{p.name}: no BERT embedding tensor (embeddings.word_embeddings.weight or "
                             "bert.embeddings.word_embeddings.weight) in the safetensors files")
    try:
        model = bert_from_state(w, cfg["num_hidden_layers"], cfg["num_attention_heads"], prefixes[0])
    except ValueError as exc:
        checks.fail("model", f"{p.name}: {exc} (config.json num_hidden_layers = {cfg['num_hidden_layers']})")
    d, f = cfg["hidden_size"], cfg["intermediate_size"]
    shapes = {"word embeddings": (model.word.shape[1], d), "layer 0 W_Q": (model.layers[0].wq.shape, (d, d)),
              "layer 0 W_1": (model.layers[0].w1.shape, (f, d))}
    for what, (got, want) in shapes.items():
        if got != want:
            checks.fail("model", f"{p.name}: {what} has shape {got}, config.json says {want}")
    tok, tfiles = _tokenizer(p)
    h = hashlib.sha256()
    for fp in [p / "config.json", *wfiles, *tfiles]:
        h.update(fp.name.encode())
        h.update(fp.read_bytes())
    return BertFolder(path=p, config=cfg, model=model, tokenizer=tok, digest=h.hexdigest())


def calibration_ids(folder: BertFolder, per_regime: int | None = None) -> list[np.ndarray]:
    """Both halves of the project's calibration texts, tokenized with the folder's
    tokenizer (at most 128 tokens, or the model's max_position when smaller)."""
    from .accuracy import datasets

    checks.instance(folder, "folder", BertFolder, "a BertFolder (load_folder)")
    per_regime = datasets.CALIB_PER_REGIME if per_regime is None else checks.integer(per_regime, "per_regime", 1)
    n = min(CALIB_TOKENS, folder.max_position)
    ids = []
    for t in datasets.calibration_texts(per_regime):
        ids += [folder.tokenize(t.first, n), folder.tokenize(t.second, n)]
    return ids


def _sources_key() -> str:
    from .weights import model_sources

    h = hashlib.sha256()
    for f in model_sources():
        h.update(f.read_bytes())
    return h.hexdigest()[:12]


def int_model_path(folder: BertFolder, per_regime: int | None = None) -> Path:
    """The integer model of ``folder`` calibrated on :func:`calibration_ids`, saved as
    ``IntModel.to_arrays`` in the cache folder (computed on first use, then reused);
    ValueError naming ``ESACT_CACHE_DIR`` when no cache folder is set."""
    from .encoder import calibrate
    from .int_layer import CalibConfig

    import sys

    checks.instance(folder, "folder", BertFolder, "a BertFolder (load_folder)")
    cache = paths.require_cache_dir(f"the integer model of {folder.name}")
    # the calibration texts are determined by the sources (the benchmark's corpus and
    # datasets) and the Python version (the corpus is the standard library's prose)
    key = f"{folder.digest}|{per_regime}|{CalibConfig()!r}|{_sources_key()}|{sys.version_info[:3]}"
    path = cache / f"int_model_folder_{folder.name[:40]}_{hashlib.sha256(key.encode()).hexdigest()[:16]}.npz"
    if not path.exists():
        import torch

        threads = torch.get_num_threads()
        torch.set_num_threads(1)  # many small float passes: a thread pool only adds contention
        try:
            im = calibrate(calibration_ids(folder, per_regime), CalibConfig(), model=folder.model)
        finally:
            torch.set_num_threads(threads)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.stem + f".{__import__('os').getpid()}.tmp.npz")
        np.savez(tmp, **im.to_arrays())
        tmp.replace(path)
    return path


def int_model(folder: BertFolder, per_regime: int | None = None):
    """The calibrated integer model of ``folder`` (:func:`int_model_path`)."""
    from .encoder import IntModel

    with np.load(int_model_path(folder, per_regime)) as z:
        return IntModel.from_arrays({k: z[k] for k in z.files})
