"""Per-layer SPLS schedules: one :class:`~models.spls.SplsConfig` per encoder layer.

A schedule says, for every layer of the encoder, whether it runs dense (no prediction
either: ``SplsConfig("dense")``) or sparse and with which setting (keep ratio, window,
overlap threshold, FFN reuse), or one of the baselines (``topk``, ``sanger``).  The
golden model (:func:`models.encoder.encode_int`), ``make accuracy``, the vectors, the
esact_top sequences and program generator, the cycle model and ``make bench`` take a
schedule; a single :class:`SplsConfig` is the uniform schedule of that setting.

The project's default schedule is committed as ``vectors/schedules/default.json``
(found by ``python -m models.accuracy.allocate``, see ``docs/accuracy.md``); JSON form::

    {"name": "...", "weights": "base" | "finetuned",
     "layers": [{"scheme": "dense"}, ..., {"scheme": "spls", "keep_ratio": 0.25, ...}],
     ... (provenance: objective, budget, measured figures)}

Every key of a layer entry is a field of :class:`SplsConfig`; missing ones take its
defaults.  The labels are compact and unique: the setting's own label for a uniform schedule,
else the per-layer labels joined by ``|`` (``d`` for dense), unless a name is given.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Iterable, Sequence

from . import checks
from .spls import SplsConfig

N_LAYERS = 6
SCHEDULE_DIR = Path(__file__).resolve().parents[1] / "vectors" / "schedules"
DEFAULT_SCHEDULE_FILE = SCHEDULE_DIR / "default.json"
WEIGHTS = ("base", "finetuned")
_CFG_FIELDS = {f.name for f in fields(SplsConfig)}


def _cfg_from(d, name: str = "layers") -> SplsConfig:
    """A layer setting from a SplsConfig, a dict of its fields or 'dense' ('d')."""
    if isinstance(d, SplsConfig):
        return d
    if isinstance(d, str):
        if d in ("d", "dense"):
            return SplsConfig("dense")
        checks.fail(name, f"a string entry must be 'dense', got {d!r}")
    if not isinstance(d, dict):
        checks.fail(name, f"an entry must be a SplsConfig, a dict of its fields or 'dense', got {type(d).__name__}")
    unknown = {k for k in d if k not in _CFG_FIELDS}
    if unknown:
        checks.fail(name, f"unknown SplsConfig field(s) {sorted(map(str, unknown))} (known: {sorted(_CFG_FIELDS)})")
    return SplsConfig(**d)


@dataclass(frozen=True)
class Schedule:
    """One setting per layer (``layers[i]`` runs layer ``i``)."""

    layers: tuple[SplsConfig, ...]
    name: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.layers, (list, tuple)):
            checks.fail("layers", f"expected a list or tuple of layer settings, got {type(self.layers).__name__}")
        layers = tuple(_cfg_from(c, f"layers[{i}]") for i, c in enumerate(self.layers))
        object.__setattr__(self, "layers", layers)
        if not layers:
            checks.fail("layers", "a schedule needs at least one layer setting")
        pw = {c.pred_weight for c in layers}
        if len(pw) > 1:
            checks.fail("layers", f"every layer must use the same pred_weight (cost model), got {sorted(pw)}")
        if self.name is not None and not isinstance(self.name, str):
            checks.fail("name", f"expected a str or None, got {type(self.name).__name__}")

    # ------------------------------------------------------------------ constructors
    @classmethod
    def uniform(cls, cfg: SplsConfig, n_layers: int = N_LAYERS, name: str | None = None) -> "Schedule":
        n_layers = checks.integer(n_layers, "n_layers", 1)
        return cls(tuple([_cfg_from(cfg, "cfg")] * n_layers), name)

    @classmethod
    def of(cls, spec, n_layers: int = N_LAYERS) -> "Schedule":
        """A schedule from a Schedule, a SplsConfig (uniform), a list of per-layer
        settings, or the dict/JSON form (see the module docstring)."""
        if isinstance(spec, Schedule):
            return spec
        if isinstance(spec, SplsConfig):
            return cls.uniform(spec, n_layers)
        if isinstance(spec, str):
            try:
                spec = json.loads(spec)
            except json.JSONDecodeError as exc:
                checks.fail("schedule", f"a string must be the JSON form, got {spec[:40]!r} ({exc})")
        if isinstance(spec, dict):
            if "layers" in spec:
                return cls(spec["layers"], spec.get("name"))
            return cls.uniform(_cfg_from(spec, "schedule"), n_layers)  # one config dict: uniform
        if isinstance(spec, (list, tuple)):
            return cls(tuple(spec))
        checks.fail("schedule",
                    f"expected a Schedule, SplsConfig, list, dict or JSON string, got {type(spec).__name__}")

    @classmethod
    def load(cls, path: Path | str) -> "Schedule":
        p = Path(path)
        if not p.is_file():
            checks.fail("path", f"schedule file {p} does not exist")
        try:
            spec = json.loads(p.read_text())
        except json.JSONDecodeError as exc:
            checks.fail("path", f"{p} is not JSON ({exc})")
        if not isinstance(spec, (dict, list)):
            checks.fail("path", f"{p}: expected a JSON object or list, got {type(spec).__name__}")
        return cls.of(spec)

    # ------------------------------------------------------------------ views
    def __len__(self) -> int:
        return len(self.layers)

    def __getitem__(self, i: int) -> SplsConfig:
        return self.layers[i]

    def __iter__(self):
        return iter(self.layers)

    def for_layers(self, n_layers: int) -> "Schedule":
        """This schedule checked against a model of ``n_layers`` layers (a uniform one
        is stretched; a per-layer one must match)."""
        n_layers = checks.integer(n_layers, "n_layers", 1)
        if len(self.layers) == n_layers:
            return self
        if self.is_uniform:
            return Schedule.uniform(self.layers[0], n_layers, self.name)
        checks.fail("schedule", f"{len(self.layers)} layer settings, the model has {n_layers} layers "
                                "(a per-layer schedule must match; a uniform one is stretched)")

    @property
    def is_uniform(self) -> bool:
        return all(c == self.layers[0] for c in self.layers)

    @property
    def is_dense(self) -> bool:
        return all(c.scheme == "dense" for c in self.layers)

    @property
    def pred_weight(self) -> float:
        return self.layers[0].pred_weight

    @property
    def schemes(self) -> set[str]:
        return {c.scheme for c in self.layers}

    @property
    def family(self) -> str:
        """dense, uniform SPLS, per-layer SPLS, or the baseline's scheme."""
        non_dense = {c.scheme for c in self.layers if c.scheme != "dense"}
        if not non_dense:
            return "dense"
        if non_dense != {"spls"}:
            return "+".join(sorted(non_dense))
        return "uniform" if self.is_uniform else "per-layer"

    @property
    def label(self) -> str:
        """The name if given, else :attr:`key`."""
        return self.name or self.key

    @property
    def key(self) -> str:
        """The settings' own label (names ignored): report rows and tolerances use it."""
        if self.is_uniform:
            return self.layers[0].label
        return "|".join(short_label(c) for c in self.layers)

    def as_dict(self) -> dict:
        return {"name": self.name, "layers": [layer_dict(c) for c in self.layers]}

    def to_json(self) -> str:
        return json.dumps(self.as_dict())


