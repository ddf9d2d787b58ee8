"""Pledge financing of data assets (数据资产质押融资, docs/pledge.md) — a pure package.

Entry point: :func:`assess` a :class:`PledgeCase` into a :class:`PledgeAssessment`. The bank policy
(``data/bank_policy.json``) is loaded by the shell into a :class:`BankPolicy` and passed in, inside the
case or through :func:`case_from_dict`. :func:`check_pledgeable` is the register link.

How a shell calls it (no file or network access happens in this package)::

    policy = BankPolicy.model_validate_json(Path("data/bank_policy.json").read_text("utf-8"))
    case = case_from_dict(json.loads(Path(case_file).read_text("utf-8")), policy)
    result = assess(case)                  # PledgeAssessment, frozen
    result.model_dump(mode="json")         # clean JSON; field titles are the Chinese labels

Errors: a rule broken raises a :class:`PledgeError` subclass (a ``base.errors.DatavalError``)
naming the field as a dotted path from the case root; a wrong type or an unknown field raises
pydantic's ``ValidationError``.

Modules: ``models`` (inputs), ``results`` (outputs, enums), ``schedule`` (还款计划, rounding
convention), ``collateral`` (押品价值, 清算价值 and its discounting convention), ``simulation`` (Monte
Carlo), ``sizing`` (最高可贷额度), ``monitoring`` (paths, covenants, reverse stress), ``loss`` (Basel
EL), ``register`` (register link), ``errors``.
"""

from pledge.assess import assess
from pledge.collateral import collateral_value, liquidation
from pledge.errors import (
    AlreadyPledged,
    AssetNotHeld,
    CashFlowTooShort,
    InvalidCollateral,
    LoanBeyondAssetLife,
    LtvAboveOne,
    PledgeError,
    PledgeRateAboveOne,
    PolicyRateMissing,
    RateOutOfRange,
    RatioOutOfRange,
    ScheduleMismatch,
    TermNotPositive,
)
from pledge.loss import expected_loss
from pledge.models import (
    BankPolicy,
    BaselLgd,
    Borrower,
    Collateral,
    Covenants,
    DecayPattern,
    Holding,
    PaymentFrequency,
    PledgeCase,
    PledgeRateRow,
    Registration,
    Registry,
    RepaymentType,
    SimulationSettings,
    TermSheet,
    ValueDynamics,
    case_from_dict,
)
from pledge.register import check_pledgeable
from pledge.results import (
    LABELS,
    LABELS_ZH,
    CollateralValue,
    ConstraintResult,
    CovenantBreach,
    CovenantKind,
    LiquidationValue,
    LoanConstraint,
    LossEstimate,
    MaxLoan,
    PathPoint,
    PledgeAssessment,
    PledgeRestriction,
    RepaymentSchedule,
    ReverseStress,
    ScheduleRow,
    ShortfallSimulation,
    TriggerKind,
    labelled,
)
from pledge.schedule import build_schedule
from pledge.simulation import STREAM_BASE, simulate_values

__all__ = [
    "LABELS",
    "LABELS_ZH",
    "STREAM_BASE",
    "AlreadyPledged",
    "AssetNotHeld",
    "BankPolicy",
    "BaselLgd",
    "Borrower",
    "CashFlowTooShort",
    "Collateral",
    "CollateralValue",
    "ConstraintResult",
    "CovenantBreach",
    "CovenantKind",
    "Covenants",
    "DecayPattern",
    "Holding",
    "InvalidCollateral",
    "LiquidationValue",
    "LoanBeyondAssetLife",
    "LoanConstraint",
    "LossEstimate",
    "LtvAboveOne",
    "MaxLoan",
    "PathPoint",
    "PaymentFrequency",
    "PledgeAssessment",
    "PledgeCase",
    "PledgeError",
    "PledgeRateAboveOne",
    "PledgeRateRow",
    "PledgeRestriction",
    "PolicyRateMissing",
    "RateOutOfRange",
    "RatioOutOfRange",
    "Registration",
    "Registry",
    "RepaymentSchedule",
    "RepaymentType",
    "ReverseStress",
    "ScheduleMismatch",
    "ScheduleRow",
    "ShortfallSimulation",
    "SimulationSettings",
    "TermNotPositive",
    "TermSheet",
    "TriggerKind",
    "ValueDynamics",
    "assess",
    "build_schedule",
    "case_from_dict",
    "check_pledgeable",
    "collateral_value",
    "expected_loss",
    "labelled",
    "liquidation",
    "simulate_values",
]
