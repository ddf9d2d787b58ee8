"""What every command shares: exit codes, JSON printing, argument types."""

from __future__ import annotations

import argparse
import json
from datetime import date
from pathlib import Path
from typing import Any

from base.ranges import EARLIEST_DATE, LATEST_DATE, date_range_message

EXIT_OK, EXIT_REFUSED, EXIT_PARTIAL, EXIT_UNEXPECTED = 0, 2, 3, 1
MAX_DRAWS = 1_000_000  # Monte Carlo draws per asset a command accepts


def check_output(output: str | None, suffixes: tuple[str, ...] = ()) -> Path | None:
    """The ``-o`` path, refused before any work when it could not be written: a folder, a missing or
    read-only folder, or (with ``suffixes``) a suffix the command does not write. None without -o."""
    from base.errors import InvalidInput
    from cli.io import check_destination

    if not output:
        return None
    out = Path(output)
    if suffixes and out.suffix.lower() not in suffixes:
        raise InvalidInput(f"输出格式不符 -o writes {' or '.join(suffixes)}, got {out.name}")
    check_destination(out)
    return out


def check_period(period_start: date | None, as_of: date | None) -> None:
    """Refuse a period that starts after its end (``--period-start`` after ``--as-of``)."""
    from base.errors import InvalidInput

    if period_start is not None and as_of is not None and period_start > as_of:
        raise InvalidInput(f"期间起点晚于截止日 --period-start {period_start} is after --as-of {as_of}: "
                           "the period must start on or before the balance-sheet date", field="--period-start")


def dump(obj: Any) -> str:
    """JSON text, UTF-8 characters kept (Chinese labels stay readable)."""
    return json.dumps(obj, ensure_ascii=False, indent=2, default=str)


def iso_date(text: str) -> date:
    """argparse type for YYYY-MM-DD."""
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"应为日期 YYYY-MM-DD expected a date YYYY-MM-DD, got {text!r}") from None
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        raise argparse.ArgumentTypeError(date_range_message(text, "date", EARLIEST_DATE, LATEST_DATE))
    return day


def draws(text: str) -> int:
    """argparse type for a number of Monte Carlo draws: an integer 0 … 1,000,000."""
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"抽样次数应为整数 expected a whole number of draws, got {text!r}") from None
    if not 0 <= n <= MAX_DRAWS:
        raise argparse.ArgumentTypeError(f"抽样次数超出范围 draws out of range: expected 0 … {MAX_DRAWS:,}, got {n}")
    return n


def integer(text: str) -> int:
    """argparse type for a whole number (its refusal bilingual, not argparse's ``invalid int value``)."""
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"应为整数 expected a whole number, got {text!r}") from None
