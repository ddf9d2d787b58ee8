"""The dashboard's reads and writes of the register: each checks the user's role, then calls ``register``.

Every public function takes the signed-in user first and calls :func:`app.auth.authorize` with the
register's task name, then runs one register function in a transaction opened in the user's name
(:func:`app.db.transaction`, so the audit log names the user). The queries and the persistence rules
are the register's (``register.assets``, ``register.costs``, ``register.forms``, ``register.ledger``,
``register.periods``, ``register.pledges``, ``register.users``, ``register.valuations`` ...); what is
left here is the dashboard's own: the ``eng:<id>`` / ``val:<id>`` / ``file:<name>`` keys of its choice
lists and their labels, and the pledge case a bank starts from.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import register.assets
import register.books_input
import register.costs
import register.errors
import register.forms
import register.importing
import register.ledger
import register.periods
import register.pledges
import register.users
import register.valuations
from app import services
from app.auth import User, authorize
from app.db import register as open_register
from app.db import transaction
from app.i18n import bi as bi_text
from app.i18n import cny
from app.services import chart_of_accounts
from base import DEFAULT_SEED
from bridges.data_files import data_dir
from bridges.register_case import cost_case_dict
from cli.files import read_json
from register.assets import ASSET_COLUMNS as ASSET_COLUMNS  # the register page's table columns
from register.assets import CompanyInfo
from register.books_input import RecordedEvent
from register.errors import ImportIssue, ImportRefused
from register.importing import ImportSummary
from register.ledger import PostedEntry, PostingSummary
from register.periods import PeriodInfo
from register.valuations import ValuationInfo

if TYPE_CHECKING:
    from accounting import BookCase, DataResource, Event, JournalEntry
    from pledge import PledgeAssessment, PledgeCase
    from valuation.case import ValuationCase
    from valuation.engine import AssetValuation, CaseResult

PLEDGE_EXAMPLES = ("examples", "pledges")  # the bundled pledge cases, under the data folder


# ---------------------------------------------------------------- companies
def companies(user: User) -> list[CompanyInfo]:
    authorize(user, "assets.view")
    with transaction(user.username) as s:
        return register.assets.list_companies(s)


def add_company(user: User, code: str, name: str) -> CompanyInfo:
    """A new company in the register (``register.assets.add_company``: the code must be new)."""
    authorize(user, "assets.edit")
    with transaction(user.username) as s:
        return register.assets.add_company(s, code, name)


# ---------------------------------------------------------------- books and periods
def books_case(user: User, company: str) -> tuple[BookCase, list[str]]:
    """The company's books as an accounting case, and the late events left out of it
    (``register.ledger.books_case``)."""
    authorize(user, "ledger.view")
    with transaction(user.username) as s:
        return register.ledger.books_case(s, company)


def post_period(user: User, company: str, as_of: date) -> PostingSummary:
    """Post the entries up to ``as_of`` not yet posted (``register.ledger.post``, the chart loaded as the CLI)."""
    authorize(user, "ledger.post")
    with transaction(user.username) as s:
        return register.ledger.post(s, company, as_of, chart=chart_of_accounts(), actor=user.username)


def close_period(user: User, company: str, start: date, end: date) -> PeriodInfo:
    """Close [start, end] (``register.periods.close``): never reopened."""
    authorize(user, "ledger.post")
    with transaction(user.username) as s:
        return register.periods.close(s, company, start, end, actor=user.username)


def periods(user: User, company: str) -> list[PeriodInfo]:
    """The company's periods as the register holds them (``register.periods.list_periods``)."""
    authorize(user, "ledger.view")
    with transaction(user.username) as s:
        return register.periods.list_periods(s, company)


def posted_entries(user: User, company: str) -> Sequence[PostedEntry]:
    """Entries posted to the register (``register.ledger.posted_entries``): seq, lines, hash."""
    authorize(user, "ledger.view")
    with transaction(user.username) as s:
        return register.ledger.posted_entries(s, company)


# ---------------------------------------------------------------- facts and events (register.books_input)
def asset_facts(user: User, company: str, code: str) -> DataResource | None:
    """The asset's accounting facts, or None when none were entered (``register.books_input.asset_facts``)."""
    authorize(user, "ledger.view")
    with transaction(user.username) as s:
        return register.books_input.asset_facts(s, company, code)


