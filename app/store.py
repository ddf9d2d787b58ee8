"""The dashboard's reads and writes of the register: each checks the user's role, then calls ``register``.

Every function takes the signed-in user first and calls :func:`app.auth.authorize` with the register's
task name before it opens a transaction (``Register.session(actor=username)``, so the audit log
names the user). Persistence is the register's: ``register.assets``, ``register.ledger``,
``register.users`` ... The few reads the register has no function for (a page of assets for a
10,000-row list, counts) are small queries on the register's own tables, kept here and named as
adapters.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from app.auth import User, authorize
from app.session import register
from base import DEFAULT_SEED

if TYPE_CHECKING:
    from accounting import BookCase


@dataclass(frozen=True)
class CompanyInfo:
    code: str
    name: str


@dataclass(frozen=True)
class PeriodInfo:
    start: date
    end: date
    status: str
    closed_by: str | None


# ---------------------------------------------------------------- companies
def companies(user: User) -> list[CompanyInfo]:
    authorize(user, "assets.view")
    from register.ledger import companies as list_companies

    with register().session(actor=user.username) as s:
        return [CompanyInfo(c.code, c.name) for c in list_companies(s)]


# ---------------------------------------------------------------- books (register.ledger)
def books_case(user: User, company: str) -> tuple[BookCase, list[str]]:
    """The company's books as an accounting case, and the late events left out of it
    (``register.ledger.books_case``)."""
    authorize(user, "ledger.view")
    from register.ledger import books_case as load

    with register().session(actor=user.username) as s:
        return load(s, company)


def post_period(user: User, company: str, as_of: date) -> Any:
    """Post the entries up to ``as_of`` not yet posted (``register.ledger.post``, the chart loaded as the CLI)."""
    authorize(user, "ledger.post")
    from app.services import chart_of_accounts
    from register.ledger import post

    with register().session(actor=user.username) as s:
        return post(s, company, as_of, chart=chart_of_accounts(), actor=user.username)


def close_period(user: User, company: str, start: date, end: date) -> PeriodInfo:
    """Close [start, end] (``register.ledger.close_period``): never reopened."""
    authorize(user, "ledger.post")
    from register.ledger import close_period as close

    with register().session(actor=user.username) as s:
        p = close(s, company, start, end, actor=user.username)
        return PeriodInfo(p.start_date, p.end_date, p.status, p.closed_by)


def periods(user: User, company: str) -> list[PeriodInfo]:
    """The company's periods as the register holds them (adapter: a select on ``periods``)."""
    authorize(user, "ledger.view")
    from sqlalchemy import select

    from register.assets import get_company
    from register.models import Period

    with register().session(actor=user.username) as s:
        comp = get_company(s, company)
        rows = s.scalars(select(Period).where(Period.company_id == comp.id).order_by(Period.start_date))
        return [PeriodInfo(p.start_date, p.end_date, p.status, p.closed_by) for p in rows]


def posted_entries(user: User, company: str) -> Sequence[Any]:
    """Entries posted to the register (``register.ledger.posted_entries``): seq, lines, hash."""
    authorize(user, "ledger.view")
    from register.ledger import posted_entries as load

    with register().session(actor=user.username) as s:
        return load(s, company)


# ---------------------------------------------------------------- users (register.users)
def users(user: User) -> list[User]:
    authorize(user, "users.manage")
    from register.users import list_users

    with register().session(actor=user.username) as s:
        return list_users(s)


def add_user(user: User, username: str, password: str, role: str, display_name: str = "") -> User:
    authorize(user, "users.manage")
    from register.users import add_user as add

    with register().session(actor=user.username) as s:
        return add(s, username, password, role, display_name=display_name)


def set_active(user: User, username: str, active: bool) -> None:
    authorize(user, "users.manage")
    from register.users import set_active as set_

    with register().session(actor=user.username) as s:
        set_(s, username, active)


