"""Base sequence item of a stream: one beat, converted to/from bus field values."""

from __future__ import annotations

from pyuvm import uvm_sequence_item


class StreamItem(uvm_sequence_item):
    """A transaction carried by one beat.

    Subclasses implement :meth:`to_beat` and :meth:`from_beat` for their fields.
    The monitor adds ``stall_cycles`` (cycles the item's beats waited with valid high
    and ready low) and ``gap_cycles`` (idle cycles before its first beat) so coverage
    can see back-pressure; ``index`` is the item's position on its interface.
    """

    def __init__(self, name: str = "stream_item"):
        super().__init__(name)
        self.stall_cycles = 0
        self.gap_cycles = 0
        self.index = -1

    def to_beat(self) -> dict[str, int]:
        raise NotImplementedError

    @classmethod
    def from_beat(cls, beat: dict[str, int]) -> "StreamItem":
        raise NotImplementedError

    # Packet items (several beats, the last one flagged by the ``last`` field) override
    # these two; single-beat items keep the defaults.
    def to_beats(self) -> list[dict[str, int]]:
        return [self.to_beat()]

    @classmethod
    def from_beats(cls, beats: list[dict[str, int]]) -> "StreamItem":
        if len(beats) != 1:
            raise ValueError(f"{cls.__name__} is a single-beat item, got {len(beats)} beats")
        return cls.from_beat(beats[0])