def save_facts(user: User, company: str, facts: DataResource) -> None:
    """Keep the asset's accounting facts (audited)."""
    authorize(user, "books.edit")
    with transaction(user.username) as s:
        register.books_input.save_facts(s, company, facts)


def resolve_valuation_link(user: User, raw_event: dict[str, Any]) -> dict[str, Any]:
    """An event entered in the dashboard with its ``from_valuation`` link to a saved valuation resolved:
    the recoverable amount, the estimated selling price or the fair value, and the appraisal reference,
    from the register (``bridges.appraisal.resolve_valuation_links``, as ``dataval db post`` does)."""
    authorize(user, "ledger.view")
    link = raw_event.get("from_valuation")
    if not isinstance(link, dict) or link.get("register_valuation") is None:
        return raw_event
    from bridges.appraisal import resolve_valuation_links
    from bridges.register_case import valuation_from_register

    with transaction(user.username) as s:
        resolved = resolve_valuation_links({"events": [raw_event]},
                                           lambda lk: valuation_from_register(s, int(lk.register_valuation or 0)),
                                           source=bi_text("事项", "event"))
    return dict(resolved["events"][0])


def preview_event(user: User, company: str, event: Event) -> tuple[Event, list[JournalEntry], str | None]:
    """The entries ``event`` will make, booked with the company's other events, before it is saved:
    (the event as it will be recorded, its entries, the engine's refusal or None)."""
    authorize(user, "ledger.view")
    with transaction(user.username) as s:
        case, ev = register.books_input.with_event(s, company, event)
    # the period is only the frame of the preview; it starts after any opening balances (accounting.book's rule)
    opened = [e.date for e in case.events if e.kind.value == "opening_balance" and e.date <= ev.date]
    as_of = max([ev.date, *(d + timedelta(days=1) for d in opened)])
    start = max([date(as_of.year, 1, 1), *(d + timedelta(days=1) for d in opened)])
    result = services.book_period(user, case, as_of, period_start=start)
    refused = next((r.message for r in result.rejected if r.event_id == ev.event_id), None)
    return ev, [e for e in result.journal if e.event_id == ev.event_id], refused


def record_event(user: User, company: str, event: Event) -> str:
    """Record one lifecycle event (validated with the company's others); returns its event code."""
    authorize(user, "books.edit")
    with transaction(user.username) as s:
        return register.books_input.record_event(s, company, event)


def same_events_in_force(user: User, company: str, event: Event) -> list[str]:
    """Codes of recorded events in force with the content of ``event`` (saving it would book it twice)."""
    authorize(user, "ledger.view")
    with transaction(user.username) as s:
        return register.books_input.same_events_in_force(s, company, event)


def reverse_event(user: User, company: str, code: str, on: date, reason: str) -> str:
    """Cancel recorded event ``code`` by a reversing event (recorded events are never edited)."""
    authorize(user, "books.edit")
    with transaction(user.username) as s:
        return register.books_input.reverse_event(s, company, code, on=on, reason=reason)


def recorded_events(user: User, company: str, asset: str | None = None) -> list[RecordedEvent]:
    authorize(user, "ledger.view")
    with transaction(user.username) as s:
        return register.books_input.recorded_events(s, company, asset)


def attach_fact_evidence(user: User, company: str, code: str, topic: str, name: str, content: bytes) -> str:
    """Keep an evidence file for one fact of the asset; returns its SHA-256."""
    authorize(user, "books.edit")
    with transaction(user.username) as s:
        return register.books_input.attach_fact_evidence(s, company, code, topic, name, content).sha256


def fact_evidence(user: User, company: str, code: str) -> list[tuple[str, str, str, int]]:
    authorize(user, "ledger.view")
    with transaction(user.username) as s:
        return register.books_input.fact_evidence(s, company, code)


# ---------------------------------------------------------------- users (register.users)
def users(user: User) -> list[User]:
    authorize(user, "users.manage")
    with transaction(user.username) as s:
        return register.users.list_users(s)