# ---------------------------------------------------------------- pledge cases (register.valuations)
def pledge_choices(user: User, company: str | None) -> dict[str, str]:
    """Starting points for a pledge assessment: the company's stored valuations (collateral = a concluded
    value in the register), then the bundled pledge cases (``data/examples/pledges``)."""
    authorize(user, "pledge.assess")
    from app.i18n import cny
    from bridges.data_files import data_dir

    out: dict[str, str] = {}
    for v in valuation_results(user, company):
        out[f"val:{v.id}"] = f"{v.asset_code} {v.asset_name} · {cny(v.value)} ({v.case_id}, {v.valuation_date})"
    for path in sorted((data_dir() / "examples" / "pledges").glob("*.json")):
        out[f"file:{path.name}"] = f"{path.stem} (data/examples/pledges)"
    return out


def _example_pledge(name: str) -> dict[str, Any]:
    from pathlib import Path

    from bridges.data_files import data_dir
    from cli.io import read_json

    path = data_dir() / "examples" / "pledges" / Path(name).name
    raw = read_json(path)
    if not isinstance(raw, dict):
        raise ValueError(f"{path.name}: a pledge case is a JSON object")
    return raw


def pledge_template(user: User, key: str, company: str | None = None, *, asset_class: str | None = None,
                    remaining_life_months: int | None = None) -> dict[str, Any]:
    """The pledge case dict behind a choice of :func:`pledge_choices` (the engine validates it).

    For a stored valuation the collateral is ``pledge.collateral_from_conclusion`` of its conclusion; the
    holding facts come from the register (the asset is held; its active pledges are listed); the term
    sheet and borrower start from the first bundled pledge case, for the bank to change in the form.
    """
    authorize(user, "pledge.assess")
    kind, _, ident = key.partition(":")
    if kind == "file":
        return _example_pledge(ident)
    if kind != "val" or company is None:
        raise KeyError(f"unknown pledge case {key!r}")
    from datetime import date as _date

    from bridges.data_files import data_dir
    from pledge import collateral_from_conclusion
    from register.assets import get_asset
    from register.models import Pledge

    valuation, vdate = valuation_result(user, int(ident))
    first = sorted((data_dir() / "examples" / "pledges").glob("*.json"))[0].name
    base = _example_pledge(first)
    code = valuation.asset.asset_id
    collateral = collateral_from_conclusion(
        valuation.conclusion, name=valuation.asset.name, asset_class=asset_class or base["collateral"]["asset_class"],
        remaining_life_months=remaining_life_months or base["collateral"]["remaining_life_months"],
        valuation_date=vdate)
    with register().session(actor=user.username) as s:
        from sqlalchemy import select

        asset = get_asset(s, company, code)
        pledges = [p.registration or p.loan_id for p in s.scalars(
            select(Pledge).where(Pledge.asset_id == asset.id, Pledge.status == "active"))]
        comp_name = asset.company.name
    today = _date.today()
    ts = dict(base["term_sheet"])
    ts.update({"loan_id": f"LN-{code}-{today:%Y%m%d}", "drawdown_date": today.isoformat()})
    return {"case_id": f"PL-{code}-{today:%Y%m%d}", "term_sheet": ts,
            "borrower": {**base["borrower"], "name": comp_name},
            "collateral": {**collateral.model_dump(mode="json", exclude_none=True),
                           "dynamics": base["collateral"].get("dynamics", {})},
            "registration": {"certificate_number": valuation.asset.registration_certificate,
                             "registry": base.get("registration", {}).get("registry", "pboc_movable_collateral")},
            "holding": {"holds_asset": True, "existing_pledges": pledges},
            "simulation": base.get("simulation", {})}


def record_pledge(user: User, company: str, case: Any, result: Any) -> int:
    """Register the pledge of the assessed loan (``register.valuations.record_pledge``; a second pledge of
    the same asset is refused). The case and the assessment are kept with it."""
    authorize(user, "pledge.assess")
    from register.valuations import record_pledge as record

    ts = case.term_sheet
    end = result.schedule.rows[-1].due_date if result.schedule.rows else None  # the loan's last due date
    with register().session(actor=user.username) as s:
        row = record(s, company, case.collateral.asset_id, loan_id=ts.loan_id, pledgee=ts.lender,
                     secured_amount=str(ts.amount), start=ts.drawdown_date, end=end,
                     registration=case.registration.pledge_registration_number or "",
                     assessment={"case": case.model_dump(mode="json"), "assessment": result.model_dump(mode="json")})
        return int(row.id)