def layer_dict(cfg: SplsConfig) -> dict:
    """The fields of ``cfg`` that differ from :class:`SplsConfig`'s defaults (+ scheme)."""
    d = cfg.as_dict()
    base = SplsConfig().as_dict()
    return {k: v for k, v in d.items() if k == "scheme" or v != base[k]}


def short_label(cfg: SplsConfig) -> str:
    if cfg.scheme == "dense":
        return "d"
    if cfg.scheme == "spls":
        kk = f"k{cfg.k}" if cfg.k is not None else f"r{cfg.keep_ratio:g}"
        thr = f"thr{cfg.thr}" if cfg.thr is not None else f"t{cfg.tau:g}"
        ffn = "" if cfg.ffn_reuse and cfg.ffn_tau is None else ("n" if not cfg.ffn_reuse else f"f{cfg.ffn_tau:g}")
        return f"{kk}w{cfg.window}{thr}{ffn}"
    return cfg.label


def default_schedule(path: Path | None = None) -> Schedule:
    """The committed default schedule (``vectors/schedules/default.json``)."""
    return Schedule.load(path or DEFAULT_SCHEDULE_FILE)


def default_weights(path: Path | None = None) -> str:
    """Which weights the default point uses (``base`` or ``finetuned``), from the file."""
    p = Path(path or DEFAULT_SCHEDULE_FILE)
    if not p.exists():
        return "base"
    w = json.loads(p.read_text()).get("weights", "base")
    if w not in WEIGHTS:
        raise ValueError(f"{p}: weights must be one of {WEIGHTS}, got {w!r}")
    return w


def as_schedules(specs: Iterable, n_layers: int = N_LAYERS) -> list[Schedule]:
    return [Schedule.of(s, n_layers) for s in specs]


def prefix_key(s: Schedule, upto: int) -> tuple:
    """Hashable identity of the first ``upto`` layer settings."""
    return tuple(s.layers[:upto])


