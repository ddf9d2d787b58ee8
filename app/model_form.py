"""Forms drawn from the engine's own pydantic models, so a form asks exactly what the rules read.

:func:`model_form` walks a model's fields and draws one widget per field — yes/no/not answered for
optional facts, Chinese labels for enum values (``accounting.enums.label``), dates in the input window,
amounts as text (so what was typed is what is validated: ``-5000`` or ``abc`` are refused, never changed),
a row of widgets per part for lists of parts (rights, cost lines), expanders for nested parts — and returns the raw values
as a dict for the model to validate. Labels and help come from :mod:`app.field_labels`.
"""

from __future__ import annotations

import datetime as dt
import enum
import types
import typing
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

import streamlit as st
from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from accounting.enums import label as enum_label
from app.field_labels import field_label
from app.i18n import bi, current_lang
from base.ranges import EARLIEST_DATE, LATEST_DATE

UNANSWERED = "—"


def _unwrap(ann: Any) -> tuple[Any, bool]:
    """(the type inside ``X | None`` and ``Annotated[X, …]``, whether None is allowed)."""
    optional = False
    while True:
        origin = typing.get_origin(ann)
        if origin is typing.Annotated:
            ann = typing.get_args(ann)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(ann) if a is not type(None)]
            optional = optional or len(args) < len(typing.get_args(ann))
            if len(args) != 1:
                return ann, optional
            ann = args[0]
        else:
            return ann, optional


def _is_model(t: Any) -> bool:
    return isinstance(t, type) and issubclass(t, BaseModel)


def _is_enum(t: Any) -> bool:
    return isinstance(t, type) and issubclass(t, enum.Enum)


def _tuple_of(t: Any) -> Any:
    """The item type of ``tuple[X, ...]``, else None."""
    if typing.get_origin(t) is tuple:
        args = typing.get_args(t)
        if len(args) == 2 and args[1] is Ellipsis:
            return _unwrap(args[0])[0]
    return None


def _lab(name: str) -> tuple[str, str]:
    zh, en, help_text = field_label(name)
    return bi(zh, en), help_text


def _enum_text(v: Any) -> str:
    if v is None or v == UNANSWERED:
        return UNANSWERED
    value = v.value if isinstance(v, enum.Enum) else str(v)
    return enum_label(value, current_lang())


def _default(f: Any) -> Any:
    d = f.get_default(call_default_factory=True)
    return None if d is PydanticUndefined else d


def _plain(v: Any) -> Any:
    if isinstance(v, BaseModel):
        return v.model_dump(mode="json")
    if isinstance(v, enum.Enum):
        return v.value
    if isinstance(v, Decimal | dt.date):
        return str(v)
    return v


def _as_date(v: Any) -> dt.date | None:
    if isinstance(v, dt.date):
        return v
    if isinstance(v, str) and v:
        try:
            return dt.date.fromisoformat(v)
        except ValueError:
            return None
    return None


def _amount_text(text: str) -> str:
    """What was typed, without thousands separators (``1,234.50`` → ``1234.50``); nothing else changed."""
    return text.replace(",", "").replace("，", "").replace(" ", "").strip()


def _rows(item: type[BaseModel], current: list[Any], key: str, *, at_least: int, disabled: bool,
          skip: frozenset[str], long_text: Callable[[str], bool]) -> list[dict[str, Any]]:
    """A list of parts (rights, cost lines): one labelled row of widgets per part, with buttons to add a row
    and remove the last; rows left wholly empty are dropped."""
    n_key = f"{key}.n"
    if n_key not in st.session_state:
        st.session_state[n_key] = max(len(current), at_least)
    out: list[dict[str, Any]] = []
    for i in range(st.session_state[n_key]):
        with st.container(border=True):
            st.caption(f"#{i + 1}")
            row = model_form(item, key=f"{key}.{i}", value=current[i] if i < len(current) else None, skip=skip,
                             disabled=disabled, long_text=long_text)
        if any(v not in (None, False, "", []) for v in row.values()):
            out.append(row)
    if not disabled:
        b1, b2 = st.columns(2)
        if b1.button(bi("增加一行", "add a row"), key=f"{key}.add"):
            st.session_state[n_key] += 1
            st.rerun()
        if st.session_state[n_key] > at_least and b2.button(bi("删除最后一行", "remove the last row"), key=f"{key}.drop"):
            st.session_state[n_key] -= 1
            st.rerun()
    return out


