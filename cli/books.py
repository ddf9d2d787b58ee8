"""Reading a books file: JSON, its valuation links resolved, validated as the accounting case.

An impairment or NRV test may name a valuation instead of typing its figures (``from_valuation``: a
result file of ``dataval value -o result.json``, relative to the books file, or a valuation saved in
the register); :func:`bridges.appraisal.resolve_valuation_links` fills the amount and the appraisal
reference from it before the case is validated.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from accounting import BookCase
from accounting.events import ValuationLink
from base.errors import InvalidInput
from base.messages import invalid
from bridges.appraisal import Loader, resolve_valuation_links
from cli.files import read_json
from valuation.engine import AssetValuation, CaseResult
from valuation.models import Engagement


def result_file_loader(base_dir: Path) -> Loader:
    """A loader of result files (``dataval value -o result.json``) named relative to ``base_dir``."""

    def load(link: ValuationLink) -> tuple[Engagement, Sequence[AssetValuation]]:
        if link.result_file is None:
            raise InvalidInput("登记簿中的估值须用 dataval db post 读取 a valuation saved in the register is read by `dataval db post` (the register "
                               "holds it); in a books file, name a result file of `dataval value -o`",
                               field="from_valuation.register_valuation")
        path = Path(link.result_file)
        path = path if path.is_absolute() else base_dir / path
        try:
            result = CaseResult.model_validate(read_json(path))
        except ValidationError as exc:
            raise invalid(exc, f"{path.name}: 不是估值结果文件 not a valuation result of `dataval value -o result.json`") from None
        return result.engagement, result.valuations

    return load


def register_or_file_loader(session: Any, base_dir: Path) -> Loader:
    """A loader that reads saved valuations from the register and result files next to the books file."""
    # the register brings SQLAlchemy (half a second); only `db post` needs it, `book` and `export` do not
    from bridges.register_case import valuation_from_register

    files = result_file_loader(base_dir)

    def load(link: ValuationLink) -> tuple[Engagement, Sequence[AssetValuation]]:
        if link.register_valuation is not None:
            return valuation_from_register(session, link.register_valuation)
        return files(link)

    return load


def read_books(path: Path, load: Loader | None = None) -> BookCase:
    """The accounting case in ``path`` with its valuation links resolved (``load``: default, result files
    next to the books file)."""
    raw = read_json(path)
    if isinstance(raw, dict):
        raw = resolve_valuation_links(raw, load or result_file_loader(path.parent), source=path.name)
    try:
        return BookCase.model_validate(raw)
    except ValidationError as exc:
        raise invalid(exc, f"{path.name}: 账务案例 the accounting case") from None