def check_schedule_len(s: Schedule, layers: Sequence) -> Schedule:
    return s.for_layers(len(layers))


# ----------------------------------------------------------------------------------
# Schedules by name, label or file (make trace's SPLS=...)
# ----------------------------------------------------------------------------------
# The aggressive operating point of `make bench` (the make accuracy sweep point whose RTL
# MAC cut on the 128-token bench input is >= 50 % on every layer)
AGGRESSIVE_SPLS = SplsConfig("spls", keep_ratio=0.5, window=4, tau=0.6, ffn_reuse=True)
NAMED_POINTS = ("default", "aggressive")


def named_schedule(name: str) -> Schedule:
    """``default`` (the committed ``vectors/schedules/default.json``) or ``aggressive``
    (uniform :data:`AGGRESSIVE_SPLS`)."""
    checks.choice(name, "name", NAMED_POINTS)
    if name == "default":
        return default_schedule()
    return Schedule.uniform(AGGRESSIVE_SPLS)


_LONG_LABEL = r"spls_(?P<kk>r[0-9.]+|k[0-9]+)_w(?P<w>[0-9]+)_t(?P<tau>[0-9.]+)(?P<ffn>_noffn|_ft[0-9.]+)?"
_SHORT_LABEL = r"(?P<kk>r[0-9.]+|k[0-9]+)w(?P<w>[0-9]+)(?P<thr>t[0-9.]+|thr[0-9]+)(?P<ffn>n|f[0-9.]+)?"


def _number(text: str, what: str, label: str):
    try:
        return int(text) if text.isdigit() else float(text)
    except ValueError:
        checks.fail("label", f"{label!r}: {what} {text!r} is not a number")


def config_from_label(label: str) -> SplsConfig:
    """The setting of a label: ``dense``/``d``, :attr:`SplsConfig.label` of an SPLS
    setting (``spls_r0.25_w4_t0.75``, ``spls_k8_w4_t0.75_noffn``, ``..._ft0.9``) or its
    short form in per-layer keys (``r0.25w4t0.75``, ``k8w4thr3n``, ``..f0.9``)."""
    import re

    checks.instance(label, "label", str, "a str")
    if label in ("d", "dense"):
        return SplsConfig("dense")
    m = re.fullmatch(_LONG_LABEL, label) or re.fullmatch(_SHORT_LABEL, label)
    if m is None:
        checks.fail("label", f"{label!r} is not a setting label (dense, d, spls_r0.25_w4_t0.75, r0.25w4t0.75, "
                             "k8w4thr3n, ...)")
    g = m.groupdict()
    kw: dict = {"window": int(g["w"])}
    kk = g["kk"]
    kw["k" if kk[0] == "k" else "keep_ratio"] = _number(kk[1:], "k" if kk[0] == "k" else "keep ratio", label)
    thr = g.get("thr") or ("t" + g["tau"])
    if thr.startswith("thr"):
        kw["thr"] = int(thr[3:])
    else:
        kw["tau"] = float(_number(thr[1:], "tau", label))
    ffn = g["ffn"] or ""
    if ffn in ("n", "_noffn"):
        kw["ffn_reuse"] = False
    elif ffn:
        kw["ffn_tau"] = float(_number(ffn.lstrip("_ft"), "ffn_tau", label))
    if "keep_ratio" in kw:
        kw["keep_ratio"] = float(kw["keep_ratio"])
    try:
        return SplsConfig("spls", **kw)
    except ValueError as exc:
        checks.fail("label", f"{label!r}: {exc}")


def schedule_from_spec(spec: str) -> Schedule:
    """A schedule named by ``spec``: ``default`` or ``aggressive`` (:func:`named_schedule`),
    a schedule JSON file (path) or JSON text (see the module docstring), a setting label
    (uniform, :func:`config_from_label`) or a per-layer key (labels joined by ``|``, as
    :attr:`Schedule.key`)."""
    checks.instance(spec, "spec", str, "a str")
    spec = spec.strip()
    if not spec:
        checks.fail("spec", "empty; one of default, aggressive, a label or a schedule JSON file")
    if spec in NAMED_POINTS:
        return named_schedule(spec)
    if spec[0] in "{[":  # the JSON form itself
        return Schedule.of(spec)
    if spec.endswith(".json") or Path(spec).is_file():
        return Schedule.load(spec)
    try:
        if "|" in spec:
            return Schedule(tuple(config_from_label(p) for p in spec.split("|")))
        return Schedule.uniform(config_from_label(spec))
    except ValueError as exc:
        checks.fail("spec", f"{spec!r}: not default, aggressive, a schedule JSON file or a label ({exc})")