def _chooser(shown: Mapping[Any, str]) -> Callable[[Any], str]:
    return lambda v: UNANSWERED if v is None else shown[v]


def model_form(model: type[BaseModel], *, key: str, value: Mapping[str, Any] | None = None,
               skip: frozenset[str] = frozenset(), disabled: bool = False,
               choices: Mapping[str, Mapping[Any, str]] | None = None,
               long_text: Callable[[str], bool] = lambda name: False) -> dict[str, Any]:
    """Draw ``model``'s fields (except ``skip``, at any depth) prefilled from ``value``; return what was entered.

    ``choices`` gives a field a choice list (value → label) instead of free entry (e.g. a saved valuation).
    Fields left empty are left out, so the model's default applies or its rule names the missing field.
    """
    value = value or {}
    out: dict[str, Any] = {}
    for name, f in model.model_fields.items():
        if name in skip:
            continue
        t, optional = _unwrap(f.annotation)
        current = value.get(name, _default(f))
        lab, help_raw = _lab(name)
        help_text = help_raw or None
        k = f"{key}.{name}"
        if choices and name in choices:
            opts = list(choices[name])
            options = [None, *opts] if optional else opts
            idx = options.index(current) if current in options else 0
            picked = st.selectbox(lab, options, index=idx, key=k, help=help_text, disabled=disabled,
                                  format_func=_chooser(choices[name]))
            if picked is not None:
                out[name] = picked
        elif _is_model(t):
            cur = _plain(current) if current is not None else None
            with st.expander(lab, expanded=cur is not None):
                if help_text:
                    st.caption(help_text)
                if optional and not st.checkbox(bi("填写此项", "fill in"), value=cur is not None, key=f"{k}.on",
                                                disabled=disabled):
                    out[name] = None
                    continue
                out[name] = model_form(t, key=k, value=cur, skip=skip, disabled=disabled, choices=choices,
                                       long_text=long_text)
        elif _tuple_of(t) is not None and _is_model(_tuple_of(t)):
            st.markdown(f"**{lab}**")
            if help_text:
                st.caption(help_text)
            at_least = next((m.min_length for m in f.metadata if hasattr(m, "min_length")), 0) or 0
            out[name] = _rows(_tuple_of(t), [_plain(x) for x in (current or ())], k, at_least=at_least,
                              disabled=disabled, skip=skip, long_text=long_text)
        elif _tuple_of(t) is not None:
            text = st.text_input(lab, value=", ".join(str(x) for x in (current or ())), key=k, help=help_text,
                                 disabled=disabled)
            out[name] = [p.strip() for p in text.replace("，", ",").split(",") if p.strip()]
        elif t is bool and optional:
            opts3: list[bool | None] = [None, True, False]
            picked3 = st.radio(lab, opts3, index=opts3.index(current) if current in opts3 else 0, key=k,
                               horizontal=True, help=help_text, disabled=disabled,
                               format_func=lambda v: {None: bi("未回答", "not answered"), True: bi("是", "yes"),
                                                      False: bi("否", "no")}[v])
            out[name] = picked3
        elif t is bool:
            out[name] = st.checkbox(lab, value=bool(current), key=k, help=help_text, disabled=disabled)
        elif _is_enum(t):
            members = [m.value for m in t]
            options4: list[Any] = [None, *members] if optional else members
            cur_v = _plain(current)
            picked4 = st.selectbox(lab, options4, index=options4.index(cur_v) if cur_v in options4 else 0, key=k,
                                   help=help_text, disabled=disabled, format_func=_enum_text)
            if picked4 is not None:
                out[name] = picked4
        elif t is dt.date:
            d = st.date_input(lab, value=_as_date(_plain(current)), min_value=EARLIEST_DATE, max_value=LATEST_DATE,
                              key=k, help=help_text, disabled=disabled, format="YYYY-MM-DD")
            if isinstance(d, dt.date):
                out[name] = d.isoformat()
        elif t in (Decimal, int):
            typed = st.text_input(lab, value="" if current is None else str(current), key=k, help=help_text,
                                  disabled=disabled)
            if typed.strip():
                out[name] = _amount_text(typed)
        else:
            widget = st.text_area if long_text(name) else st.text_input
            text = widget(lab, value="" if current is None else str(current), key=k, help=help_text,
                          disabled=disabled)
            if text.strip():
                out[name] = text.strip()
            elif optional:
                out[name] = None
    return out
