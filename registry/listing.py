"""A bulk file's listing: the study files' names, sorted, packed in one buffer.

The registry's bulk zip has ~600,000 entries, and a load holds their names from its start
to its end. As a ``list`` of ``str`` each name costs a 72-byte object and a pointer beside
its ~20 characters; packed here, its UTF-8 bytes and one offset (measured 2026-12-06:
listing 600,000 entries left the writer 83 MB bigger with the names as a list, 46 MB
packed, the zip's numbers included).

>>> names = PackedNames(["00/NCT00000100.json", "01/NCT00000101.json"])
>>> names[1], len(names), names.index("00/NCT00000100.json")
('01/NCT00000101.json', 2, 0)
>>> names.after("00/NCT00000100.json")
1
"""

from __future__ import annotations

from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Sequence
from itertools import accumulate, pairwise
from typing import overload


class PackedNames(Sequence[str]):
    """``names``, which must come sorted, as one read-only sequence; a lookup bisects it.

    Built without a Python object per name that outlives the call, so the names leave no
    heap behind them.
    """

    __slots__ = ("_blob", "_starts")

    def __init__(self, names: Iterable[str]) -> None:
        listed = names if isinstance(names, Sequence) else list(names)
        if any(earlier > later for earlier, later in pairwise(listed)):
            raise ValueError("names must come sorted")
        self._blob = "".join(listed).encode()
        self._starts = array("q", accumulate((_utf8_length(name) for name in listed), initial=0))

    def __len__(self) -> int:
        return len(self._starts) - 1

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> list[str]: ...

    def __getitem__(self, index: int | slice) -> str | list[str]:
        if isinstance(index, slice):
            return [self[at] for at in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError("name index out of range")
        return self._blob[self._starts[index] : self._starts[index + 1]].decode()

    def __iter__(self) -> Iterator[str]:
        return (self[at] for at in range(len(self)))

    def index(self, name: object, start: int = 0, stop: int | None = None) -> int:
        """Where ``name`` is, found by bisection (``ValueError`` when it is not there)."""
        if isinstance(name, str):
            at = bisect_left(self, name, start, len(self) if stop is None else stop)
            if at < len(self) and self[at] == name:
                return at
        raise ValueError(f"{name!r} is not listed")

    def __contains__(self, name: object) -> bool:
        try:
            self.index(name)
        except ValueError:
            return False
        return True

    def after(self, name: str) -> int:
        """The place of the first name that sorts after ``name``."""
        return bisect_right(self, name)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, PackedNames):
            return self._blob == other._blob and self._starts == other._starts
        if isinstance(other, Sequence) and not isinstance(other, str):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"PackedNames({len(self):,} names)"


def _utf8_length(name: str) -> int:
    return len(name) if name.isascii() else len(name.encode())