# ---------------------------------------------------------------- engagements and valuations (register.valuations)
def engagement_choices(user: User, company: str | None) -> dict[str, str]:
    """The company's engagements in the register (adapter: a select on ``engagements``)."""
    authorize(user, "valuation.run")
    if company is None:
        return {}
    from sqlalchemy import select

    from register.assets import get_company
    from register.models import Engagement

    with register().session(actor=user.username) as s:
        comp = get_company(s, company)
        rows = s.execute(select(Engagement.id, Engagement.case_id, Engagement.valuation_date, Engagement.purpose)
                         .where(Engagement.company_id == comp.id).order_by(Engagement.case_id))
        return {f"eng:{r.id}": f"{r.case_id} · {r.valuation_date} · {r.purpose}" for r in rows}


def load_engagement(user: User, key: str) -> Any:
    """The validated case stored with an engagement (``Engagement.inputs``, canonical JSON)."""
    authorize(user, "valuation.run")
    from register.errors import NotFound
    from register.models import Engagement
    from valuation.case import ValuationCase

    kind, _, ident = key.partition(":")
    if kind != "eng":
        raise KeyError(f"unknown engagement {key!r}")
    with register().session(actor=user.username) as s:
        row = s.get(Engagement, int(ident))
        if row is None:
            raise NotFound(f"no engagement {ident}")
        return ValuationCase.model_validate(row.inputs)


def asset_case_dict(user: User, company: str, codes: Sequence[str], *, case_id: str, valuation_date: date,
                    purpose: str, value_type: str, delta: dict[str, Any], seed: int = DEFAULT_SEED,
                    n_draws: int = 1000) -> dict[str, Any]:
    """A cost-method engagement of register assets, as a case dict for the engine to validate.

    The asset comes from the register (code, name, field, region, rights, source, records, term, and the
    quality scores kept with it); its cost lines are the register's cost lines; δ is the appraiser's
    choice (``delta``: basis and, for life, elapsed and remaining years). Nothing is computed here.
    """
    authorize(user, "valuation.run")
    assets = []
    comp_name = next((c.name for c in companies(user) if c.code == company), company)
    for code in codes:
        d = asset_detail(user, company, code)
        attrs = d["attributes"]
        quality = None
        if isinstance(attrs.get("asset"), dict) and attrs["asset"].get("quality"):
            quality = attrs["asset"]["quality"]
        else:
            q = {k[2:]: attrs[k] for k in attrs if k.startswith("q_")}
            if len(q) == 6:
                quality = {**q, "evidence": "register attributes"}
        asset = {"asset_id": code, "name": d["name"], "field": d["field"] or "general",
                 "region": d["region"] or "national",
                 "rights": [r for r in (d["rights"] or "").split(";") if r], "source": d["source"],
                 "records": d["records"], "rights_term_end": d["rights_term_end"].isoformat()
                 if d["rights_term_end"] else None, "quality": quality}
        lines = [{"category": ln.category, "item": ln.item, "amount": str(ln.amount),
                  "incurred_on": ln.incurred_on.isoformat() if ln.incurred_on else None,
                  "evidence": ln.evidence, "restate": ln.restate} for ln in d["cost_lines"]]
        assets.append({"asset": {k: v for k, v in asset.items() if v is not None},
                       "methods": [{"method": "cost", "weight": 1.0,
                                    "reason": "成本资料来自资产登记簿 cost lines from the register"}],
                       "cost": {"lines": lines, "delta": delta}})
    return {"engagement": {"case_id": case_id, "client": comp_name, "appraiser": user.display_name or user.username,
                           "purpose": purpose, "value_type": value_type, "valuation_date": valuation_date.isoformat()},
            "assets": assets, "simulation": {"seed": seed, "n_draws": n_draws}}


def save_valuation(user: User, company: str, case: Any, result: Any) -> list[int]:
    """Store the run: engagement, per-asset conclusion and full result (``register.valuations.store_case_result``)."""
    authorize(user, "valuation.run")
    from register.valuations import store_case_result

    with register().session(actor=user.username) as s:
        return store_case_result(s, case, result, company=company)


@dataclass(frozen=True)
class ValuationInfo:
    id: int
    asset_code: str
    asset_name: str
    case_id: str
    valuation_date: date
    value: Any  # Decimal CNY
    p5: Any
    p95: Any


