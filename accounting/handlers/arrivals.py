"""The other ways a data resource arrives (Tables A/B column 其他方式取得): contributed by an investor, acquired
in a business combination, granted free by government.

Each is measured by its own standard and lands in the 其他方式取得 column (the resource's formation is
``other``); an intangible is available for use on arrival unless the case books a ready_for_use event.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from accounting.enums import AccountRole, Classification, EntryType, GrantMethod, Movement
from accounting.errors import InvalidEvent
from accounting.events import BusinessCombination, Contribution, GovernmentGrant, NonMonetaryExchange
from accounting.handlers.development import make_ready
from accounting.handlers.inventory_lots import with_cost
from accounting.handlers.state import AssetState, Outcome, Tx, settle
from accounting.money import ZERO, money

NOMINAL = money("1.00")  # CAS 16 art. 8: a nominal CNY 1 when fair value cannot be measured reliably


def _asset_role(s: AssetState, what: str) -> AccountRole:
    if s.cls == Classification.INVENTORY:
        return AccountRole.DATA_INVENTORY
    if s.cls == Classification.INTANGIBLE_ASSET:
        return AccountRole.DATA_INTANGIBLE
    raise InvalidEvent(f"{what} brings an intangible asset or inventory; the resource is {s.cls.value}",
                       field="kind")


def _arrived(tx: Tx, s: AssetState, on: date, cost: Decimal, qty: Decimal) -> AssetState:
    """The state once the resource is on the books: inventory lots, or an intangible available for use."""
    if s.cls == Classification.INVENTORY:
        return replace(s, qty=s.qty + qty, lots=with_cost(s.lots, tx.event_id, qty, cost))
    if s.ready is None and s.resource.asset_id not in tx.context.planned_ready:
        return make_ready(s, on)
    return s


FAIR_TOLERANCE = Decimal("0.10")  # our convention: an agreed value more than 10 % from the appraised fair value
# is taken as not fair unless the entity says why it is (CAS 6 art. 14 leaves "not fair" to judgement)


def contribution(tx: Tx, s: AssetState, ev: Contribution) -> Outcome:
    """作价出资: Dr the data resource at cost; Cr 实收资本 (share of registered capital), 资本公积—资本溢价 the rest."""
    role = _asset_role(s, "a contribution")
    standard = "CAS 1 art. 11" if role == AccountRole.DATA_INVENTORY else "CAS 6 art. 14"
    if ev.agreed_value_fair:
        cost = ev.agreed_value
        why = [f"投资者 {ev.investor} 作价出资，按投资合同约定价值 {cost} 入账 — contributed by {ev.investor}: cost = "
               f"the value agreed in the investment contract ({standard})."]
        if ev.fair_value is not None and ev.fair_value > 0:
            gap = abs(ev.agreed_value - ev.fair_value) / ev.fair_value
            shown = f"{gap * 100:.1f}%"
            if gap > FAIR_TOLERANCE and not ev.deviation_reason.strip():
                raise InvalidEvent(
                    f"约定价值 {ev.agreed_value} 与公允价值 {ev.fair_value} 相差 {shown}，超过 10%：约定价值不公允的按公允价值入账"
                    f"（{standard}）— set agreed_value_fair false with the reason, or give deviation_reason for why "
                    f"the agreed value is fair", field="agreed_value")
            why.append(f"约定价值与公允价值 {ev.fair_value} 相差 {shown}"
                       + (f"（{ev.deviation_reason}）" if gap > FAIR_TOLERANCE else "，在 10% 以内，视为公允")
                       + f" — agreed value within {shown} of the fair value {ev.fair_value}.")
    else:
        assert ev.fair_value is not None
        cost = ev.fair_value
        why = [f"约定价值 {ev.agreed_value} 不公允，按公允价值 {cost} 入账 — the agreed value {ev.agreed_value} is not "
               f"fair ({ev.unfair_reason}): cost = fair value {cost} ({standard})."]
    premium = cost - ev.share_capital
    if premium < 0:
        raise InvalidEvent(f"the investor's share of registered capital {ev.share_capital} exceeds the value "
                           f"contributed {cost}: the contribution falls short (出资不实)", field="share_capital")
    d = tx.draft(field="share_capital")
    d.dr(role, cost, Movement.INCREASE_OTHER)
    d.cr(AccountRole.PAID_IN_CAPITAL, ev.share_capital)
    d.cr(AccountRole.CAPITAL_RESERVE, premium)
    why.append(f"实收资本 {ev.share_capital}，资本公积—资本溢价 {premium} — paid-in capital {ev.share_capital}, share "
               f"premium {premium}.")
    tx.add(d, ev.date, EntryType.CONTRIBUTION, " ".join(why))
    return _arrived(tx, s, ev.date, cost, ev.quantity), f"contributed at {cost}", why, {
        "cost": cost, "agreed_value": ev.agreed_value, "share_capital": ev.share_capital, "capital_reserve": premium}


def business_combination(tx: Tx, s: AssetState, ev: BusinessCombination) -> Outcome:
    """CAS 20: fair value (not under common control) or carrying amount (under common control)."""
    role = _asset_role(s, "a business combination")
    d = tx.draft(field="settled_to")
    if not ev.common_control:
        assert ev.fair_value is not None
        cost = ev.fair_value
        d.dr(role, cost, Movement.INCREASE_OTHER)
        d.cr(settle(ev.settled_to), cost)
        why = [f"非同一控制下企业合并取得（{ev.acquiree}），按购买日公允价值 {cost} 单独确认 — acquired with {ev.acquiree}, not "
               f"under common control: recognized apart from goodwill at its fair value at the acquisition date "
               f"(CAS 20 art. 14); the rest of the consideration goes with the other net assets and goodwill."]
        figures = {"cost": cost}
    else:
        assert ev.carrying_amount is not None and ev.consideration is not None
        cost = ev.carrying_amount
        difference = cost - ev.consideration
        d.dr(role, cost, Movement.INCREASE_OTHER)
        if difference < 0:
            d.dr(AccountRole.CAPITAL_RESERVE, -difference)
        d.cr(settle(ev.settled_to), ev.consideration)
        if difference > 0:
            d.cr(AccountRole.CAPITAL_RESERVE, difference)
        why = [f"同一控制下企业合并取得（{ev.acquiree}），按被合并方账面价值 {cost} 计量，与对价 {ev.consideration} 的差额 "
               f"{difference} 调整资本公积 — under common control: at the carrying amount {cost}; the difference from the "
               f"consideration {ev.consideration} goes to 资本公积 (CAS 20 art. 6)."]
        figures = {"cost": cost, "consideration": ev.consideration, "capital_reserve": difference}
    tx.add(d, ev.date, EntryType.BUSINESS_COMBINATION, " ".join(why))
    return _arrived(tx, s, ev.date, cost, ev.quantity), f"acquired in a combination at {cost}", why, figures


def government_grant(tx: Tx, s: AssetState, ev: GovernmentGrant) -> Outcome:
    """CAS 16: non-monetary grant at fair value (gross: 递延收益 released over the life; net: deducted), or a
    nominal CNY 1 straight to profit or loss when fair value cannot be measured reliably (art. 8, 11)."""
    if not ev.free:
        raise InvalidEvent("not a government grant: data or rights obtained with fees or obligations in return "
                           "(e.g. authorized operation with fees) are bought — book a purchase (CAS 16 art. 2)",
                           field="free")
    if s.cls != Classification.INTANGIBLE_ASSET:
        raise InvalidEvent("a grant of data or of a data right is recognized as an intangible asset used by the entity; "
                           f"the resource is {s.cls.value}", field="kind")
    role = AccountRole.DATA_INTANGIBLE
    income = AccountRole.OTHER_INCOME if ev.daily_activities else AccountRole.NON_OPERATING_INCOME
    d = tx.draft(field="fair_value")
    state = s
    if ev.fair_value is None:
        cost = NOMINAL
        d.dr(role, cost, Movement.INCREASE_OTHER)
        d.cr(income, cost)
        why = [f"公允价值不能可靠取得，按名义金额1元计量并直接计入当期损益 — fair value cannot be measured reliably "
               f"({ev.basis}): nominal CNY 1, straight to profit or loss (CAS 16 art. 8, 11)."]
        figures = {"cost": cost, "grant": cost, "deferred": ZERO}
    elif tx.context.policy.grant_method == GrantMethod.GROSS:
        cost = ev.fair_value
        d.dr(role, cost, Movement.INCREASE_OTHER)
        d.cr(AccountRole.DEFERRED_INCOME, cost)
        why = [f"与资产相关的政府补助，总额法：按公允价值 {cost} 确认资产和递延收益，在资产使用寿命内分期计入其他收益 — "
               f"asset-related grant at fair value {cost} ({ev.basis}); gross method: deferred income released to "
               "其他收益 over the asset's useful life (CAS 16 art. 8; policy)."]
        figures = {"cost": cost, "grant": cost, "deferred": cost}
        state = replace(s, grant_deferred=s.grant_deferred + cost, grant_rate=None)
    else:
        cost = ev.fair_value
        d.dr(role, cost, Movement.INCREASE_OTHER)
        d.cr(role, cost, Movement.DECREASE_OTHER)
        why = [f"与资产相关的政府补助，净额法：按公允价值 {cost} 确认后冲减资产账面价值 — asset-related grant at fair value "
               f"{cost} ({ev.basis}); net method: deducted from the asset's carrying amount (CAS 16 art. 8; policy)."]
        figures = {"cost": cost, "grant": cost, "deferred": ZERO}
    tx.add(d, ev.date, EntryType.GOVERNMENT_GRANT, " ".join(why))
    return _arrived(tx, state, ev.date, cost, Decimal("1")), f"granted by {ev.grantor}", why, figures


BOOT_LIMIT = Decimal("0.25")  # CAS 7 application guidance: boot below 25 % keeps it a non-monetary exchange


def exchange(tx: Tx, s: AssetState, ev: NonMonetaryExchange, given: AssetState | None) -> Outcome:
    """非货币性资产交换 (CAS 7 art. 3-6): one entry receiving ``s`` and giving up the other asset.

    Fair value basis (commercial substance and a reliable fair value): cost = fair value given + boot paid
    − boot received + taxes (or the received asset's fair value + taxes when that is the more reliable);
    the difference between the fair value given and its carrying amount to 资产处置损益. Otherwise the
    carrying amount given + boot paid − boot received + taxes, no gain or loss.
    """
    if s.cls != Classification.INTANGIBLE_ASSET:
        raise InvalidEvent(f"a non-monetary exchange under CAS 7 receives an intangible asset; the resource is "
                           f"{s.cls.value} (inventory received or given in ordinary activities is CAS 1 / CAS 14)",
                           field="kind")
    if ev.given_asset_id is not None:
        if given is None:
            raise InvalidEvent(f"no data resource {ev.given_asset_id!r} in the case", field="given_asset_id")
        if given.cls != Classification.INTANGIBLE_ASSET or given.derecognized is not None or given.ready is None:
            raise InvalidEvent(f"the asset given, {ev.given_asset_id}, must be a data intangible in use on the books "
                               f"(inventory given to customers is a sale under CAS 14)", field="given_asset_id")
        g_cost, g_acc, g_imp = tx.carrying(ev.given_asset_id)
        carrying = g_cost - g_acc - g_imp
        what = f"{ev.given_asset_id} {given.resource.name}"
    else:
        assert ev.given_carrying_amount is not None and ev.given_account is not None
        g_cost = g_acc = g_imp = ZERO
        carrying = ev.given_carrying_amount
        what = ev.given_description or ev.given_account
    fair = ev.commercial_substance and (ev.given_fair_value is not None or ev.received_fair_value is not None)
    if fair:
        if ev.given_fair_value is not None:
            given_value = ev.given_fair_value
            cost = money(given_value + ev.boot_paid - ev.boot_received + ev.related_taxes)
        else:  # the received asset's fair value is the reliable one
            assert ev.received_fair_value is not None
            given_value = money(ev.received_fair_value - ev.boot_paid + ev.boot_received)
            cost = money(ev.received_fair_value + ev.related_taxes)
        gain = given_value - carrying
        basis_zh, basis_en = "以公允价值为基础计量", "fair value basis"
    else:
        given_value, gain = carrying, ZERO
        cost = money(carrying + ev.boot_paid - ev.boot_received + ev.related_taxes)
        basis_zh, basis_en = "以账面价值为基础计量，不确认损益", "carrying-amount basis, no gain or loss"
    base = given_value if given_value > 0 else carrying
    share = (ev.boot_paid / (ev.boot_paid + base) if ev.boot_paid > 0 else ev.boot_received / base) if base > 0 \
        else Decimal("1")
    if share >= BOOT_LIMIT:
        raise InvalidEvent(f"补价占比 {share * 100:.1f}% ≥ 25%：不属于非货币性资产交换，按购买或出售处理 — boot is "
                           f"{share * 100:.1f}% of the exchange, 25 % or more: not a non-monetary exchange "
                           f"(CAS 7 application guidance); book a purchase and a disposal", field="boot_paid")
    d = tx.draft(field="settled_to")
    d.dr(AccountRole.DATA_INTANGIBLE, cost, Movement.INCREASE_OTHER)
    if ev.given_asset_id is not None:
        g = ev.given_asset_id
        d.dr(AccountRole.ACCUMULATED_AMORTIZATION, g_acc, Movement.DECREASE_DISPOSAL, asset_id=g)
        d.dr(AccountRole.INTANGIBLE_IMPAIRMENT, g_imp, Movement.DECREASE_DISPOSAL, asset_id=g)
        d.cr(AccountRole.DATA_INTANGIBLE, g_cost, Movement.DECREASE_DISPOSAL, asset_id=g)
    else:
        d.cr(str(ev.given_account), carrying)
    d.dr(settle(ev.settled_to), ev.boot_received - ev.boot_paid - ev.related_taxes)
    d.cr(AccountRole.DISPOSAL_GAIN, gain)
    why = [f"非货币性资产交换（与 {ev.counterparty}），{basis_zh}：换出 {what}（账面价值 {carrying}"
           + (f"，公允价值 {given_value}" if fair else "") + f"），补价 支付 {ev.boot_paid} / 收到 {ev.boot_received}"
           f"（占比 {share * 100:.1f}% < 25%），换入成本 {cost}" + (f"，处置损益 {gain}" if fair else "")
           + f" — non-monetary exchange with {ev.counterparty}, {basis_en} (CAS 7 art. 3-6): cost {cost}; "
           f"{ev.basis}"]
    tx.add(d, ev.date, EntryType.EXCHANGE, why[0])
    return _arrived(tx, s, ev.date, cost, Decimal("1")), f"received in exchange at {cost}", why, {
        "cost": cost, "given_carrying": carrying, "given_value": given_value, "gain": gain,
        "boot_share": money(share * 100)}