def add_user(user: User, username: str, password: str, role: str, display_name: str = "") -> User:
    authorize(user, "users.manage")
    with transaction(user.username) as s:
        return register.users.add_user(s, username, password, role, display_name=display_name)


def set_active(user: User, username: str, active: bool) -> None:
    authorize(user, "users.manage")
    with transaction(user.username) as s:
        register.users.set_active(s, username, active)


# ---------------------------------------------------------------- pledges (register.pledges)
def _example_pledges() -> list[Path]:
    return sorted(data_dir().joinpath(*PLEDGE_EXAMPLES).glob("*.json"))


def _example_pledge(name: str) -> dict[str, Any]:
    path = data_dir().joinpath(*PLEDGE_EXAMPLES) / Path(name).name
    raw = read_json(path)
    if not isinstance(raw, dict):
        raise ValueError(f"{path.name}: a pledge case is a JSON object")
    return raw


def pledge_choices(user: User, company: str | None) -> dict[str, str]:
    """Starting points for a pledge assessment: the company's stored valuations (collateral = a concluded
    value in the register), then the bundled pledge cases (``data/examples/pledges``)."""
    authorize(user, "pledge.assess")
    out: dict[str, str] = {}
    for v in valuation_results(user, company):
        out[f"val:{v.id}"] = f"{v.asset_code} {v.asset_name} · {cny(v.value)} ({v.case_id}, {v.valuation_date})"
    for path in _example_pledges():
        out[f"file:{path.name}"] = f"{path.stem} (data/examples/pledges)"
    return out


def pledge_template(user: User, key: str, company: str | None = None, *, asset_class: str | None = None,
                    remaining_life_months: int | None = None) -> dict[str, Any]:
    """The pledge case dict behind a choice of :func:`pledge_choices` (the engine validates it).

    For a stored valuation: ``bridges.collateral.pledge_case_dict`` (the collateral from its conclusion)
    with the holding facts from the register (``register.pledges.holding``: the asset is held; its active
    pledges are listed); the term sheet and borrower start from the first bundled pledge case, for the
    bank to change in the form.
    """
    authorize(user, "pledge.assess")
    kind, _, ident = key.partition(":")
    if kind == "file":
        return _example_pledge(ident)
    if kind != "val" or company is None:
        raise KeyError(f"unknown pledge case {key!r}")
    # the bridge loads pledge and valuation (scipy, about a second); this module comes with the sign-in page
    from bridges.books_pledge import holding_from_books
    from bridges.collateral import pledge_case_dict

    valuation, vdate = valuation_result(user, int(ident))
    code = valuation.asset.asset_id
    today = date.today()
    with transaction(user.username) as s:
        held = register.pledges.holding(s, company, code)
        try:  # the company's books, when the asset is on them, say whether it is still held and pledged
            books, _late = register.ledger.books_case(s, company)
        except register.errors.NotFound:
            books = None
    existing, holds = list(held.existing_pledges), True
    if books is not None and any(r.asset_id == code for r in books.resources):
        from_books = holding_from_books(books, code, today)
        holds = from_books.holds_asset
        existing += [p for p in from_books.existing_pledges if p not in existing]
    return pledge_case_dict(valuation, vdate, base=_example_pledge(_example_pledges()[0].name),
                            company_name=held.company_name, existing_pledges=existing, on=today,
                            asset_class=asset_class, remaining_life_months=remaining_life_months, holds_asset=holds)


def record_pledge(user: User, company: str, case: PledgeCase, result: PledgeAssessment) -> int:
    """Register the pledge of the assessed loan (``register.pledges.record_assessment``; a second pledge of
    the same asset is refused). The case and the assessment are kept with it."""
    authorize(user, "pledge.assess")
    with transaction(user.username) as s:
        return register.pledges.record_assessment(s, company, case, result)


# ---------------------------------------------------------------- engagements and valuations (register.valuations)
def _engagement_id(key: str) -> int:
    kind, _, ident = key.partition(":")
    if kind != "eng":
        raise KeyError(f"unknown engagement {key!r}")
    return int(ident)