def valuation_results(user: User, company: str | None, limit: int = 200) -> list[ValuationInfo]:
    """The latest stored valuation results of the company (adapter: a select on ``valuation_results``)."""
    authorize(user, "valuation.view")
    if company is None:
        return []
    from sqlalchemy import select

    from base.money import from_fen
    from register.assets import get_company
    from register.models import DataAsset, Engagement, ValuationResult

    with register().session(actor=user.username) as s:
        comp = get_company(s, company)
        q = (select(ValuationResult.id, DataAsset.code, DataAsset.name, Engagement.case_id, Engagement.valuation_date,
                    ValuationResult.value_fen, ValuationResult.p5_fen, ValuationResult.p95_fen)
             .join(DataAsset, DataAsset.id == ValuationResult.asset_id)
             .join(Engagement, Engagement.id == ValuationResult.engagement_id)
             .where(Engagement.company_id == comp.id).order_by(ValuationResult.id.desc()).limit(limit))
        return [ValuationInfo(r.id, r.code, r.name, r.case_id, r.valuation_date, from_fen(r.value_fen),
                              None if r.p5_fen is None else from_fen(r.p5_fen),
                              None if r.p95_fen is None else from_fen(r.p95_fen)) for r in s.execute(q)]


def valuation_result(user: User, result_id: int) -> tuple[Any, date]:
    """A stored valuation (``valuation.engine.AssetValuation``) and its valuation date."""
    authorize(user, "valuation.view")
    from register.errors import NotFound
    from register.models import Engagement, ValuationResult
    from valuation.engine import AssetValuation

    with register().session(actor=user.username) as s:
        row = s.get(ValuationResult, result_id)
        if row is None:
            raise NotFound(f"no valuation result {result_id}")
        eng = s.get(Engagement, row.engagement_id)
        assert eng is not None
        return AssetValuation.model_validate(row.result), eng.valuation_date


# ---------------------------------------------------------------- assets (register.assets, register.importing)
ASSET_COLUMNS = ("code", "name", "field", "region", "source", "rights", "records", "rights_term_end")
FORM_COLUMNS = ("asset_id", "name", "field", "region", "rights", "source", "records", "exclusivity", "delivery_form",
                "update_frequency", "q_accuracy", "q_consistency", "q_completeness", "q_conformance",
                "q_timeliness", "q_accessibility", "rights_term_end")


def asset_page(user: User, company: str, search: str = "", offset: int = 0,
               limit: int = 50) -> tuple[list[dict[str, Any]], int]:
    """One page of the company's assets (ordered by code) and the number matching ``search``.

    Adapter: ``register.assets.list_assets`` reads every asset; a list of 10,000 is paged here with
    LIMIT/OFFSET and a count on the register's ``data_assets`` table.
    """
    authorize(user, "assets.view")
    from sqlalchemy import func, or_, select

    from register.assets import get_company
    from register.models import CostLine, DataAsset

    with register().session(actor=user.username) as s:
        comp = get_company(s, company)
        where = [DataAsset.company_id == comp.id]
        if search.strip():
            pat = f"%{search.strip()}%"
            where.append(or_(DataAsset.code.ilike(pat), DataAsset.name.ilike(pat)))
        total = int(s.scalar(select(func.count()).select_from(DataAsset).where(*where)) or 0)
        n_lines = (select(func.count(CostLine.id)).where(CostLine.asset_id == DataAsset.id)
                   .correlate(DataAsset).scalar_subquery())
        rows = s.execute(select(*(getattr(DataAsset, c) for c in ASSET_COLUMNS), DataAsset.version,
                                n_lines.label("cost_lines"), DataAsset.accounting_facts.is_not(None).label("on_books"))
                         .where(*where).order_by(DataAsset.code).offset(offset).limit(limit))
        return [dict(r._mapping) for r in rows], total


@dataclass(frozen=True)
class CostLineInfo:
    id: int
    line_no: int
    category: str
    item: str
    amount: Any  # Decimal CNY
    incurred_on: date | None
    evidence: str
    restate: bool
    version: int
    files: tuple[tuple[str, int, str], ...]  # name, bytes, sha256


