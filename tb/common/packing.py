"""Packing of lane vectors into bus words and back (lane 0 in the least significant bits)."""

from __future__ import annotations


def pack(values, width: int) -> int:
    mask = (1 << width) - 1
    word = 0
    for lane, v in enumerate(values):
        word |= (int(v) & mask) << (lane * width)
    return word


def unpack(word: int, width: int, lanes: int, signed: bool = False) -> list[int]:
    mask = (1 << width) - 1
    out = []
    for lane in range(lanes):
        v = (word >> (lane * width)) & mask
        if signed and v >> (width - 1):
            v -= 1 << width
        out.append(v)
    return out


def bits_to_list(word: int, n: int) -> list[bool]:
    return [bool((word >> i) & 1) for i in range(n)]


def list_to_bits(flags) -> int:
    word = 0
    for i, f in enumerate(flags):
        if f:
            word |= 1 << i
    return word