def engagement_choices(user: User, company: str | None) -> dict[str, str]:
    """The company's engagements in the register (``register.valuations.engagements``)."""
    authorize(user, "valuation.run")
    if company is None:
        return {}
    with transaction(user.username) as s:
        found = register.valuations.engagements(s, company)
    return {f"eng:{e.id}": f"{e.case_id} · {e.valuation_date} · {e.purpose}" for e in found}


def load_engagement(user: User, key: str) -> ValuationCase:
    """The validated case stored with an engagement (``register.valuations.engagement_case``)."""
    authorize(user, "valuation.run")
    ident = _engagement_id(key)
    with transaction(user.username) as s:
        return register.valuations.engagement_case(s, ident)


def asset_case_dict(user: User, company: str, codes: Sequence[str], *, case_id: str, valuation_date: date,
                    purpose: str, value_type: str, delta: dict[str, Any], seed: int = DEFAULT_SEED,
                    n_draws: int = 1000) -> dict[str, Any]:
    """A cost-method engagement of register assets, as a case dict for the engine to validate
    (``bridges.register_case.cost_case_dict``; the appraiser is the signed-in user)."""
    authorize(user, "valuation.run")
    with transaction(user.username) as s:
        return cost_case_dict(
            s, company, codes, case_id=case_id, valuation_date=valuation_date, purpose=purpose,
            value_type=value_type, delta=delta, appraiser=user.display_name or user.username, seed=seed,
            n_draws=n_draws)


def free_case_id(user: User, company: str | None, base: str) -> str:
    """A default engagement id that replaces none: ``base``, or ``base-2``, ``base-3`` … when taken
    (``register.valuations.free_case_id``)."""
    authorize(user, "valuation.run")
    if company is None:
        return base
    with transaction(user.username) as s:
        return register.valuations.free_case_id(s, company, base)


def save_valuation(user: User, company: str, case: ValuationCase, result: CaseResult) -> list[int]:
    """Store the run: engagement, per-asset conclusion and full result (``register.valuations.store_case_result``;
    an engagement id already used by other inputs is refused, never replaced)."""
    authorize(user, "valuation.run")
    with transaction(user.username) as s:
        return register.valuations.store_case_result(s, case, result, company=company)


def valuation_results(user: User, company: str | None, limit: int = 200) -> list[ValuationInfo]:
    """The latest stored valuation results of the company (``register.valuations.latest_results``)."""
    authorize(user, "valuation.view")
    if company is None:
        return []
    with transaction(user.username) as s:
        return register.valuations.latest_results(s, company, limit)


def valuation_result(user: User, result_id: int) -> tuple[AssetValuation, date]:
    """A stored valuation (``valuation.engine.AssetValuation``) and its valuation date."""
    authorize(user, "valuation.view")
    with transaction(user.username) as s:
        return register.valuations.stored_valuation(s, result_id)


# ---------------------------------------------------------------- assets (register.assets, register.forms, register.costs)
def asset_page(user: User, company: str, search: str = "", offset: int = 0,
               limit: int = 50) -> tuple[list[dict[str, Any]], int]:
    """One page of the company's assets (ordered by code) and the number matching ``search``
    (``register.assets.asset_page``: paged in the database, for a list of 10,000)."""
    authorize(user, "assets.view")
    with transaction(user.username) as s:
        return register.assets.asset_page(s, company, search, offset, limit)


def asset_detail(user: User, company: str, code: str) -> dict[str, Any]:
    """An asset's columns, attributes, version and cost lines with their evidence files."""
    authorize(user, "assets.view")
    with transaction(user.username) as s:
        return register.assets.asset_detail(s, company, code)


def validate_asset_row(user: User, row: dict[str, Any]) -> list[ImportIssue]:
    """Every problem of one asset row under the register's CSV import rules (``register.forms.validate_row``)."""
    authorize(user, "assets.view")
    return register.forms.validate_row(row)


def add_asset(user: User, company: str, row: dict[str, Any]) -> ImportSummary:
    """Add one asset entered in the form: validated and written by the register's importer (all or nothing).

    Raises ``register.ImportRefused`` with every problem (by column) when the row is not valid.
    """
    authorize(user, "assets.edit")
    return register.forms.add_asset(open_register(), company, row, actor=user.username)