def asset_detail(user: User, company: str, code: str) -> dict[str, Any]:
    """An asset's columns, attributes, version and cost lines with their evidence files."""
    authorize(user, "assets.view")
    from base.money import from_fen
    from register.assets import get_asset

    with register().session(actor=user.username) as s:
        a = get_asset(s, company, code)
        lines = [CostLineInfo(c.id, c.line_no, c.category, c.item, from_fen(c.amount_fen), c.incurred_on, c.evidence,
                              c.restate, c.version, tuple((f.file_name, f.size_bytes, f.sha256) for f in c.files))
                 for c in a.cost_lines]
        return {**{c: getattr(a, c) for c in ASSET_COLUMNS}, "version": a.version, "attributes": dict(a.attributes or {}),
                "accounting_facts": a.accounting_facts, "cost_lines": lines}


def _csv_row_file(folder: Any, name: str, row: dict[str, Any]) -> Any:
    """One asset as a one-row batch CSV (the register's CSV import format)."""
    import csv
    from pathlib import Path

    path = Path(folder) / name
    cols = [c for c in FORM_COLUMNS if c in row]
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(cols)
        w.writerow(["" if row[c] is None else str(row[c]) for c in cols])
    return path


def validate_asset_row(user: User, row: dict[str, Any]) -> list[Any]:
    """Every problem of one asset row under the register's CSV import rules (``register.importing``)."""
    authorize(user, "assets.view")
    import tempfile

    from register.importing import validate_file

    with tempfile.TemporaryDirectory(prefix="dataval-form-") as d:
        _parsed, issues = validate_file(_csv_row_file(d, "form.csv", row))
    return list(issues)


def add_asset(user: User, company: str, row: dict[str, Any]) -> Any:
    """Add one asset entered in the form: validated and written by the register's importer (all or nothing).

    Raises ``register.ImportRefused`` with every problem (by column) when the row is not valid.
    """
    authorize(user, "assets.edit")
    import tempfile

    from register.importing import import_file

    with tempfile.TemporaryDirectory(prefix="dataval-form-") as d:
        path = _csv_row_file(d, f"dashboard-form-{row.get('asset_id', 'asset')}.csv", row)
        return import_file(register(), path, company=company, actor=user.username, report=path.with_suffix(".xlsx"))


def update_asset(user: User, company: str, code: str, changes: dict[str, Any], *, expected_version: int) -> None:
    """Edit an asset read at ``expected_version`` (``register.assets.update_asset``: optimistic locking).

    The edited row is validated first with the register's import rules; an asset imported from a batch
    row keeps its ``attributes`` row in step with the edited columns.
    """
    authorize(user, "assets.edit")
    from register.assets import get_asset
    from register.assets import update_asset as update
    from register.errors import ImportRefused

    detail = asset_detail(user, company, code)
    row = {"asset_id": code, **{k: detail[k] for k in ASSET_COLUMNS if k != "code"}, **changes}
    issues = validate_asset_row(user, row)
    if issues:
        raise ImportRefused(f"{company}/{code}", issues)
    with register().session(actor=user.username) as s:
        attrs = dict(get_asset(s, company, code).attributes or {})
        new = dict(changes)
        if "asset_id" in attrs:  # a batch row: the same columns live in the row
            for k, v in changes.items():
                if k in FORM_COLUMNS:
                    if v in (None, ""):
                        attrs.pop(k, None)
                    else:
                        attrs[k] = str(v)
            new["attributes"] = attrs
        update(s, company, code, new, expected_version=expected_version)


LINE_FIELDS = ("category", "item", "amount", "incurred_on", "evidence", "restate")


def _line_fields(line: dict[str, Any]) -> dict[str, Any]:
    return {k: line[k] for k in LINE_FIELDS if line.get(k) is not None}


def cost_line_problems(code: str, lines: Sequence[dict[str, Any]]) -> list[str]:
    """Every problem of edited cost lines as cost lines of the cost method (``valuation.cost.CostLine``:
    category, item, amount ≥ 0, date), each naming the asset, the line and the field."""
    from pydantic import ValidationError

    from base.messages import describe
    from valuation.cost.inputs import CostLine

    problems: list[str] = []
    for i, ln in enumerate(lines, start=1):
        try:
            CostLine.model_validate(_line_fields(ln))
        except ValidationError as exc:
            problems += [f"{code} cost line {i} {'.'.join(map(str, e['loc']))}: {describe(dict(e))}"
                         for e in exc.errors()]
    return problems


