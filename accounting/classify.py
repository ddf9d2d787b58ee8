"""Recognition decision for one data resource (财会〔2023〕11号 二; CAS 6, CAS 1, CAS basic standard).

Classification follows purpose of holding, formation, business model and how benefits are consumed.
The classifier never guesses: a fact it needs and does not have is listed in ``missing_facts`` and
the decision is ``undecided``.
"""

from __future__ import annotations

from datetime import date

from accounting.citations import (
    DISCLOSURE,
    INTANGIBLE_MEASUREMENT,
    INVENTORY,
    PROVISIONS,
    SERVING_CUSTOMERS,
    STANDARDS,
    TRANSITION,
)
from accounting.enums import (
    BusinessModel,
    Classification,
    Formation,
    HoldingPurpose,
    ResourceNature,
    label,
)
from accounting.facts import CRITERIA_NAMES, DataResource
from base.models import FrozenModel

__all__ = ["PROVISIONS", "PROVISIONS_EFFECTIVE", "RecognitionDecision", "classify"]

PROVISIONS_EFFECTIVE = date(2024, 1, 1)  # effective date, applied prospectively (未来适用法)


class RecognitionDecision(FrozenModel):
    """What the resource is on the books, why (articles cited), and what is missing."""

    asset_id: str
    name: str
    classification: Classification
    label_zh: str
    label_en: str
    formation: Formation | None
    rationale: tuple[str, ...]
    citations: tuple[str, ...]
    missing_facts: tuple[str, ...] = ()
    capitalization_start: date | None = None
    unproven_criteria: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()