def update_asset(user: User, company: str, code: str, changes: dict[str, Any], *, expected_version: int) -> None:
    """Edit an asset read at ``expected_version`` (``register.forms.edit_asset``: checked with the import
    rules, then ``register.assets.update_asset``, optimistic locking)."""
    authorize(user, "assets.edit")
    with transaction(user.username) as s:
        register.forms.edit_asset(s, company, code, changes, expected_version=expected_version)


def cost_line_problems(code: str, lines: Sequence[dict[str, Any]]) -> list[str]:
    """Every problem of edited cost lines as cost lines of the cost method (``register.costs.cost_line_problems``),
    each naming the asset, the line and the field. Pure validation: no role, no register."""
    return register.costs.cost_line_problems(code, lines)


def save_cost_lines(user: User, company: str, code: str, lines: Sequence[dict[str, Any]],
                    read_versions: dict[int, int]) -> tuple[int, int, int]:
    """Replace an asset's cost lines by the edited table, in one transaction: (added, changed, removed)
    (``register.costs.save_cost_lines``; a line changed since it was read is refused)."""
    authorize(user, "assets.edit")
    with transaction(user.username) as s:
        return register.costs.save_cost_lines(s, company, code, lines, read_versions)


def attach_evidence(user: User, cost_line_id: int, name: str, content: bytes) -> str:
    """Keep an uploaded evidence file with a cost line (``register.assets.attach_evidence_bytes``); its SHA-256."""
    authorize(user, "assets.edit")
    with transaction(user.username) as s:
        return str(register.assets.attach_evidence_bytes(s, cost_line_id, name, content).sha256)


def import_upload(user: User, company: str | None, name: str,
                  content: bytes) -> tuple[ImportSummary | ImportRefused, bytes | None]:
    """Import an uploaded template (.xlsx) or batch CSV (``register.importing.import_upload``).

    Returns (summary, None), or (ImportRefused, the Excel error report) when the file is refused —
    the register is then untouched.
    """
    authorize(user, "assets.import")
    return register.importing.import_upload(open_register(), company, name, content, actor=user.username)


# ---------------------------------------------------------------- stored results for the workbooks
def stored_case_result(user: User, engagement_key: str) -> tuple[ValuationCase, CaseResult]:
    """The engagement's case and its stored run as a ``CaseResult`` (the latest result of each asset),
    read back from the register, not recomputed (``register.valuations.stored_case_result``)."""
    authorize(user, "valuation.view")
    ident = int(engagement_key.partition(":")[2])
    with transaction(user.username) as s:
        return register.valuations.stored_case_result(s, ident)


def engagements_with_results(user: User, company: str | None) -> dict[str, str]:
    """Engagements of the company that have a stored valuation (for the workpapers)."""
    authorize(user, "valuation.view")
    if company is None:
        return {}
    with transaction(user.username) as s:
        found = register.valuations.engagements(s, company, with_results=True)
    return {f"eng:{e.id}": f"{e.case_id} · {e.valuation_date}" for e in found}


def engagement_of_result(user: User, result_id: int) -> str:
    """The engagement key (``eng:<id>``) of a saved valuation result (what an impairment test names)."""
    authorize(user, "valuation.view")
    from register.models import ValuationResult

    with transaction(user.username) as s:
        row = s.get(ValuationResult, result_id)
        if row is None:
            raise register.errors.NotFound(f"没有已保存的估值 #{result_id} — no saved valuation #{result_id}")
        return f"eng:{row.engagement_id}"


def pledges(user: User, company: str | None) -> dict[int, str]:
    """The company's recorded pledges that keep their assessment (for the pledge workpaper)."""
    authorize(user, "workpapers.download")
    if company is None:
        return {}
    with transaction(user.username) as s:
        found = register.pledges.recorded_pledges(s, company)
    return {p.id: f"{p.loan_id} · {p.asset_code} → {p.pledgee} ({p.status})" for p in found}


def pledge_record(user: User, pledge_id: int) -> tuple[PledgeCase, PledgeAssessment]:
    """The (PledgeCase, PledgeAssessment) kept with a recorded pledge (``register.pledges.pledge_record``)."""
    authorize(user, "workpapers.download")
    with transaction(user.username) as s:
        return register.pledges.pledge_record(s, pledge_id)