def save_cost_lines(user: User, company: str, code: str, lines: Sequence[dict[str, Any]],
                    read_versions: dict[int, int]) -> tuple[int, int, int]:
    """Replace an asset's cost lines by the edited table, in one transaction: (added, changed, removed).

    Each line is checked first as a cost line of the cost method (``valuation.cost.CostLine``: category,
    item, amount ≥ 0, date); a problem names the asset, the line and the field, and nothing is saved.
    A line changed by someone else since it was read (its version moved) is refused (ConcurrentEdit).
    Adapter: the register has ``add_cost_line``; changes and removals of lines are made here on its rows.
    """
    authorize(user, "assets.edit")
    from base.errors import InvalidInput
    from base.money import to_fen
    from register.assets import add_cost_line, get_asset
    from register.errors import ConcurrentEdit
    from register.models import CostLine as LineRow
    from valuation.cost.inputs import CostLine

    problems = cost_line_problems(code, lines)
    if problems:
        raise InvalidInput("成本明细未保存 cost lines not saved:\n" + "\n".join(problems), asset_id=code)
    clean = [(int(ln["id"]) if isinstance(ln.get("id"), int) else None, CostLine.model_validate(_line_fields(ln)))
             for ln in lines]
    added = changed = removed = 0
    with register().session(actor=user.username) as s:
        asset = get_asset(s, company, code)
        stored = {c.id: c for c in asset.cost_lines}
        keep = {lid for lid, _ in clean if lid is not None}
        for sid, row in list(stored.items()):
            if sid not in read_versions:
                raise ConcurrentEdit(f"the cost lines of {code} (line {row.line_no} was added since you read them)",
                                     expected=0, found=row.version, asset_id=code)
            if row.version != read_versions[sid]:
                raise ConcurrentEdit(f"cost line {row.line_no} of {code}", expected=read_versions[sid],
                                     found=row.version, asset_id=code)
            if sid not in keep:
                asset.cost_lines.remove(row)
                removed += 1
        gone = sorted(lid for lid in keep if lid not in stored)
        if gone:
            raise ConcurrentEdit(f"cost line id {gone[0]} of {code}", expected=read_versions.get(gone[0], 0),
                                 found=None, asset_id=code)
        s.flush()
        for lid, m in clean:
            if lid is None:
                new_row = add_cost_line(s, company, code, category=m.category.value, item=m.item,
                                        amount=str(m.amount), incurred_on=m.incurred_on, evidence=m.evidence)
                new_row.restate = m.restate
                added += 1
                continue
            row_: LineRow = stored[lid]
            new = {"category": m.category.value, "item": m.item, "amount_fen": to_fen(str(m.amount)),
                   "incurred_on": m.incurred_on, "evidence": m.evidence, "restate": m.restate}
            if any(getattr(row_, k) != v for k, v in new.items()):
                for k, v in new.items():
                    setattr(row_, k, v)
                changed += 1
        s.flush()
    return added, changed, removed


def attach_evidence(user: User, cost_line_id: int, name: str, content: bytes) -> str:
    """Keep an uploaded evidence file with a cost line (``register.assets.attach_evidence``); its SHA-256."""
    authorize(user, "assets.edit")
    import tempfile
    from pathlib import Path

    from register.assets import attach_evidence as attach

    with tempfile.TemporaryDirectory(prefix="dataval-evidence-") as d:
        path = Path(d) / (Path(name).name or "evidence")
        path.write_bytes(content)
        with register().session(actor=user.username) as s:
            return str(attach(s, cost_line_id, path).sha256)


def import_upload(user: User, company: str | None, name: str, content: bytes) -> tuple[Any, bytes | None]:
    """Import an uploaded template (.xlsx) or batch CSV (``register.importing.import_file``).

    Returns (summary, None), or (ImportRefused, the Excel error report) when the file is refused —
    the register is then untouched.
    """
    authorize(user, "assets.import")
    import tempfile
    from pathlib import Path

    from register.errors import ImportRefused
    from register.importing import import_file

    with tempfile.TemporaryDirectory(prefix="dataval-import-") as d:
        path = Path(d) / (Path(name).name or "upload")
        path.write_bytes(content)
        report = Path(d) / "errors.xlsx"
        try:
            summary = import_file(register(), path, company=company, actor=user.username, report=report)
        except ImportRefused as exc:
            return exc, report.read_bytes() if report.exists() else None
        return summary, None


