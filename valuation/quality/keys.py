"""Duplicate keys across a whole table read in chunks (一致性: a key identifies one record).

Each record with a complete key contributes a 64-bit hash of its key and its record number. After the
last chunk, records are grouped by hash; within a group the first record (lowest number) is the
original and every later one is a duplicate. Two different keys share a 64-bit hash with probability
about n² / 2⁶⁵ (3 × 10⁻⁶ for 10 million records): negligible, and stated in the report.

The store is an interface: :class:`MemoryKeyCounter` keeps the pairs in memory (16 bytes a record);
the shell has a disk-backed one that partitions by hash so memory stays bounded on any size.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

from .result import MAX_EXAMPLES


class KeyCounter(Protocol):
    """Receives (hash, record number) pairs in record order; counts duplicates at the end."""

    def add(self, hashes: np.ndarray, records: np.ndarray) -> None:
        """``hashes`` uint64 (n,), ``records`` int64 (n,), both in increasing record order."""

    def duplicates(self) -> tuple[int, tuple[int, ...]]:
        """(number of duplicate records, the first few duplicate record numbers)."""


def count_duplicates(hashes: np.ndarray, records: np.ndarray) -> tuple[int, np.ndarray]:
    """Duplicates among pairs given in record order: (count, sorted record numbers of the first few)."""
    if hashes.size == 0:
        return 0, np.empty(0, dtype=np.int64)
    order = np.argsort(hashes, kind="stable")  # stable: within a hash, records stay in order
    h = hashes[order]
    dup = np.zeros(h.size, dtype=bool)
    dup[1:] = h[1:] == h[:-1]
    return int(dup.sum()), np.sort(records[order][dup])[:MAX_EXAMPLES]


class MemoryKeyCounter:
    """Keeps every pair in memory (16 bytes a record)."""

    def __init__(self) -> None:
        self._hashes: list[np.ndarray] = []
        self._records: list[np.ndarray] = []

    def add(self, hashes: np.ndarray, records: np.ndarray) -> None:
        self._hashes.append(np.asarray(hashes, dtype=np.uint64))
        self._records.append(np.asarray(records, dtype=np.int64))

    def duplicates(self) -> tuple[int, tuple[int, ...]]:
        if not self._hashes:
            return 0, ()
        n, first = count_duplicates(np.concatenate(self._hashes), np.concatenate(self._records))
        return n, tuple(int(r) for r in first)
