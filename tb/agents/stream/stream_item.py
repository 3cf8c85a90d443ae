"""Base sequence item of a stream: one beat, converted to/from bus field values."""

from __future__ import annotations

from pyuvm import uvm_sequence_item


class StreamItem(uvm_sequence_item):
    """A transaction carried by one beat.

    Subclasses implement :meth:`to_beat` and :meth:`from_beat` for their fields.
    The monitor adds ``stall_cycles`` (cycles the beat waited with valid high and
    ready low) and ``gap_cycles`` (idle cycles before valid rose) so coverage can
    see back-pressure; ``index`` is the beat's position on its interface.
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
