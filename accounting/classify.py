"""Recognition decision for one data resource (财会〔2023〕11号 二; CAS 6, CAS 1, CAS basic standard).

Classification follows purpose of holding, formation, business model and how benefits are consumed.
The classifier never guesses: a fact it needs and does not have is listed in ``missing_facts`` and
the decision is ``undecided``. Every rationale sentence and note is given in Chinese first
(``rationale_zh``, ``notes_zh``, ``missing_facts_zh``, same length and order) and in English; the
Chinese cites the standards by their full titles (《企业会计准则第6号——无形资产》第九条).
"""

from __future__ import annotations

from collections.abc import Callable
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
    FACT_LABELS,
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

# Full titles of the standards, as the Chinese rationale cites them.
BASIC_ZH = "《企业会计准则——基本准则》"
CAS1_ZH = "《企业会计准则第1号——存货》"
CAS6_ZH = "《企业会计准则第6号——无形资产》"
CAS14_ZH = "《企业会计准则第14号——收入》"


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
    # Chinese texts parallel to rationale, notes and missing_facts (same length and order).
    rationale_zh: tuple[str, ...] = ()
    notes_zh: tuple[str, ...] = ()
    missing_facts_zh: tuple[str, ...] = ()


def classify(r: DataResource) -> RecognitionDecision:
    """Decide intangible / inventory / internal R&D / expense / not an asset for ``r``."""
    why: list[str] = []
    why_zh: list[str] = []
    cites: list[str] = []
    missing: list[str] = []
    notes: list[str] = []
    notes_zh: list[str] = []
    say = _pair(why_zh, why)
    note = _pair(notes_zh, notes)

    def done(cls: Classification, **kw: object) -> RecognitionDecision:
        return RecognitionDecision(
            asset_id=r.asset_id, name=r.name, classification=cls,
            label_zh=label(cls.value, "zh"), label_en=label(cls.value, "en"),
            formation=r.formation, rationale=tuple(why), citations=tuple(dict.fromkeys(cites)),
            missing_facts=tuple(missing), notes=tuple(notes), rationale_zh=tuple(why_zh),
            notes_zh=tuple(notes_zh), missing_facts_zh=tuple(_fact_zh(m) for m in missing), **kw,
        )

    identifiable = _identifiable(r)

    if r.nature == ResourceNature.PROCESSING_SERVICE:
        cites.append(INTANGIBLE_MEASUREMENT)
        if r.controlled is False or identifiable is False:
            say(
                "外购的数据采集、脱敏、清洗、标注、整合、分析、可视化等加工服务，本身不满足"
                f"{CAS6_ZH}第三条规定的无形资产定义（是否控制：{_yn(r.controlled)}；是否可辨认："
                f"{_yn(identifiable)}），相关支出费用化，根据用途计入当期损益（{INTANGIBLE_MEASUREMENT}）。",
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
            say("加工服务：是否形成企业控制且可辨认的资源，尚未明确。",
                "Processing service: whether it yields a controlled, identifiable resource is not answered.")
            return done(Classification.UNDECIDED)
        say("该加工服务形成企业控制且可辨认的资源，按数据资源进行判断。",
            "The processing service yields a resource that is controlled and identifiable; it is "
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
        say(f"该资源不由企业控制，不满足资产定义，不确认为资产（{BASIC_ZH}第二十条）；可自愿披露该资源"
            f"（{DISCLOSURE}）。",
            "Not controlled by the entity: not an asset (CAS basic standard art. 20); the resource "
            f"may be disclosed voluntarily ({DISCLOSURE}).")
        cites += ["CAS basic standard art. 20-22", DISCLOSURE]
        missing.clear()
        return done(Classification.NOT_AN_ASSET)
    if r.benefits_probable is False or r.cost_reliably_measurable is False:
        failed = "economic benefits not probable" if r.benefits_probable is False else "cost not reliably measurable"
        failed_zh = "相关经济利益不是很可能流入企业" if r.benefits_probable is False else "成本不能够可靠计量"
        say(f"不满足资产确认条件（{failed_zh}），不确认为资产（{BASIC_ZH}第二十一条；{CAS6_ZH}第四条）；"
            "相关支出费用化，该资源可自愿披露。",
            f"Recognition criteria fail ({failed}): not an asset (CAS basic standard art. 21; CAS 6 "
            f"art. 4); spending is expensed and the resource may be disclosed voluntarily.")
        cites += ["CAS basic standard art. 20-22", "CAS 6 art. 4", DISCLOSURE]
        missing.clear()
        return done(Classification.NOT_AN_ASSET)

    if r.purpose == HoldingPurpose.HELD_FOR_SALE and r.business_model == BusinessModel.INTERNAL_ONLY:
        missing.append("business_model (internal_only contradicts purpose held_for_sale)")
    if missing:
        say("分类需要明确持有目的、形成方式、是否控制、资产确认条件，对外提供的数据还需明确商业模式"
            f"（{STANDARDS}）；尚缺：{'、'.join(_fact_zh(m) for m in missing)}。",
            "Classification needs purpose of holding, formation, control, recognition criteria and, "
            f"for data offered outside, the business model ({STANDARDS}); missing: "
            f"{', '.join(missing)}.")
        cites.append(STANDARDS)
        return done(Classification.UNDECIDED)

    cites.append(STANDARDS)
    say(f"持有目的：{label(r.purpose or '', 'zh')}；形成方式：{label(r.formation or '', 'zh')}"
        + (f"；商业模式：{label(r.business_model, 'zh')}" if r.business_model else "") + "。",
        f"Purpose: {label(r.purpose or '', 'en')}; formation: {label(r.formation or '', 'en')}"
        + (f"; business model: {label(r.business_model, 'en')}" if r.business_model else "") + ".")
    say("由企业控制" + (f"（{r.control_evidence}）" if r.control_evidence else "")
        + (f"，登记证书 {r.registration_certificate}" if r.registration_certificate else "")
        + f"；相关经济利益很可能流入企业，且成本能够可靠计量（{CAS6_ZH}第四条 / {CAS1_ZH}第四条）。",
        "Controlled by the entity" + (f" ({r.control_evidence})" if r.control_evidence else "")
        + (f", registration certificate {r.registration_certificate}" if r.registration_certificate else "")
        + "; economic benefits probable and cost reliably measurable (CAS 6 art. 4 / CAS 1 art. 4).")
    cites += ["CAS 6 art. 4", "CAS 1 art. 4"]

    if outward and r.business_model == BusinessModel.TRANSFER_DATASET:
        say("企业日常活动中持有、最终目的用于出售，且出售时控制权转移给买方：确认为存货，列示于“存货—其中："
            f"数据资源”（{CAS1_ZH}第三条；{INVENTORY}）。经加工的数据集，其成本包括采购成本、加工成本以及使其"
            f"达到目前场所和状态所发生的其他可直接归属的支出（{CAS1_ZH}第五条至第八条）。",
            "Held in ordinary activities and ultimately sold with control transferring to the buyer: "
            f"inventory — 存货—其中：数据资源 (CAS 1 art. 3; {INVENTORY}). Cost of a processed "
            "dataset includes purchase, processing and attributable costs (CAS 1 art. 5-8).")
        cites += ["CAS 1 art. 3", "CAS 1 art. 5-8"]
        cites.remove("CAS 6 art. 4")
        return done(Classification.INVENTORY)

    # Intangible track: CAS 6 art. 3 definition.
    if identifiable is None:
        missing.append("separable or contractual_or_legal_rights")
        say(f"可辨认性（{CAS6_ZH}第三条：能够从企业中分离或者划分出来，或者源自合同性权利或其他法定权利）"
            "尚未明确。",
            "Identifiability (CAS 6 art. 3: separable, or arising from contractual or legal rights) "
            "is not answered.")
        cites.append("CAS 6 art. 3")
        return done(Classification.UNDECIDED)
    if identifiable is False and r.purpose == HoldingPurpose.SERVING_CUSTOMERS and r.contract is not None:
        c = r.contract
        cites += ["CAS 6 art. 3", "CAS 14 art. 26", SERVING_CUSTOMERS]
        if c.conditions_met():
            say(f"用于履行客户合同 {c.contract_id}、不符合无形资产定义（不可辨认）的数据资源：相关收入按{CAS14_ZH}"
                "确认；其成本与该合同直接相关，增加了企业未来用于履行履约义务的资源，且预期能够收回，确认为合同履约"
                f"成本（{CAS14_ZH}第二十六条；{SERVING_CUSTOMERS}）；依据：{c.evidence}。该成本随服务的提供进行摊销"
                f"（{CAS14_ZH}第二十九条），并进行减值测试（{CAS14_ZH}第三十条）。",
                f"用于履行客户合同 {c.contract_id}、不符合无形资产定义的数据资源：收入按收入准则确认，满足 CAS 14 第26条"
                f"的成本确认为合同履约成本 — data serving customer contract {c.contract_id} that fails the "
                "intangible definition (not identifiable): revenue under CAS 14; its costs are directly related to "
                "the contract, generate resources used to satisfy the performance obligations and are expected "
                f"to be recovered, so they are 合同履约成本 (CAS 14 art. 26; {SERVING_CUSTOMERS}); evidence: "
                f"{c.evidence}. Amortized as the service is delivered (art. 29), tested for impairment (art. 30).")
            return done(Classification.CONTRACT_COST)
        unmet = [n for n, ok in (("directly_related", c.directly_related), ("generates_resources", c.generates_resources),
                                 ("expected_recovered", c.expected_recovered)) if not ok]
        say(f"用于履行客户合同 {c.contract_id}，但不满足{CAS14_ZH}第二十六条规定的条件（未满足："
            f"{'；'.join(_fact_zh(n) for n in unmet)}）：相关成本于发生时费用化。",
            f"用于履行客户合同但不满足 CAS 14 第26条（{', '.join(unmet)}）：成本费用化 — costs of serving contract "
            f"{c.contract_id} fail CAS 14 art. 26 ({', '.join(unmet)}): expensed as incurred.")
        return done(Classification.EXPENSE)
    if identifiable is False:
        say("不可辨认（既不能从企业中分离或者划分出来，也不源自合同性权利或其他法定权利），不满足"
            f"{CAS6_ZH}第三条规定的无形资产定义；相关支出于发生时费用化。",
            "Not identifiable (neither separable nor arising from contractual or legal rights): fails "
            "the intangible-asset definition of CAS 6 art. 3; spending is expensed as incurred.")
        cites.append("CAS 6 art. 3")
        return done(Classification.EXPENSE)
    basis = []
    basis_zh = []
    if r.separable:
        basis.append("separable")
        basis_zh.append("能够从企业中分离或者划分出来")
    if r.contractual_or_legal_rights or (r.contractual_or_legal_rights is None and r.rights):
        basis.append("arises from contractual or legal rights"
                     + (f" ({', '.join(f'{x.right.value}/{x.source.value}' for x in r.rights)})" if r.rights else ""))
        rights_zh = "、".join(label(x.right, "zh") + "/" + label(x.source, "zh") for x in r.rights)
        basis_zh.append("源自合同性权利或其他法定权利" + (f"（{rights_zh}）" if r.rights else ""))
    say("由企业控制、没有实物形态、属于非货币性资产且可辨认（" + "；".join(basis_zh)
        + f"）：满足无形资产定义（{CAS6_ZH}第三条）。",
        "Controlled, without physical form, non-monetary and identifiable (" + "; ".join(basis)
        + "): meets the intangible-asset definition (CAS 6 art. 3).")
    cites.append("CAS 6 art. 3")
    if r.purpose == HoldingPurpose.HELD_FOR_SALE or r.business_model == BusinessModel.LICENSE_COPIES_KEEP_CONTROL:
        say("商业模式：授权他人使用数据副本，企业保留对数据集的控制，属于企业自用（对外提供服务）而非出售："
            f"确认为无形资产；授权使用费按{CAS14_ZH}确认收入。",
            "Business model: copies are licensed while the entity keeps control of the dataset, so it "
            "is used by the entity (to serve customers), not sold: intangible asset; licence fees are "
            "revenue under CAS 14.")
        cites.append("CAS 14")
    if r.purpose == HoldingPurpose.SERVING_CUSTOMERS:
        note(f"用于对外提供服务的数据资源，其摊销金额计入营业成本（{SERVING_CUSTOMERS}）。",
             f"Amortization of data used to serve customers goes to cost of sales ({SERVING_CUSTOMERS}).")

    if r.formation == Formation.SELF_DEVELOPED:
        cites += ["CAS 6 art. 7-10"]
        say(f"内部研究开发：研究阶段的支出于发生时费用化，计入当期损益（{CAS6_ZH}第八条）；开发阶段的支出自"
            f"同时满足{CAS6_ZH}第九条五项条件之日起资本化，计入“开发支出—其中：数据资源”，达到预定用途时"
            "转入无形资产。",
            "Internal R&D: research-phase spending is expensed (CAS 6 art. 8); development-phase "
            "spending is capitalized as 开发支出—其中：数据资源 only from the date all five criteria of "
            "CAS 6 art. 9 are met, and transferred to 无形资产 when ready for intended use.")
        if not r.phases_separable:
            say(f"无法区分研究阶段支出和开发阶段支出：所发生的研发支出全部费用化，计入当期损益（{CAS6_ZH}"
                "应用指南：无法区分研究阶段和开发阶段的，全部视为研究阶段支出）。",
                "Research and development cannot be separated: all spending is expensed (CAS 6 application guidance: when research and development cannot be told apart, all is research).")
            return done(Classification.INTERNAL_RD, unproven_criteria=tuple(CRITERIA_NAMES))
        unproven = r.criteria.unproven()
        start = r.criteria.date_all_met()
        if start is None:
            say("五项条件尚未全部取得注明日期的证据（未证明：" + "；".join(_criterion_zh(n) for n in unproven)
                + f"）：开发阶段支出费用化（{CAS6_ZH}第九条：同时满足五项条件的，方可资本化）。",
                "Not all five criteria are evidenced with a date (unproven: " + ", ".join(unproven)
                + "): development spending is expensed (CAS 6 art. 9: capitalized only when all five are met).")
        else:
            say(f"{CAS6_ZH}第九条五项条件均有证据，于{_date_zh(start)}首次同时满足：自该日起发生的开发阶段支出"
                "予以资本化。",
                f"All five criteria of CAS 6 art. 9 evidenced, first all met on {start}: development "
                "spending from that date is capitalized.")
            if start < PROVISIONS_EFFECTIVE:
                note(f"{_date_zh(PROVISIONS_EFFECTIVE)}之前发生的支出仍予费用化，不追溯调整：本规定采用未来适用法"
                     f"（{TRANSITION}）。",
                     f"Spending before {PROVISIONS_EFFECTIVE} stays expensed: the provisions apply "
                     f"prospectively ({TRANSITION}, 未来适用法).")
        return done(Classification.INTERNAL_RD, capitalization_start=start, unproven_criteria=tuple(unproven))

    cites.append("CAS 6 art. 12")
    say(f"{label(r.formation or '', 'zh')}：初始成本 = 购买价款 + 不能抵扣的相关税费 + 直接归属于使该项资产达到"
        "预定用途的数据脱敏、清洗、标注、整合、分析、可视化等加工过程所发生的有关支出 + 数据权属鉴证、质量评估、"
        f"登记结算、安全管理等费用（{CAS6_ZH}第十二条；{INTANGIBLE_MEASUREMENT}）。",
        ("Purchased" if r.formation == Formation.PURCHASED else "Obtained otherwise")
        + ": initial cost = purchase price + non-deductible taxes + directly attributable processing "
        "(脱敏、清洗、标注、整合、分析、可视化) + rights verification, quality assessment, registration and "
        f"settlement, security management fees (CAS 6 art. 12; {INTANGIBLE_MEASUREMENT}).")
    return done(Classification.INTANGIBLE_ASSET)


def _pair(zh: list[str], en: list[str]) -> Callable[[str, str], None]:
    """An appender that keeps a Chinese and an English list parallel: ``say(zh_text, en_text)``."""

    def say(zh_text: str, en_text: str) -> None:
        zh.append(zh_text)
        en.append(en_text)

    return say


def _fact_zh(key: str) -> str:
    """Chinese label of a missing fact or condition (:data:`FACT_LABELS`); the key itself if unknown."""
    return FACT_LABELS.get(key, (key, key))[0]


def _criterion_zh(name: str) -> str:
    """Chinese text of a CAS 6 art. 9 criterion."""
    return CRITERIA_NAMES.get(name, (name, name))[0]


def _yn(value: bool | None) -> str:
    return "未明确" if value is None else ("是" if value else "否")


def _date_zh(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


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
