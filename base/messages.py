"""Turn pydantic validation errors into messages that name the asset and the field.

Every message is Chinese first with the English after it in brackets, whatever the language of the
shell: pydantic's own English text (``Input should be greater than or equal to 0``) is never passed
through; each error type has its wording in :data:`ERROR_TEXTS`, e.g.
``应大于或等于 0 (expected greater than or equal to 0), 实为 got -5``. A validator's own message
(``value_error``) is kept: the project writes those Chinese first already.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from pydantic import ValidationError

from base.errors import AssetError, InvalidInput

_DATE = ("应为日期 YYYY-MM-DD", "expected a date YYYY-MM-DD")
_DATETIME = ("应为日期时间 YYYY-MM-DDTHH:MM:SS", "expected a date and time YYYY-MM-DDTHH:MM:SS")
_INTEGER = ("应为整数", "expected a whole number")
_NUMBER = ("应为数值", "expected a number")
_BOOL = ("应为 true 或 false", "expected true or false")
_TEXT = ("应为文本", "expected text")
_OBJECT = ("应为对象 {…}", "expected an object {…}")
_LIST = ("应为列表 […]", "expected a list […]")
_ONE_OF = ("应为以下之一：{expected}", "expected one of these")

ERROR_TEXTS: dict[str, tuple[str, str]] = {
    # presence
    "missing": ("缺少必填字段", "required field is missing"),
    "extra_forbidden": ("未知字段：不属于该文件格式，请对照 `dataval schema` 检查拼写",
                        "unknown field: not part of the case format; check the spelling against `dataval schema`"),
    # bounds
    "greater_than_equal": ("应大于或等于 {ge}", "expected greater than or equal to {ge}"),
    "greater_than": ("应大于 {gt}", "expected greater than {gt}"),
    "less_than_equal": ("应小于或等于 {le}", "expected less than or equal to {le}"),
    "less_than": ("应小于 {lt}", "expected less than {lt}"),
    "multiple_of": ("应为 {multiple_of} 的整数倍", "expected a multiple of {multiple_of}"),
    "finite_number": ("应为有限数值（不能是 NaN 或无穷大）", "expected a finite number (not NaN or infinity)"),
    "string_too_short": ("至少 {min_length} 个字符", "expected at least {min_length} character(s)"),
    "string_too_long": ("至多 {max_length} 个字符", "expected at most {max_length} character(s)"),
    "too_short": ("至少应有 {min_length} 项", "expected at least {min_length} item(s)"),
    "too_long": ("至多 {max_length} 项", "expected at most {max_length} item(s)"),
    "decimal_max_digits": ("数字位数至多 {max_digits} 位", "expected at most {max_digits} digits"),
    "decimal_max_places": ("小数位数至多 {decimal_places} 位", "expected at most {decimal_places} decimal places"),
    "decimal_whole_digits": ("整数部分位数至多 {whole_digits} 位",
                             "expected at most {whole_digits} digits before the decimal point"),
    # types
    "int_parsing": _INTEGER,
    "int_type": _INTEGER,
    "int_from_float": ("应为整数（不能有小数部分）", "expected a whole number, not a fraction"),
    "int_parsing_size": ("整数过大", "the whole number is too large"),
    "float_parsing": _NUMBER,
    "float_type": _NUMBER,
    "decimal_parsing": _NUMBER,
    "decimal_type": _NUMBER,
    "bool_parsing": _BOOL,
    "bool_type": _BOOL,
    "string_type": _TEXT,
    "string_unicode": ("应为有效的 Unicode 文本", "expected valid Unicode text"),
    "string_pattern_mismatch": ("格式不符，应匹配 {pattern}", "expected text matching {pattern}"),
    "date_parsing": _DATE,
    "date_type": _DATE,
    "date_from_datetime_parsing": _DATE,
    "date_from_datetime_inexact": ("应为日期，不含时刻（时间须为零点）", "expected a date without a time of day"),
    "date_past": ("应为过去的日期", "expected a date in the past"),
    "date_future": ("应为将来的日期", "expected a date in the future"),
    "datetime_parsing": _DATETIME,
    "datetime_type": _DATETIME,
    "datetime_from_date_parsing": _DATETIME,
    "time_parsing": ("应为时刻 HH:MM:SS", "expected a time HH:MM:SS"),
    "time_delta_parsing": ("应为时长", "expected a duration"),
    "literal_error": _ONE_OF,
    "enum": _ONE_OF,
    "union_tag_invalid": ("{discriminator} 无效，应为以下之一：{expected_tags}",
                          "unknown {discriminator}; expected one of these"),
    "union_tag_not_found": ("缺少用于区分类型的字段 {discriminator}", "the field {discriminator} is needed to tell the kind"),
    "model_type": _OBJECT,
    "model_attributes_type": _OBJECT,
    "dict_type": _OBJECT,
    "mapping_type": _OBJECT,
    "dataclass_type": _OBJECT,
    "list_type": _LIST,
    "tuple_type": _LIST,
    "set_type": _LIST,
    "frozen_set_type": _LIST,
    "iterable_type": _LIST,
    "none_required": ("应为空值 null", "expected null"),
    "is_instance_of": ("类型不符", "expected another kind of value"),
    "json_invalid": ("不是有效的 JSON", "not valid JSON"),
    "json_type": ("应为 JSON 文本", "expected JSON text"),
    "url_parsing": ("应为有效的网址", "expected a valid URL"),
    "url_type": ("应为网址", "expected a URL"),
    "uuid_parsing": ("应为 UUID", "expected a UUID"),
    "uuid_type": ("应为 UUID", "expected a UUID"),
    "bytes_type": ("应为字节串", "expected bytes"),
    "frozen_field": ("该字段不可修改", "the field cannot be changed"),
    "frozen_instance": ("不可修改", "cannot be changed"),
    "callable_type": ("应为可调用对象", "expected a callable"),
    "recursion_loop": ("输入含循环引用", "the input refers to itself"),
}
"""pydantic error type → (Chinese, English); ``{name}`` is filled from the error's ``ctx``."""

