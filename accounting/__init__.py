"""Accounting for data resources under the interim provisions (财会〔2023〕11号) and CAS 1/6/8/28.

Pure package: facts and events in, journal, ledger, statements and notes out (财会〔2023〕11号 and CAS;
docs/accounting.md). Entry point: :func:`book`. Money is ``Decimal`` rounded by
:func:`accounting.money.money` only.
"""

from accounting.amortization import month_charge, monthly_amount, months_within_term, straight_line_schedule
from accounting.book import BookResult, Check, RejectedEvent, book
from accounting.case import BookCase, PeriodClose, Policy
from accounting.chart import Account, ChartOfAccounts
from accounting.classify import RecognitionDecision, classify
from accounting.engine import BookKeeper, EventOutcome
from accounting.enums import (
    AccountRole,
    AmortizationMethod,
    BusinessModel,
    Classification,
    CostCategory,
    EntryType,
    EventKind,
    Formation,
    Framework,
    HoldingPurpose,
    Movement,
    RDPhase,
    ResourceNature,
)
from accounting.errors import (
    AccountingError,
    AmortizationBeforeReady,
    AssetDerecognized,
    CapitalizationCriteriaNotMet,
    ChartOfAccountsError,
    ClassificationUndecided,
    ClosedPeriod,
    InvalidEvent,
    OversoldInventory,
    ProspectiveTransition,
    UnbalancedEntry,
    UnknownAccount,
    UnknownAsset,
    UsefulLifeError,
)
from accounting.events import Event
from accounting.facts import Criterion, DataResource, FiveCriteria, RightHeld, UsefulLifeFactors
from accounting.journal import JournalEntry, JournalLine, Ledger
from accounting.money import money

__all__ = [
    "Account", "AccountRole", "AccountingError", "AmortizationBeforeReady", "AmortizationMethod",
    "AssetDerecognized", "BookCase", "BookKeeper", "BookResult", "BusinessModel", "CapitalizationCriteriaNotMet",
    "ChartOfAccounts", "ChartOfAccountsError", "Check", "Classification", "ClassificationUndecided", "ClosedPeriod",
    "CostCategory", "Criterion", "DataResource", "EntryType", "Event", "EventKind", "EventOutcome", "FiveCriteria",
    "Formation", "Framework", "HoldingPurpose", "InvalidEvent", "JournalEntry", "JournalLine", "Ledger", "Movement",
    "OversoldInventory", "PeriodClose", "Policy", "ProspectiveTransition", "RDPhase", "RecognitionDecision",
    "RejectedEvent", "ResourceNature", "RightHeld", "UnbalancedEntry", "UnknownAccount", "UnknownAsset",
    "UsefulLifeError", "UsefulLifeFactors", "book", "classify", "money", "month_charge", "monthly_amount",
    "months_within_term", "straight_line_schedule",
]
