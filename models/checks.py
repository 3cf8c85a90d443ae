"""Argument checks of the golden model's public entries.

Every check raises ``ValueError("<parameter>: <what is wrong> <legal range>")``, e.g.
``ids: token id -3 outside [0, 30521]``, and returns the value in the form the caller
computes with (int, float, int64 or float64 array).  Each check is O(1) or one pass
over the array (dtype, shape, min/max, isfinite).
"""

from __future__ import annotations

import math
from typing import NoReturn

import numpy as np

INT64_MIN, INT64_MAX = int(np.iinfo(np.int64).min), int(np.iinfo(np.int64).max)


def fail(name: str, msg: str) -> NoReturn:
    raise ValueError(f"{name}: {msg}")


def interval(lo=None, hi=None, lo_open: bool = False, hi_open: bool = False) -> str:
    """The legal range as text: ``[0, 1]``, ``(0, 1]``, ``>= 1``."""
    if hi is None:
        return f"{'>' if lo_open else '>='} {lo}"
    if lo is None:
        return f"{'<' if hi_open else '<='} {hi}"
    return f"{'(' if lo_open else '['}{lo}, {hi}{')' if hi_open else ']'}"


def _inside(v, lo, hi, lo_open, hi_open) -> bool:
    return ((lo is None or (v > lo if lo_open else v >= lo))
            and (hi is None or (v < hi if hi_open else v <= hi)))


def _outside(v, lo, hi, lo_open=False, hi_open=False) -> str:
    """``5 outside [1, 4]`` or ``0 is not >= 1``."""
    rng = interval(lo, hi, lo_open, hi_open)
    return f"{v} outside {rng}" if lo is not None and hi is not None else f"{v} is not {rng}"


def _legal(lo, hi, lo_open=False, hi_open=False) -> str:
    """``in [1, 4]``, ``>= 1`` or nothing."""
    if lo is None and hi is None:
        return ""
    rng = interval(lo, hi, lo_open, hi_open)
    return f" in {rng}" if lo is not None and hi is not None else f" {rng}"


def _name_of(value) -> str:
    return type(value).__name__


# ----------------------------------------------------------------------------------
# scalars
# ----------------------------------------------------------------------------------
def integer(value, name: str, lo: int | None = None, hi: int | None = None) -> int:
    """A Python or numpy integer (not a bool) in [lo, hi]."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        fail(name, f"expected an integer{_legal(lo, hi)}, got {value!r} ({_name_of(value)})")
    if not _inside(value, lo, hi, False, False):
        fail(name, _outside(value, lo, hi))
    return int(value)


def real(value, name: str, lo=None, hi=None, lo_open: bool = False, hi_open: bool = False) -> float:
    """A finite real number (int or float, not a bool) in the given interval."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
        fail(name, f"expected a real number{_legal(lo, hi, lo_open, hi_open)}, got {value!r} ({_name_of(value)})")
    try:
        v = float(value)
    except OverflowError:  # an int beyond the float range
        v = math.inf
    if not math.isfinite(v) or not _inside(v, lo, hi, lo_open, hi_open):
        fail(name, _outside(v, lo, hi, lo_open, hi_open))
    return v


def flag(value, name: str) -> bool:
    """A bool (Python or numpy)."""
    if not isinstance(value, (bool, np.bool_)):
        fail(name, f"expected True or False, got {value!r} ({_name_of(value)})")
    return bool(value)


def choice(value, name: str, choices: tuple):
    """One of the strings ``choices``."""
    if not isinstance(value, str) or value not in choices:
        fail(name, f"{value!r} is not one of {choices}")
    return value


def instance(value, name: str, types, what: str):
    """``value`` if it is an instance of ``types``; ``what`` describes them."""
    if not isinstance(value, types):
        fail(name, f"expected {what}, got {_name_of(value)}")
    return value


def trace_dict(value, name: str) -> dict | None:
    """An optional dict the caller fills (traces of intermediates)."""
    return None if value is None else instance(value, name, dict, "a dict or None")


def trace_list(value, name: str) -> list | None:
    """An optional list the caller fills (per-layer traces)."""
    return None if value is None else instance(value, name, list, "a list or None")


# ----------------------------------------------------------------------------------
# arrays
# ----------------------------------------------------------------------------------
def _array(x, name: str) -> np.ndarray:
    if isinstance(x, (str, bytes)):
        fail(name, f"expected an array of numbers, got a {_name_of(x)}")
    try:
        return np.asarray(x)
    except (TypeError, ValueError, OverflowError, RuntimeError) as exc:  # ragged lists, huge ints, tensors with grad
        fail(name, f"not an array of numbers ({exc})")


