"""A plain progress bar on stderr for long runs (no dependency; silent when stderr is not a terminal)."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class ProgressBar:
    """Call with (done, total); draws ``label [#####.....] 45% 4,500/10,000 3.2 s``."""

    def __init__(self, label: str, *, stream: TextIO | None = None, force: bool = False, width: int = 30):
        self.label = label
        self.stream = stream or sys.stderr
        self.enabled = force or self.stream.isatty()
        self.width = width
        self.start = time.perf_counter()

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled or total <= 0:
            return
        frac = done / total
        bar = "#" * int(frac * self.width)
        elapsed = time.perf_counter() - self.start
        end = "\n" if done >= total else ""
        self.stream.write(
            f"\r{self.label} [{bar:<{self.width}}] {frac:4.0%} {done:,}/{total:,} {elapsed:.1f} s{end}"
        )
        self.stream.flush()