# ---------------------------------------------------------------- stored results for the workbooks
def stored_case_result(user: User, engagement_key: str) -> tuple[Any, Any]:
    """The engagement's case and its stored run as a ``CaseResult`` (the latest result of each asset),
    read back from the register, not recomputed."""
    authorize(user, "valuation.view")
    from sqlalchemy import select

    from register.errors import NotFound
    from register.models import Engagement, ValuationResult
    from valuation.case import ValuationCase
    from valuation.engine import AssetValuation, CaseResult

    ident = int(engagement_key.partition(":")[2])
    with register().session(actor=user.username) as s:
        eng = s.get(Engagement, ident)
        if eng is None:
            raise NotFound(f"no engagement {ident}")
        case = ValuationCase.model_validate(eng.inputs)
        rows = list(s.scalars(select(ValuationResult).where(ValuationResult.engagement_id == ident,
                                                            ValuationResult.inputs_fingerprint == eng.inputs_fingerprint)
                              .order_by(ValuationResult.id)))
        if not rows:
            raise NotFound(f"engagement {eng.case_id} has no stored valuation of its current inputs: run and save it "
                           "on the valuation page")
        latest = {r.asset_id: r for r in rows}
        first = rows[-1]
        result = CaseResult(engagement=case.engagement,
                            valuations=tuple(AssetValuation.model_validate(r.result) for r in latest.values()),
                            engine_version=first.engine_version, inputs_fingerprint=first.inputs_fingerprint,
                            seed=first.seed, n_draws=first.n_draws)
        return case, result


def engagements_with_results(user: User, company: str | None) -> dict[str, str]:
    """Engagements of the company that have a stored valuation (for the workpapers)."""
    authorize(user, "valuation.view")
    if company is None:
        return {}
    from sqlalchemy import select

    from register.assets import get_company
    from register.models import Engagement, ValuationResult

    with register().session(actor=user.username) as s:
        comp = get_company(s, company)
        rows = s.execute(select(Engagement.id, Engagement.case_id, Engagement.valuation_date).where(
            Engagement.company_id == comp.id,
            Engagement.id.in_(select(ValuationResult.engagement_id))).order_by(Engagement.case_id))
        return {f"eng:{r.id}": f"{r.case_id} · {r.valuation_date}" for r in rows}


def pledges(user: User, company: str | None) -> dict[int, str]:
    """The company's recorded pledges that keep their assessment (for the pledge workpaper)."""
    authorize(user, "workpapers.download")
    if company is None:
        return {}
    from sqlalchemy import select

    from register.assets import get_company
    from register.models import DataAsset, Pledge

    with register().session(actor=user.username) as s:
        comp = get_company(s, company)
        rows = s.execute(select(Pledge.id, Pledge.loan_id, Pledge.pledgee, Pledge.status, DataAsset.code)
                         .join(DataAsset, DataAsset.id == Pledge.asset_id)
                         .where(Pledge.company_id == comp.id, Pledge.assessment.is_not(None)).order_by(Pledge.id))
        return {r.id: f"{r.loan_id} · {r.code} → {r.pledgee} ({r.status})" for r in rows}


def pledge_record(user: User, pledge_id: int) -> tuple[Any, Any]:
    """The (PledgeCase, PledgeAssessment) kept with a recorded pledge."""
    authorize(user, "workpapers.download")
    from pledge import PledgeAssessment, PledgeCase
    from register.errors import NotFound
    from register.models import Pledge

    with register().session(actor=user.username) as s:
        row = s.get(Pledge, pledge_id)
        if row is None or not row.assessment or "case" not in row.assessment:
            raise NotFound(f"pledge {pledge_id} has no assessment kept with it")
        return (PledgeCase.model_validate(row.assessment["case"]),
                PledgeAssessment.model_validate(row.assessment["assessment"]))
