"""Which lines hold any of a fixed set of stems (substrings), found in bulk.

Why not one `str.find` per stem: the cleaner looks for a dozen stems in a few thousand
characters of every page, and a dozen full scans cost more than the rest of the step.
Here every 4-byte window of the lines' UTF-8 bytes is hashed at once with numpy and looked
up in a table of the stems' first four bytes; only the few windows that pass are checked
with `bytes.startswith`. UTF-8 is self-synchronising, so a byte match of an encoded stem
is exactly a character match of the stem.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

# Bytes of a stem's prefix that are hashed, and the size of the hash table (bits).
PREFIX_BYTES = 4
_TABLE_BITS = 16
_MULTIPLIER = np.uint32(0x9E3779B1)  # Knuth's multiplicative hash (2^32 / golden ratio)
_SHIFT = np.uint32(32 - _TABLE_BITS)
_NEWLINE = ord("\n")


def _hash(windows: npt.NDArray[np.uint32]) -> npt.NDArray[np.uint32]:
    """Table slot of each little-endian 4-byte window (wrapping multiply, top bits),
    computed in place: `windows` is overwritten."""
    windows *= _MULTIPLIER
    windows >>= _SHIFT
    return windows


@dataclass(frozen=True, slots=True)
class StemFinder:
    """The stems by their first four bytes, and which hash slots those prefixes take."""

    by_prefix: dict[bytes, tuple[bytes, ...]]
    slots: npt.NDArray[np.bool_]

    @classmethod
    def of(cls, stems: tuple[str, ...]) -> StemFinder:
        """A finder for `stems` (each at least four bytes long in UTF-8)."""
        by_prefix: dict[bytes, tuple[bytes, ...]] = {}
        for stem in stems:
            encoded = stem.encode("utf-8")
            if len(encoded) < PREFIX_BYTES:
                msg = f"stem {stem!r} is shorter than {PREFIX_BYTES} bytes"
                raise ValueError(msg)
            prefix = encoded[:PREFIX_BYTES]
            by_prefix[prefix] = (*by_prefix.get(prefix, ()), encoded)
        keys = np.frombuffer(b"".join(by_prefix), dtype="<u4").astype(np.uint32)
        slots = np.zeros(1 << _TABLE_BITS, dtype=bool)
        slots[_hash(keys)] = True
        slots.flags.writeable = False
        return cls(by_prefix, slots)

    def rows_with(self, lines: list[str]) -> list[int]:
        """Indexes of the lines (none holding a newline) that contain any stem, in order."""
        return sorted({row for row, _ in self.stems_in(lines)})

    def stems_in(self, lines: list[str]) -> list[tuple[int, bytes]]:
        """(line index, UTF-8 stem) for every occurrence of a stem in the lines (none
        holding a newline), in text order: which stem it is, so a caller looking for
        several kinds at once need not search the line again."""
        data = "\n".join(lines).encode("utf-8")
        if len(data) < PREFIX_BYTES:
            return []
        # Every 4-byte window as one little-endian integer (an unaligned view, no copy).
        windows = np.ndarray(
            (len(data) - PREFIX_BYTES + 1,), dtype="<u4", buffer=data, strides=(1,)
        )
        maybe = self.slots.take(_hash(windows.astype(np.uint32))).nonzero()[0].tolist()
        get = self.by_prefix.get
        found = [
            (at, stem)
            for at in maybe
            for stem in get(data[at : at + PREFIX_BYTES], ())
            if data.startswith(stem, at)
        ]
        if not found:
            return []
        newlines = (np.frombuffer(data, dtype=np.uint8) == _NEWLINE).nonzero()[0]
        rows = np.searchsorted(newlines, [at for at, _ in found]).tolist()
        return list(zip(rows, (stem for _, stem in found), strict=True))
