"""The sample cases in data/examples/pledges/ run end to end with the default bank policy."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pledge import (
    LABELS,
    BankPolicy,
    CovenantKind,
    LoanConstraint,
    PledgeAssessment,
    RepaymentType,
    TriggerKind,
    assess,
    case_from_dict,
)

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "data" / "examples" / "pledges").glob("*.json"))


@pytest.fixture(scope="module")
def policy() -> BankPolicy:
    return BankPolicy.model_validate_json((ROOT / "data" / "bank_policy.json").read_text(encoding="utf-8"))


def test_default_policy_matches_market_practice(policy: BankPolicy) -> None:
    # docs/pledge.md: banks lend around 30 % of appraised value on data assets
    assert {r.rate for r in policy.pledge_rates if r.method.value == "income"} <= {0.30}
    assert policy.basel.lgd_unsecured == 0.40 and policy.basel.lgd_secured == 0.25
    assert policy.basel.collateral_haircut == 0.40


def test_there_are_examples() -> None:
    assert len(EXAMPLES) >= 3


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_example_runs_and_dumps_clean_json(path: Path, policy: BankPolicy) -> None:
    case = case_from_dict(json.loads(path.read_text(encoding="utf-8")), policy)
    a = assess(case)
    m = a.max_loan
    assert m.amount == min(c.amount for c in m.constraints)
    assert [c.constraint for c in m.constraints] == list(LoanConstraint)
    assert m.within_limit == (case.term_sheet.amount <= m.amount)
    assert len(a.path) == case.term_sheet.periods + 1
    assert 0.0 <= a.simulation.prob_shortfall <= 1.0
    text = json.dumps(a.model_dump(mode="json"), allow_nan=False, ensure_ascii=False)
    # a result is a value: it reads back equal, and the same seed gives the same figures
    assert PledgeAssessment.model_validate_json(text) == a
    assert assess(case) == a


def test_over_limit_warning_names_the_binding_limit_by_its_labels(policy: BankPolicy) -> None:
    """The retail sample asks for more than the maximum loan: the warning names the binding limit
    Chinese first with its English (pledge.LABELS), never the engine's code."""
    path = ROOT / "data" / "examples" / "pledges" / "retail_6m_bullet_over_limit.json"
    a = assess(case_from_dict(json.loads(path.read_text(encoding="utf-8")), policy))
    assert not a.max_loan.within_limit
    (warning,) = [w for w in a.warnings if w.startswith("申请金额超过最高可贷额度")]
    zh, en = LABELS[a.max_loan.binding.value]
    assert warning.endswith(f"(起约束作用 binding: {zh} ({en}))")
    assert all(c.value not in w for w in a.warnings for c in LoanConstraint if "_" in c.value)


def test_every_pledge_code_has_both_labels() -> None:
    codes = {m.value for e in (LoanConstraint, CovenantKind, TriggerKind, RepaymentType) for m in e}
    assert codes - set(LABELS) == set()
    assert all(zh and en and zh != en for zh, en in LABELS.values())


def test_every_asset_class_of_the_bundled_policy_has_labels(policy: BankPolicy) -> None:
    assert {r.asset_class for r in policy.pledge_rates} - set(LABELS) == set()
