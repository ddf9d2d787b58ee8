"""Pledge rules broken (docs/pledge.md): each subclass is named after the rule.

Tree (see ``base/errors.py`` for the whole engine)::

    PledgeError
    ├── RatioOutOfRange            a policy ratio (haircut, discount, probability) outside [0, 1]
    │   ├── PledgeRateAboveOne     质押率 above 100 %
    │   └── LtvAboveOne            抵质押率 LTV limit / covenant above 100 %
    ├── RateOutOfRange             an annual interest or discount rate outside [0, 1)
    ├── TermNotPositive            loan term, time to sell or asset life not > 0
    ├── ScheduleMismatch           term not a whole number of periods, grace not shorter than the term
    ├── LoanBeyondAssetLife        loan longer than the collateral's remaining life, no reason stated
    ├── CashFlowTooShort           borrower cash flow does not cover every loan year
    ├── PolicyRateMissing          no pledge rate for the asset class and valuation method
    ├── InvalidCollateral          conclusion weights, simulated values or method values inconsistent
    ├── AssetNotHeld               the company does not hold the asset it pledges (register link)
    └── AlreadyPledged             the asset already carries an active pledge (register link)

These are raised from the input models' validators, so a case is refused when it is loaded, with the
field named as a dotted path from the case root (``term_sheet.annual_rate``, ``policy.ltv_limit``).
"""

from __future__ import annotations

from base.errors import DatavalError


class PledgeError(DatavalError):
    """A pledge-financing rule (docs/pledge.md) is not met by the input."""

    rule = "pledge"


class RatioOutOfRange(PledgeError):
    """A ratio of the bank policy (haircut, discount, probability, weight) must lie in [0, 1]."""

    rule = "ratio_out_of_range"


class PledgeRateAboveOne(RatioOutOfRange):
    """质押率 pledge rate must not exceed 100 % of the collateral value."""

    rule = "pledge_rate_above_one"


class LtvAboveOne(RatioOutOfRange):
    """抵质押率 LTV limits and covenants must not exceed 100 % of the liquidation value."""

    rule = "ltv_above_one"


class RateOutOfRange(PledgeError):
    """An annual interest, fee or discount rate must lie in [0, 1) (0.06 = 6 %)."""

    rule = "rate_out_of_range"


class TermNotPositive(PledgeError):
    """A term (loan term, time to sell, remaining asset life) must be positive."""

    rule = "term_not_positive"


class ScheduleMismatch(PledgeError):
    """The term must be a whole number of payment periods and longer than the grace period."""

    rule = "schedule_mismatch"


class LoanBeyondAssetLife(PledgeError):
    """A loan may outlive its collateral's remaining economic life only with a stated reason."""

    rule = "loan_beyond_asset_life"


class CashFlowTooShort(PledgeError):
    """The borrower's cash flow must be given for every loan year (DSCR test)."""

    rule = "cash_flow_too_short"


class PolicyRateMissing(PledgeError):
    """The bank policy has no pledge rate for the collateral's asset class and valuation method."""

    rule = "policy_rate_missing"


class InvalidCollateral(PledgeError):
    """The collateral's appraisal figures are inconsistent (weights, methods, simulated values)."""

    rule = "invalid_collateral"


class AssetNotHeld(PledgeError):
    """Only an asset the company holds (on its register) can be pledged."""

    rule = "asset_not_held"


class AlreadyPledged(PledgeError):
    """A second pledge of an already-pledged asset is refused (the registry blocks it)."""

    rule = "already_pledged"
