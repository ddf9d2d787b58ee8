"""The sample cases in data/examples/pledges/ run end to end with the default bank policy."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pledge import BankPolicy, LoanConstraint, PledgeAssessment, assess, case_from_dict

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