def classify(r: DataResource) -> RecognitionDecision:
    """Decide intangible / inventory / internal R&D / expense / not an asset for ``r``."""
    why: list[str] = []
    cites: list[str] = []
    missing: list[str] = []
    notes: list[str] = []

    def done(cls: Classification, **kw: object) -> RecognitionDecision:
        return RecognitionDecision(
            asset_id=r.asset_id, name=r.name, classification=cls,
            label_zh=label(cls.value, "zh"), label_en=label(cls.value, "en"),
            formation=r.formation, rationale=tuple(why), citations=tuple(dict.fromkeys(cites)),
            missing_facts=tuple(missing), notes=tuple(notes), **kw,
        )

    identifiable = _identifiable(r)

    if r.nature == ResourceNature.PROCESSING_SERVICE:
        cites.append(INTANGIBLE_MEASUREMENT)
        if r.controlled is False or identifiable is False:
            why.append(
                "Purchased processing service (采集、脱敏、清洗、标注、整合、分析、可视化) that does not itself "
                f"meet the intangible-asset definition of CAS 6 art. 3 (controlled: {r.controlled}, "
                f"identifiable: {identifiable}): expensed according to use ({INTANGIBLE_MEASUREMENT})."
            )
            cites.append("CAS 6 art. 3")
            return done(Classification.EXPENSE)
        if r.controlled is None:
            missing.append("controlled")
        if identifiable is None:
            missing.append("separable or contractual_or_legal_rights")
        if missing:
            why.append("Processing service: whether it yields a controlled, identifiable resource is not answered.")
            return done(Classification.UNDECIDED)
        why.append("The processing service yields a resource that is controlled and identifiable; it is "
                   "assessed as a data resource.")

    if r.purpose is None:
        missing.append("purpose")
    if r.formation is None:
        missing.append("formation")
    if r.controlled is None:
        missing.append("controlled")
    if r.benefits_probable is None:
        missing.append("benefits_probable")
    if r.cost_reliably_measurable is None:
        missing.append("cost_reliably_measurable")
    outward = r.purpose in (HoldingPurpose.HELD_FOR_SALE, HoldingPurpose.SERVING_CUSTOMERS)
    if outward and r.business_model is None:
        missing.append("business_model (license copies and keep control, or transfer the dataset?)")

    # Failures of the asset definition decide even when other facts are missing.
    if r.controlled is False:
        why.append("Not controlled by the entity: not an asset (CAS basic standard art. 20); the resource "
                   f"may be disclosed voluntarily ({DISCLOSURE}).")
        cites += ["CAS basic standard art. 20-22", DISCLOSURE]
        missing.clear()
        return done(Classification.NOT_AN_ASSET)
    if r.benefits_probable is False or r.cost_reliably_measurable is False:
        failed = "economic benefits not probable" if r.benefits_probable is False else "cost not reliably measurable"
        why.append(f"Recognition criteria fail ({failed}): not an asset (CAS basic standard art. 21; CAS 6 "
                   f"art. 4); spending is expensed and the resource may be disclosed voluntarily.")
        cites += ["CAS basic standard art. 20-22", "CAS 6 art. 4", DISCLOSURE]
        missing.clear()
        return done(Classification.NOT_AN_ASSET)

    if r.purpose == HoldingPurpose.HELD_FOR_SALE and r.business_model == BusinessModel.INTERNAL_ONLY:
        missing.append("business_model (internal_only contradicts purpose held_for_sale)")
    if missing:
        why.append("Classification needs purpose of holding, formation, control, recognition criteria and, "
                   f"for data offered outside, the business model ({STANDARDS}); missing: "
                   f"{', '.join(missing)}.")
        cites.append(STANDARDS)
        return done(Classification.UNDECIDED)

    cites.append(STANDARDS)
    why.append(f"Purpose: {label(r.purpose or '', 'en')}; formation: {label(r.formation or '', 'en')}"
               + (f"; business model: {label(r.business_model, 'en')}" if r.business_model else "") + ".")
    why.append("Controlled by the entity" + (f" ({r.control_evidence})" if r.control_evidence else "")
               + (f", registration certificate {r.registration_certificate}" if r.registration_certificate else "")
               + "; economic benefits probable and cost reliably measurable (CAS 6 art. 4 / CAS 1 art. 4).")
    cites += ["CAS 6 art. 4", "CAS 1 art. 4"]

    if outward and r.business_model == BusinessModel.TRANSFER_DATASET:
        why.append("Held in ordinary activities and ultimately sold with control transferring to the buyer: "
                   f"inventory — 存货—其中：数据资源 (CAS 1 art. 3; {INVENTORY}). Cost of a processed "
                   "dataset includes purchase, processing and attributable costs (CAS 1 art. 5-8).")
        cites += ["CAS 1 art. 3", "CAS 1 art. 5-8"]
        cites.remove("CAS 6 art. 4")
        return done(Classification.INVENTORY)

    # Intangible track: CAS 6 art. 3 definition.
    if identifiable is None:
        missing.append("separable or contractual_or_legal_rights")
        why.append("Identifiability (CAS 6 art. 3: separable, or arising from contractual or legal rights) "
                   "is not answered.")
        cites.append("CAS 6 art. 3")
        return done(Classification.UNDECIDED)
    if identifiable is False and r.purpose == HoldingPurpose.SERVING_CUSTOMERS and r.contract is not None:
        c = r.contract
        cites += ["CAS 6 art. 3", "CAS 14 art. 26", SERVING_CUSTOMERS]
        if c.conditions_met():
            why.append(f"用于履行客户合同 {c.contract_id}、不符合无形资产定义的数据资源：收入按收入准则确认，满足 CAS 14 第26条"
                       f"的成本确认为合同履约成本 — data serving customer contract {c.contract_id} that fails the "
                       "intangible definition (not identifiable): revenue under CAS 14; its costs are directly related to "
                       "the contract, generate resources used to satisfy the performance obligations and are expected "
                       f"to be recovered, so they are 合同履约成本 (CAS 14 art. 26; {SERVING_CUSTOMERS}); evidence: "
                       f"{c.evidence}. Amortized as the service is delivered (art. 29), tested for impairment (art. 30).")
            return done(Classification.CONTRACT_COST)
        unmet = [n for n, ok in (("directly_related", c.directly_related), ("generates_resources", c.generates_resources),
                                 ("expected_recovered", c.expected_recovered)) if not ok]
        why.append(f"用于履行客户合同但不满足 CAS 14 第26条（{', '.join(unmet)}）：成本费用化 — costs of serving contract "
                   f"{c.contract_id} fail CAS 14 art. 26 ({', '.join(unmet)}): expensed as incurred.")
        return done(Classification.EXPENSE)
    if identifiable is False:
        why.append("Not identifiable (neither separable nor arising from contractual or legal rights): fails "
                   "the intangible-asset definition of CAS 6 art. 3; spending is expensed as incurred.")
        cites.append("CAS 6 art. 3")
        return done(Classification.EXPENSE)
    basis = []
    if r.separable:
        basis.append("separable")
    if r.contractual_or_legal_rights or (r.contractual_or_legal_rights is None and r.rights):
        basis.append("arises from contractual or legal rights"
                     + (f" ({', '.join(f'{x.right.value}/{x.source.value}' for x in r.rights)})" if r.rights else ""))
    why.append("Controlled, without physical form, non-monetary and identifiable (" + "; ".join(basis)
               + "): meets the intangible-asset definition (CAS 6 art. 3).")
    cites.append("CAS 6 art. 3")
    if r.purpose == HoldingPurpose.HELD_FOR_SALE or r.business_model == BusinessModel.LICENSE_COPIES_KEEP_CONTROL:
        why.append("Business model: copies are licensed while the entity keeps control of the dataset, so it "
                   "is used by the entity (to serve customers), not sold: intangible asset; licence fees are "
                   "revenue under CAS 14.")
        cites.append("CAS 14")
    if r.purpose == HoldingPurpose.SERVING_CUSTOMERS:
        notes.append(f"Amortization of data used to serve customers goes to cost of sales ({SERVING_CUSTOMERS}).")

    if r.formation == Formation.SELF_DEVELOPED:
        cites += ["CAS 6 art. 7-10"]
        why.append("Internal R&D: research-phase spending is expensed (CAS 6 art. 8); development-phase "
                   "spending is capitalized as 开发支出—其中：数据资源 only from the date all five criteria of "
                   "CAS 6 art. 9 are met, and transferred to 无形资产 when ready for intended use.")
        if not r.phases_separable:
            why.append("Research and development cannot be separated: all spending is expensed (CAS 6 application guidance: when research and development cannot be told apart, all is research).")
            return done(Classification.INTERNAL_RD, unproven_criteria=tuple(CRITERIA_NAMES))
        unproven = r.criteria.unproven()
        start = r.criteria.date_all_met()
        if start is None:
            why.append("Not all five criteria are evidenced with a date (unproven: " + ", ".join(unproven)
                       + "): development spending is expensed (CAS 6 art. 9: capitalized only when all five are met).")
        else:
            why.append(f"All five criteria of CAS 6 art. 9 evidenced, first all met on {start}: development "
                       "spending from that date is capitalized.")
            if start < PROVISIONS_EFFECTIVE:
                notes.append(f"Spending before {PROVISIONS_EFFECTIVE} stays expensed: the provisions apply "
                             f"prospectively ({TRANSITION}, 未来适用法).")
        return done(Classification.INTERNAL_RD, capitalization_start=start, unproven_criteria=tuple(unproven))

    cites.append("CAS 6 art. 12")
    why.append(("Purchased" if r.formation == Formation.PURCHASED else "Obtained otherwise")
               + ": initial cost = purchase price + non-deductible taxes + directly attributable processing "
               "(脱敏、清洗、标注、整合、分析、可视化) + rights verification, quality assessment, registration and "
               f"settlement, security management fees (CAS 6 art. 12; {INTANGIBLE_MEASUREMENT}).")
    return done(Classification.INTANGIBLE_ASSET)


def _identifiable(r: DataResource) -> bool | None:
    """CAS 6 art. 3: separable, or arising from contractual or other legal rights."""
    contractual = r.contractual_or_legal_rights
    if contractual is None and r.rights:
        contractual = True
    if r.separable or contractual:
        return True
    if r.separable is False and contractual is False:
        return False
    return None