NO_INPUT = frozenset({"missing", "extra_forbidden", "union_tag_not_found", "recursion_loop"})
"""Error types whose message shows no "got": the input is absent or beside the point."""

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def has_chinese(text: str) -> bool:
    """True when ``text`` holds a Chinese character."""
    return _CJK.search(text) is not None


def dotted(loc: Sequence[int | str]) -> str:
    """('cost', 'lines', 2, 'amount') -> 'cost.lines[2].amount'."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _shown(got: Any) -> str:
    """The input as shown after "got": repr, cut at 80 characters; an object or list by its kind."""
    if isinstance(got, dict):
        return "对象 an object"
    if isinstance(got, list | tuple):
        return "列表 a list"
    shown = repr(got)
    return shown[:77] + "..." if len(shown) > 80 else shown


def _fill(template: str, ctx: dict[str, Any]) -> str:
    try:
        return template.format(**{k: v for k, v in ctx.items() if isinstance(k, str)})
    except (KeyError, IndexError, ValueError):
        return re.sub(r"\{[a-z_]+\}", "", template).replace("  ", " ").strip(" ：:")


def describe(err: dict[str, Any]) -> str:
    """One pydantic error as ``应… (expected …), 实为 got …``: Chinese first, English in brackets."""
    kind = str(err.get("type", ""))
    ctx = err.get("ctx") or {}
    got = _shown(err.get("input"))
    if kind in ("value_error", "assertion_error"):  # the validator's own message
        msg = str(err.get("msg") or ctx.get("error") or "invalid")
        msg = msg.removeprefix("Value error, ").removeprefix("Assertion failed, ")
        if not has_chinese(msg):
            msg = f"取值无效 {msg}"
        return msg if ", got " in msg else f"{msg}, 实为 got {got}"
    pair = ERROR_TEXTS.get(kind)
    if pair is None:  # a type without a wording here: pydantic's text, rephrased, after the Chinese
        english = re.sub(r"^(Input|Tuple|List|Dictionary|String|Value) should (be|have)", "expected",
                         str(err.get("msg") or "invalid value"))
        return f"取值无效 ({english}), 实为 got {got}"
    if kind in ("literal_error", "enum") and isinstance(ctx.get("expected"), str):
        ctx = {**ctx, "expected": ctx["expected"].replace(" or ", ", ")}
    zh, en = (_fill(t, ctx) for t in pair)
    if kind == "union_tag_invalid" and "tag" in ctx:
        got = repr(ctx["tag"])
    if kind in NO_INPUT:
        return f"{zh} ({en})"
    if kind in ("too_short", "too_long") and "actual_length" in ctx:
        n = ctx["actual_length"]
        given = err.get("input")
        if kind == "too_short" and isinstance(given, list | tuple) and len(given) > n:  # items refused
            least = ctx.get("min_length", 1)
            return (f"有效项不足：至少应有 {least} 项有效，实为 {len(given)} 项中 {n} 项有效 "
                    f"(expected at least {least} valid item(s), got {n} valid of {len(given)})")
        return f"{zh} ({en}), 实有 {n} 项 (got {n})"
    return f"{zh} ({en}), 实为 got {got}"


def problems(exc: ValidationError) -> list[dict[str, Any]]:
    """The errors of ``exc`` worth showing: a list's "too few items" is left out when its items' own
    errors are listed (pydantic counts the items that passed: a list of one bad item has 0)."""
    errors = exc.errors()
    locs = [tuple(e["loc"]) for e in errors]

    def explained(loc: tuple[int | str, ...]) -> bool:
        return any(len(other) > len(loc) and other[:len(loc)] == loc for other in locs)

    return [dict(e) for e in errors if not (e["type"] == "too_short" and explained(tuple(e["loc"])))]


def asset_errors(exc: ValidationError, asset_id: str, *, prefix: Sequence[int | str] = ()) -> list[AssetError]:
    """Every problem of a pydantic error as AssetError records (rule 'invalid_input')."""
    return [
        AssetError(asset_id, "invalid_input", dotted([*prefix, *e["loc"]]) or None, describe(e))
        for e in problems(exc)
    ]


def invalid(exc: ValidationError, what: str) -> InvalidInput:
    """Every problem of a pydantic error in one refusal: ``校验未通过 {what} is not valid:`` then one
    line per field, ``  path: 应… (expected …), 实为 got …``."""
    lines = "\n".join(f"  {dotted(e['loc'])}: {describe(e)}" for e in problems(exc))
    return InvalidInput(f"校验未通过 {what} is not valid:\n{lines}")
