"""事项录入 Lifecycle events on the ledger page: enter one, see the entries it will make, save it to the register;
list an asset's recorded events and cancel one by a reversing event (recorded events are never edited)."""

from __future__ import annotations

import typing
from datetime import date
from decimal import Decimal
from typing import Any

import pandas as pd
import streamlit as st
from pydantic import TypeAdapter, ValidationError

from accounting import BookCase, Event
from accounting.enums import EventKind
from accounting.events import EVENT_NAMES
from app import session, store, views
from app.auth import User, may
from app.i18n import bi, cny
from app.model_form import model_form
from app.safe import md
from base.messages import invalid

EVENT = TypeAdapter(Event)
EVENT_TYPES: dict[str, Any] = {typing.get_args(c.model_fields["kind"].annotation)[0].value: c
                               for c in typing.get_args(typing.get_args(Event)[0])}
NOT_ENTERED = frozenset({"kind", "event_id", "asset_id", "recorded_on", "valuation", "result_file"})
LONG = frozenset({"memo", "reason", "basis", "unfair_reason"})


def kind_label(kind: str) -> str:
    """An event kind as the reader sees it: its Chinese name, or the English one on the switch."""
    zh, en = EVENT_NAMES.get(EventKind(kind), (kind, kind))
    return bi(zh, en)


def _amount(payload: dict[str, Any]) -> str:
    """The event's headline amount for the list (cost lines summed, else its first amount field)."""
    lines = payload.get("cost_lines") or []
    if lines:
        return cny(sum((Decimal(str(x.get("amount", 0))) for x in lines), Decimal("0")))  # exact, to the fen
    for k in ("cost", "price", "amount", "proceeds", "recoverable_amount", "nrv", "agreed_value", "fair_value"):
        if payload.get(k) not in (None, ""):
            return cny(payload[k])
    return ""


def _clear_form(key: str) -> None:
    """Forget what was typed in the form ``key`` (and the duplicate confirmation): a saved event's form
    comes back empty, so a second click cannot record it again."""
    for k in [k for k in st.session_state if str(k) == key or str(k).startswith(key + ".") or k == "ev_again"]:
        del st.session_state[k]


def event_entry(user: User, company: str, case: BookCase) -> None:
    """The events tab: entry form with preview and save, the asset's recorded events, reversal."""
    can_edit = may(user, "books.edit")
    assets = {r.asset_id: r.name for r in case.resources}
    c1, c2 = st.columns(2)
    asset = c1.selectbox(bi("资产", "Asset"), list(assets), key="ev_asset", format_func=lambda a: f"{a} {assets[a]}")
    kinds = [k.value for k in EVENT_NAMES if k != EventKind.EVENT_REVERSAL]
    kind = c2.selectbox(bi("事项类型", "Event"), kinds, key="ev_kind", format_func=kind_label)
    choices: dict[str, dict[Any, str]] = {}
    if kind in ("impairment_test", "nrv_test", "contribution"):
        vals = [v for v in store.valuation_results(user, company) if v.asset_code == asset] or \
            store.valuation_results(user, company)
        choices["register_valuation"] = {v.id: f"#{v.id} {v.case_id} · {v.asset_code} · {v.valuation_date} · "
                                               f"{cny(v.value)}" for v in vals}
    raw = model_form(EVENT_TYPES[kind], key=f"ev.{asset}.{kind}", skip=NOT_ENTERED, disabled=not can_edit,
                     choices=choices, long_text=lambda n: n in LONG)
    raw.update(kind=kind, asset_id=asset)
    event: Event | None = None
    try:
        entered = store.resolve_valuation_link(user, {k: v for k, v in raw.items() if v is not None})
        event = EVENT.validate_python(entered)
    except ValidationError as exc:
        st.error(md(str(invalid(exc, f"{asset} {kind_label(kind)}"))))
    except Exception as exc:  # a link the register cannot resolve: the bridge's message names the field
        session.show_error(exc)
    if event is not None:
        try:
            named, entries, refused = store.preview_event(user, company, event)
            st.markdown(f"**{bi('将生成的分录（预览）', 'Entries it will make (preview)')}** · {md(named.event_id)}")
            if refused:
                st.error(md(refused))
            elif entries:
                views.table(views.journal_df(entries))
            else:
                st.info(bi("此事项本身不生成分录（如满足资本化条件、质押登记），记录后影响后续处理和披露。",
                           "This event makes no entry itself (e.g. criteria met, a pledge); it shapes later "
                           "entries and the disclosures."))
            same = store.same_events_in_force(user, company, event) if can_edit and not refused else []
            again = True
            if same:
                st.warning(bi(f"与已记录的事项 {'、'.join(same)} 内容相同：再次保存将重复入账。若确为另一笔业务，请勾选确认。",
                              f"The same as recorded event {', '.join(same)}: saving it again books it twice. "
                              "Tick the box if it is another transaction."))
                again = st.checkbox(bi("确为另一笔业务，仍要记录", "another transaction: record it"), key="ev_again")
            if can_edit and st.button(bi("保存事项", "Save the event"), type="primary", key="ev_save",
                                      disabled=bool(refused) or not again):
                code = store.record_event(user, company, event)
                st.session_state["ev_saved"] = code
                _clear_form(f"ev.{asset}.{kind}")
                st.rerun()
        except Exception as exc:
            session.show_error(exc)
    if st.session_state.get("ev_saved"):
        st.success(f"{bi('已记录事项', 'event recorded')}: {md(st.session_state['ev_saved'])} · "
                   + bi("在“过账”后生成凭证", "entries are made when the period is posted"))

    st.markdown(f"**{bi('已记录的事项', 'Recorded events')}** · {md(asset)}")
    events = store.recorded_events(user, company, asset)
    if not events:
        st.caption(bi("尚无事项", "no events yet"))
        return
    views.table(pd.DataFrame([{
        bi("事项编号", "event"): e.code, bi("类型", "kind"): kind_label(e.kind), bi("日期", "date"): str(e.date),
        bi("记录日", "recorded on"): str(e.recorded_on), bi("金额", "amount"): _amount(e.payload),
        bi("状态", "status"): (bi(f"已被 {e.reversed_by} 冲销", f"reversed by {e.reversed_by}") if e.reversed_by
                               else (bi(f"冲销 {e.payload.get('reverses')}", f"reverses {e.payload.get('reverses')}")
                                     if e.kind == "event_reversal" else bi("有效", "in force"))),
    } for e in events]))
    open_events = [e.code for e in events if not e.reversed_by and e.kind != "event_reversal"]
    if not (can_edit and open_events):
        return
    with st.expander(bi("冲销事项（已记录的事项不能修改）", "Reverse an event (recorded events are never edited)")):
        r1, r2 = st.columns(2)
        target = r1.selectbox(bi("被冲销的事项", "event to reverse"), open_events, key="rev_target")
        on = r2.date_input(bi("冲销日期", "reversal date"), value=date.today(), key="rev_date", format="YYYY-MM-DD")
        reason = st.text_input(bi("冲销原因", "reason"), key="rev_reason")
        if st.button(bi("冲销", "Reverse"), key="rev_go", disabled=not reason.strip()):
            try:
                code = store.reverse_event(user, company, target, on, reason)
                st.session_state["ev_saved"] = code
                st.rerun()
            except Exception as exc:
                session.show_error(exc)
