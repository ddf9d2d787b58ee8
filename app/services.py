"""The dashboard's actions: each checks the user's role, then calls the same functions as the CLI.

Nothing here computes a figure of its own: valuation goes through ``valuation.engine.value_case`` and
``valuation.batch.run_batch`` (``dataval value``), accounting through ``accounting.book``
(``dataval book``), pledges through ``pledge.case_from_dict`` + ``pledge.assess`` (``dataval pledge``),
files through ``cli.io`` and workbooks through ``ledger_export``. Bundled data (price index,
comparables, chart of accounts, bank policy) is loaded the way the CLI loads it.

Every public function takes the logged-in :class:`app.auth.User` first and starts with
:func:`app.auth.authorize`, so a role outside the action is refused here, on the server, whatever the
page shows.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from app.auth import User, authorize
from app.i18n import bi
from base import DEFAULT_SEED
from base.errors import InvalidInput

if TYPE_CHECKING:
    from accounting import BookCase, BookResult, ChartOfAccounts, DataResource, RecognitionDecision
    from pledge import BankPolicy, PledgeAssessment, PledgeCase
    from valuation.batch import BatchResult
    from valuation.case import ValuationCase
    from valuation.engine import AssetValuation, CaseResult, MarketData

MAX_UPLOAD_BYTES = 50 * 1024 * 1024  # the CLI's limit (cli.io.MAX_INPUT_BYTES)


# ---------------------------------------------------------------- bundled data (loaded as the CLI does)
@cache
def chart_of_accounts() -> ChartOfAccounts:
    from bridges.data_files import load_chart_of_accounts

    return load_chart_of_accounts()


@cache
def bank_policy() -> BankPolicy:
    from bridges.data_files import load_bank_policy

    return load_bank_policy()


@cache
def market_data() -> MarketData:
    from bridges.data_files import load_market_data

    return load_market_data()


# ---------------------------------------------------------------- uploads (through cli.io, like files)
def _with_upload(name: str, content: bytes, fn: Callable[[Path], Any]) -> Any:
    """Run a cli.io reader on an uploaded file (a temporary copy with the upload's name)."""
    if len(content) > MAX_UPLOAD_BYTES:
        raise InvalidInput(f"{name} is {len(content) / 2**20:.1f} MB; the limit is {MAX_UPLOAD_BYTES / 2**20:.0f} MB")
    safe = Path(name).name or "upload"
    with tempfile.TemporaryDirectory(prefix="dataval-upload-") as d:
        path = Path(d) / safe
        path.write_bytes(content)
        return fn(path)


def read_case_upload(user: User, name: str, content: bytes) -> tuple[ValuationCase, list[Any]]:
    """A valuation case from an uploaded JSON file or filled Excel template (``cli.io.read_case``)."""
    authorize(user, "valuation.run")
    from cli.io import read_case

    return _with_upload(name, content, read_case)


def read_batch_upload(user: User, name: str, content: bytes) -> pd.DataFrame:
    """A flat batch table from an uploaded CSV / Parquet / Excel file (``cli.io.read_batch``)."""
    authorize(user, "valuation.run")
    from cli.io import read_batch

    return _with_upload(name, content, read_batch)


def _workbook_bytes(write: Callable[[Path], Any], name: str) -> bytes:
    with tempfile.TemporaryDirectory(prefix="dataval-export-") as d:
        path = Path(d) / name
        write(path)
        return path.read_bytes()


# ---------------------------------------------------------------- valuation (dataval value)
def value_engagement(user: User, case: ValuationCase, prior_errors: Sequence[Any] = ()) -> CaseResult:
    """Value every asset of an engagement: ``valuation.engine.value_case`` with the bundled data."""
    authorize(user, "valuation.run")
    from bridges.data_files import load_price_index
    from valuation.engine import value_case

    return value_case(case, default_price_index=load_price_index(), market_data=market_data(),
                      prior_errors=prior_errors)


def simulated_values(user: User, source: CaseResult | ValuationCase, asset_id: str) -> np.ndarray:
    """The Monte Carlo draws of the concluded value V of one asset, for the histogram.

    From a :class:`CaseResult` (what the page holds after ``value_engagement``): the draws the engine
    kept on the asset's valuation, V = Σ w_m V_m draw by draw — the array the conclusion's P5/P50/P95
    are the percentiles of; nothing is simulated again. From a :class:`ValuationCase` alone: the asset
    is valued once by the engine (``valuation.engine.value_asset``) and its kept draws returned.
    """
    authorize(user, "valuation.run")
    from valuation.case import ValuationCase

    if isinstance(source, ValuationCase):
        from bridges.data_files import load_price_index
        from valuation.context import ValuationContext
        from valuation.engine import value_asset

        ac = next((a for a in source.assets if a.asset.asset_id == asset_id), None)
        if ac is None:
            raise InvalidInput(f"asset {asset_id!r} is not in case {source.engagement.case_id}", field="asset_id")
        if source.simulation.n_draws == 0:
            return np.zeros(0)
        ctx = ValuationContext(valuation_date=source.engagement.valuation_date,
                               price_index=source.price_index or load_price_index(),
                               seed=source.simulation.seed, n_draws=source.simulation.n_draws)
        v = value_asset(ac, ctx, market_data())
    else:
        found = next((x for x in source.valuations if x.asset.asset_id == asset_id), None)
        if found is None:
            raise InvalidInput(f"asset {asset_id!r} has no valuation in case {source.engagement.case_id}",
                               field="asset_id")
        if source.n_draws == 0:
            return np.zeros(0)
        v = found
    if v.draws is None:
        raise InvalidInput(f"the draws of asset {asset_id!r} were not kept (a result read back from a file); "
                           "value the case again to see them", field="asset_id")
    return v.draws


def appraisal_disclosure(user: User, result: CaseResult, valuation: AssetValuation) -> str:
    """The appraisal disclosure text (``dataval value --disclosure``)."""
    authorize(user, "valuation.run")
    from valuation.disclosure import appraisal_disclosure as disclose

    return disclose(result.engagement, valuation)


def value_batch(user: User, table: pd.DataFrame, *, valuation_date: date | None = None, seed: int = DEFAULT_SEED,
                n_draws: int = 1000, source: str = "upload",
                progress: Callable[[int, int], None] | None = None) -> BatchResult:
    """Value a flat batch table: ``valuation.batch.run_batch`` exactly as ``dataval value batch.csv``."""
    authorize(user, "valuation.run")
    from bridges.data_files import load_price_index
    from cli.io import batch_valuation_date
    from valuation.context import ValuationContext
    from valuation.runner import run_batch

    vdate = batch_valuation_date(table, valuation_date, source=source)
    ctx = ValuationContext(valuation_date=vdate, price_index=load_price_index(), seed=seed, n_draws=n_draws)
    md = market_data()
    return run_batch(table, ctx, market_kwargs={"database": md.database, "adjustments": md.adjustments},
                     progress=progress)


def batch_table_bytes(user: User, table: pd.DataFrame, suffix: str) -> bytes:
    """The tidy results table as CSV (UTF-8 with BOM, money to the fen, formula-like text inert) or Parquet:
    ``cli.io.write_table``, as ``-o``."""
    authorize(user, "valuation.run")
    from cli.io import write_table

    return _workbook_bytes(lambda p: write_table(table, p), f"results{suffix}")



def case_workbook_bytes(user: User, case: ValuationCase) -> bytes:
    """The engagement as the Excel template (``dataval template --from``)."""
    authorize(user, "workpapers.download")
    from ledger_export.case_template import write_case_workbook

    return _workbook_bytes(lambda p: write_case_workbook(case, p), "case.xlsx")


# ---------------------------------------------------------------- recognition and books (dataval book)
def recognition(user: User, resources: Sequence[DataResource]) -> list[RecognitionDecision]:
    """The recognition decision of each resource (``accounting.classify``, what ``book`` reports)."""
    authorize(user, "ledger.view")
    from accounting import classify

    return [classify(r) for r in resources]


def book_period(user: User, case: BookCase, as_of: date, period_start: date | None = None) -> BookResult:
    """Book the company's data resources up to ``as_of``: ``accounting.book`` as ``dataval book --collect``."""
    authorize(user, "ledger.view")
    from accounting import book

    return book(case, as_of, chart=chart_of_accounts(), period_start=period_start, on_error="collect")


# ---------------------------------------------------------------- pledge (dataval pledge)
def pledge_case(user: User, raw: Mapping[str, Any]) -> PledgeCase:
    """Validate a pledge case dict with the bundled bank policy (``pledge.case_from_dict``)."""
    authorize(user, "pledge.assess")
    from pledge import case_from_dict

    return case_from_dict(raw, bank_policy())


def assess_pledge(user: User, case: PledgeCase) -> PledgeAssessment:
    """Size and monitor the loan: ``pledge.assess``.

    The assessment is a pure function of the case (its Monte Carlo draws are fixed by the case's seed),
    so the last few are kept by their case JSON: moving back to a term sheet already assessed (another
    slider setting, another page and back) does not run the 20,000 paths again.
    """
    authorize(user, "pledge.assess")
    return _assess_cached(case.model_dump_json())


@lru_cache(maxsize=32)
def _assess_cached(case_json: str) -> PledgeAssessment:
    from pledge import PledgeCase, assess

    return assess(PledgeCase.model_validate_json(case_json))


def credit_memo_bytes(user: User, case: PledgeCase, result: PledgeAssessment) -> bytes:
    """The credit memo workbook (``dataval pledge -o memo.xlsx``)."""
    authorize(user, "workpapers.download")
    from ledger_export.credit_memo import write_credit_memo

    return _workbook_bytes(lambda p: write_credit_memo(case, result, p), "credit_memo.xlsx")


def pledge_text(value: Any) -> str:
    """A pledge enum value as the reader sees it: its Chinese label, or the English one on the switch
    (``pledge.LABELS``); never the raw code."""
    from pledge import LABELS

    text = str(getattr(value, "value", value))
    pair = LABELS.get(text)
    return bi(*pair) if pair else text.replace("_", " ")


def case_from_dict(user: User, raw: Any, *, source: str = "case") -> tuple[ValuationCase, list[Any]]:
    """Validate a case dict asset by asset (``cli.io.case_from_dict``, as the CLI reads a case)."""
    authorize(user, "valuation.run")
    from cli.io import case_from_dict as read

    return read(raw, source=source)


# ---------------------------------------------------------------- workbooks (dataval export)
def export_workbook_bytes(user: User, *, books: Any = None, valuation: Any = None,
                          pledge: tuple[Any, Any] | None = None, inputs: Sequence[tuple[str, str, Any]] = (),
                          price_index: Any = None, name: str = "dataval.xlsx") -> bytes:
    """The workbook of ``dataval export`` (``ledger_export.export.export_workbook``): books, valuation
    workpapers and/or the pledge workpaper, with live formulas and the check sheet.

    ``inputs``: (role, source, model) of each input; the cover shows the SHA-256 of each model's JSON.
    """
    authorize(user, "workpapers.download")
    from ledger_export.cover import InputRef, fingerprint
    from ledger_export.export import export_workbook

    refs = [InputRef(role, source, fingerprint(model)) for role, source, model in inputs]
    if valuation is not None and price_index is None:
        from bridges.data_files import load_price_index

        price_index = load_price_index()
    return _workbook_bytes(lambda p: export_workbook(p, books=books, valuation=valuation, pledge=pledge,
                                                     preparer=user.display_name or user.username, inputs=refs,
                                                     price_index=price_index), name)


def credit_memo_html_bytes(user: User, case: PledgeCase, result: PledgeAssessment) -> bytes:
    """The credit memo as a self-contained HTML page (``dataval pledge -o memo.html``)."""
    authorize(user, "workpapers.download")
    from ledger_export.memo_html import credit_memo_html

    return credit_memo_html(case, result).encode("utf-8")