def int_dtype(x, name: str) -> np.ndarray:
    """``x`` as an array of an integer dtype, unconverted (O(1))."""
    arr = _array(x, name)
    if arr.dtype.kind not in "iu":
        fail(name, f"expected integers, got dtype {arr.dtype}")
    return arr


def int_array(x, name: str, bits: int | None = None, lo: int | None = None, hi: int | None = None) -> np.ndarray:
    """An int64 array of integers, every value in the signed ``bits`` range or in
    [lo, hi] when given.  Floats are refused even when integral: a NaN has no integer
    value."""
    arr = _array(x, name)
    if bits is not None:
        lo, hi = -(1 << (bits - 1)), (1 << (bits - 1)) - 1
    lo = INT64_MIN if lo is None else lo
    hi = INT64_MAX if hi is None else hi
    if arr.dtype.kind not in "iu":
        fail(name, f"expected integers in {_int_range(bits, lo, hi)}, got dtype {arr.dtype}")
    if arr.size and (lo > INT64_MIN or hi < INT64_MAX or arr.dtype == np.uint64):
        for v in (int(arr.min()), int(arr.max())):
            if not lo <= v <= hi:
                fail(name, f"value {v} outside {_int_range(bits, lo, hi)}")
    return arr.astype(np.int64, copy=False)


def _int_range(bits, lo, hi) -> str:
    return f"the INT{bits} range [{lo}, {hi}]" if bits is not None else interval(lo, hi)


def real_array(x, name: str) -> np.ndarray:
    """A float64 array of finite real numbers (integers and floats; no NaN or inf)."""
    arr = _array(x, name)
    if arr.dtype.kind not in "iuf":
        fail(name, f"expected real numbers, got dtype {arr.dtype}")
    arr = arr.astype(np.float64, copy=False)
    bad = ~np.isfinite(arr)
    if bad.any():
        first = tuple(int(i) for i in np.argwhere(bad)[0])
        fail(name, f"{int(bad.sum())} NaN/inf value(s), the first {arr[first]} at index {first}; "
                   "finite values only")
    return arr


def scale(s, name: str, like: np.ndarray | None = None) -> np.ndarray:
    """A quantization scale: finite and > 0, a scalar or an array that broadcasts
    against ``like`` (per channel on the last axis)."""
    arr = real_array(s, name)
    if arr.size == 0:
        fail(name, "expected a scale (a number or per-channel numbers), got an empty array")
    if np.any(arr <= 0):
        fail(name, f"must be > 0, got {arr[arr <= 0][:4]}")
    if like is not None:
        try:
            np.broadcast_shapes(np.shape(like), arr.shape)
        except ValueError:
            fail(name, f"shape {arr.shape} does not broadcast against the data's shape {np.shape(like)}")
    return arr


def rows(arr: np.ndarray, name: str, cols: int, max_rows: int, limit_what: str) -> int:
    """T of a (T, cols) array, 1 <= T <= max_rows; ``limit_what`` names the limit."""
    if arr.ndim != 2 or arr.shape[1] != cols:
        fail(name, f"expected shape (T, {cols}), got {arr.shape}")
    T = arr.shape[0]
    if not 1 <= T <= max_rows:
        fail(name, f"{T} rows (tokens); T must be in [1, {max_rows}] ({limit_what})")
    return T


def token_ids(ids, name: str, vocab: int, max_len: int, limit_what: str) -> np.ndarray:
    """Token ids: a 1-D integer sequence of 1..max_len ids in [0, vocab - 1] (int64).
    ``limit_what`` names the length limit, e.g. "the model's max_position"."""
    if isinstance(ids, str):
        fail(name, "expected a 1-D sequence of integer token ids, got a str (tokenize(text) gives the ids)")
    arr = _array(ids, name)
    if arr.ndim != 1:
        fail(name, f"expected a 1-D sequence of integer token ids, got shape {arr.shape}")
    if arr.size == 0:  # before the dtype: [] is a float64 array
        fail(name, f"0 tokens; T must be in [1, {max_len}] ({limit_what})")
    if arr.dtype.kind not in "iu":
        fail(name, f"expected integer token ids in [0, {vocab - 1}], got dtype {arr.dtype}")
    if arr.size > max_len:
        fail(name, f"{arr.size} tokens, more than {limit_what} {max_len}")
    for v in (arr.min(), arr.max()):
        if not 0 <= v < vocab:
            fail(name, f"token id {v} outside [0, {vocab - 1}]")
    return arr.astype(np.int64, copy=False)
