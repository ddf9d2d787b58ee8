"""Hypothesis strategies for hostile input files: JSON cases, books and pledge files, CSV batches, xlsx.

JSON files start valid — a bundled example, or a document drawn from the file's JSON Schema
(``dataval schema case|books|pledge``, via hypothesis-jsonschema) — and are then mutated: wrong
types, extreme magnitudes (1e308, -1, 0, NaN / Infinity tokens, 5,000-digit integers), bad and far
dates, hostile unicode (RTL marks, NUL, emoji, lone surrogates, 100,000-character strings), 10,000
levels of nesting, unknown or missing keys; the JSON text may then be truncated, BOM-prefixed or
re-encoded. CSV and xlsx batches start from the bundled batch and quality samples.
"""

from __future__ import annotations

import contextlib
import copy
import csv
import io
import json
import zipfile
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from tests.hostile import _compat

_compat.install()
_compat.install_memo()

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "data" / "examples"

JSON_SEEDS = {
    "case": sorted(EXAMPLES.glob("*.json")),
    "books": sorted((EXAMPLES / "books").glob("*.json")),
    "pledge": sorted((EXAMPLES / "pledges").glob("*.json")),
}

# --- raw JSON tokens: placeholders in the document, spliced into the text after json.dumps ---------------
_RAW_PREFIX = "\x1eRAW:"
RAW_TOKENS = {
    "huge_int": "1" + "0" * 5000,  # beyond Python's 4,300-digit int conversion limit
    "big_int": "9" * 40,
    "overflow_float": "1e400",  # parses as inf
    "underflow_float": "1e-400",
    "nan": "NaN",
    "inf": "Infinity",
    "neg_inf": "-Infinity",
    "neg_zero": "-0.0",
    "deep_list": "[" * 10_000 + "]" * 10_000,
    "deep_dict": '{"a":' * 10_000 + "1" + "}" * 10_000,
    "deep_list_100k": "[" * 100_000 + "]" * 100_000,
}

BAD_DATES = ["0001-01-01", "9999-12-31", "2025-02-30", "2024-02-29", "2025-13-01", "garbage", "", "2025-12-31T25:00",
             "31/12/2025", "-2025-01-01", "10000-01-01", "2025-1-1", "1900-01-01", "2100-12-31"]
HOSTILE_STRINGS = [
    "", " ", "garbage", "\u202e\u200fRTL\u202c", "\x00", "a\x00b", "😀" * 50, "👨‍👩‍👧‍👦", "\ud800", "\udfff",
    "A" * 100_000, "数据" * 5000, "\n\r\t", "'; DROP TABLE assets; --", "=cmd|' /C calc'!A0", "../../etc/passwd",
    "NaN", "Infinity", "-1", "1e308", "null", "true", "{}", "[]", "\ufeff", "\u0085\u2028\u2029",
]
HOSTILE_NUMBERS: list[Any] = [0, -1, 1, -0.0, 1e308, -1e308, 5e-324, 2**63, -(2**63), 2**64 + 1, 10**30, 0.1, 1.0000001,
                              1e-9, 99.999, 100, 101, 1_000_000, 1_000_001, 10**9]


def _raw(name: str) -> str:
    return f"{_RAW_PREFIX}{name}"


@cache
def json_schema(kind: str) -> dict[str, Any]:
    """The schema ``dataval schema KIND`` prints (the same function, called in this process)."""
    from cli.commands.schema import file_schema

    return file_schema(kind)


@cache
def _seed_docs(kind: str) -> tuple[str, ...]:
    return tuple(p.read_text(encoding="utf-8") for p in JSON_SEEDS[kind])


def valid_docs(kind: str) -> st.SearchStrategy[Any]:
    """A bundled example (valid) or a document drawn from the JSON Schema (schema-valid)."""
    from hypothesis_jsonschema import from_schema

    examples = st.sampled_from(_seed_docs(kind)).map(json.loads)
    return st.one_of(examples, examples, from_schema(json_schema(kind)))


def hostile_values() -> st.SearchStrategy[Any]:
    return st.one_of(
        st.sampled_from(HOSTILE_NUMBERS),
        st.sampled_from([_raw(k) for k in RAW_TOKENS]),
        st.sampled_from(BAD_DATES),
        st.sampled_from(HOSTILE_STRINGS),
        st.sampled_from([None, True, False, [], {}, [None], {"": None}, [1, "a", None], {"asset_id": "x"}]),
        st.integers(min_value=-(2**80), max_value=2**80),
        st.floats(allow_nan=True, allow_infinity=True),
        st.text(st.characters(codec="utf-8"), max_size=30),
    )


def _paths(doc: Any, prefix: tuple[Any, ...] = (), limit: int = 2000) -> list[tuple[Any, ...]]:
    """Every path to a node (root excluded), breadth first, at most ``limit``."""
    out: list[tuple[Any, ...]] = []
    queue: list[tuple[tuple[Any, ...], Any]] = [(prefix, doc)]
    while queue and len(out) < limit:
        path, node = queue.pop(0)
        items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
        for k, v in items:
            out.append((*path, k))
            queue.append(((*path, k), v))
    return out


def _get(doc: Any, path: tuple[Any, ...]) -> Any:
    for k in path:
        doc = doc[k]
    return doc


@st.composite
def mutated(draw: Any, doc: Any) -> Any:
    """One structural or value mutation somewhere in ``doc``."""
    paths = _paths(doc)
    action = draw(st.sampled_from(["replace", "replace", "replace", "replace", "delete", "unknown_key",
                                   "duplicate", "empty", "blow_up", "root"]))
    if action == "root" or not paths:
        return draw(st.one_of(hostile_values(), st.just([doc]), st.just({"wrapped": doc})))
    path = draw(st.sampled_from(paths))
    parent, key = _get(doc, path[:-1]), path[-1]
    if action == "replace":
        parent[key] = draw(hostile_values())
    elif action == "delete":
        del parent[key]
    elif action == "unknown_key":
        target = parent if isinstance(parent, dict) else parent[key]
        if isinstance(target, dict):
            target[draw(st.sampled_from(["extra", "", "\x00", "__proto__", "😀"]))] = draw(hostile_values())
        else:
            parent[key] = draw(hostile_values())
    elif action == "duplicate":
        if isinstance(parent, list):
            parent.append(copy.deepcopy(parent[key]))
        else:
            parent[key] = [parent[key], parent[key]]
    elif action == "empty":
        parent[key] = {} if isinstance(parent[key], dict) else []
    elif action == "blow_up":  # many copies of a list element (bounded: the run must still be fast)
        if isinstance(parent, list):
            parent.extend(copy.deepcopy(parent[key]) for _ in range(draw(st.sampled_from([50, 300]))))
        else:
            parent[key] = draw(st.sampled_from([_raw("deep_list"), _raw("deep_dict"), _raw("deep_list_100k")]))
    return doc


def render(doc: Any, *, ensure_ascii: bool) -> str:
    text = json.dumps(doc, ensure_ascii=ensure_ascii, allow_nan=True, indent=None)
    if _RAW_PREFIX in text or "\\u001eRAW:" in text:
        for name, token in RAW_TOKENS.items():
            for quoted in (json.dumps(_raw(name), ensure_ascii=True), json.dumps(_raw(name), ensure_ascii=False)):
                text = text.replace(quoted, token)
    return text


@st.composite
def text_corruption(draw: Any, text: str) -> bytes:
    """The JSON text as bytes, possibly truncated, BOM-prefixed, re-encoded or emptied."""
    how = draw(st.sampled_from(["none"] * 14 + ["truncate", "truncate", "bom", "latin1", "utf16", "empty",
                                                "whitespace", "nul", "trailing", "surrogatepass"]))
    if how == "truncate":
        cut = draw(st.integers(min_value=0, max_value=max(0, len(text) - 1)))
        return text[:cut].encode("utf-8", "surrogatepass")
    if how == "bom":
        return b"\xef\xbb\xbf" + text.encode("utf-8", "surrogatepass")
    if how == "latin1":
        return text.encode("latin-1", "replace")
    if how == "utf16":
        return text.encode("utf-16", "surrogatepass")
    if how == "empty":
        return b""
    if how == "whitespace":
        return b" \n\t "
    if how == "nul":
        return b"\x00" + text.encode("utf-8", "surrogatepass")
    if how == "trailing":
        return (text + draw(st.sampled_from([",", "}", "]", " garbage", "\n{}"]))).encode("utf-8", "surrogatepass")
    if how == "surrogatepass":
        return text.encode("utf-8", "surrogatepass")
    return text.encode("utf-8", "surrogatepass")


@st.composite
def hostile_json(draw: Any, kind: str, *, max_mutations: int = 3) -> bytes:
    """A case / books / pledge file: valid, then 0..max_mutations mutations, then maybe a corrupted text."""
    doc = draw(valid_docs(kind))
    n = draw(st.sampled_from([0, 0, 1, 1, 1, 2, max_mutations]))  # often valid or one step from valid
    for _ in range(n):
        doc = draw(mutated(doc))
    return draw(text_corruption(render(doc, ensure_ascii=draw(st.booleans()))))


def valid_json_file(kind: str) -> st.SearchStrategy[bytes]:
    return st.sampled_from(_seed_docs(kind)).map(lambda t: t.encode("utf-8"))


# --- CSV ------------------------------------------------------------------------------------------------

CSV_CELLS = ["", "NaN", "nan", "inf", "-inf", "Infinity", "1e308", "-1e308", "-1", "0", "1e-320", "9" * 40, "1" + "0" * 5000,
             "=cmd|' /C calc'!A0", "=1+1", "+SUM(A1:A2)", "@SUM(1)", "-2+3", "=HYPERLINK(\"http://x\")",
             *BAD_DATES, "\u202e", "\x00", "😀", "A" * 10_000, '"', "a,b", "a;b", "\n", "True", "False", "yes",
             "1,5", "１２３", "None", "null"]


@cache
def _csv_rows(path: Path, n: int) -> tuple[tuple[str, ...], ...]:
    with path.open(encoding="utf-8", newline="") as f:
        return tuple(tuple(r) for r, _ in zip(csv.reader(f), range(n + 1), strict=False))


@st.composite
def hostile_csv(draw: Any, source: Path, *, max_rows: int = 8) -> bytes:
    """A CSV table from ``source``'s header and first rows, its cells and structure mutated."""
    rows = [list(r) for r in _csv_rows(source, 40)]
    header, body = rows[0], rows[1:]
    k = draw(st.integers(min_value=0, max_value=min(max_rows, len(body))))
    table = [list(header)] + [list(body[i]) for i in draw(st.lists(st.integers(0, len(body) - 1), min_size=k, max_size=k))]
    for _ in range(draw(st.sampled_from([0, 0, 1, 1, 2, 6]))):
        r = draw(st.integers(0, len(table) - 1))
        if not table[r]:
            continue
        c = draw(st.integers(0, len(table[r]) - 1))
        table[r][c] = draw(st.one_of(st.sampled_from(CSV_CELLS), st.text(st.characters(codec="utf-8"), max_size=20)))
    structure = draw(st.sampled_from(["none"] * 12 + ["drop_col", "dup_col", "ragged", "repeat_rows", "header_only",
                                                      "no_header"]))
    if structure == "drop_col" and len(header) > 1:
        c = draw(st.integers(0, len(header) - 1))
        table = [r[:c] + r[c + 1:] for r in table]
    elif structure == "dup_col":
        c = draw(st.integers(0, len(header) - 1))
        table = [[*r, r[c] if c < len(r) else ""] for r in table]
    elif structure == "ragged" and len(table) > 1:
        r = draw(st.integers(1, len(table) - 1))
        table[r] = table[r][: draw(st.integers(0, len(table[r])))] + draw(st.sampled_from([[], ["x", "y"]]))
    elif structure == "repeat_rows" and len(table) > 1:
        table = table + [table[1]] * draw(st.sampled_from([2, 20, 200]))
    elif structure == "header_only":
        table = table[:1]
    elif structure == "no_header":
        table = table[1:]
    delimiter = draw(st.sampled_from([","] * 14 + [";", "\t", "|"]))
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator=draw(st.sampled_from(["\n", "\r\n", "\r"]))).writerows(table)
    text = buf.getvalue()
    how = draw(st.sampled_from(["none"] * 14 + ["bom", "empty", "truncate", "gbk", "latin1", "nul", "binary"]))
    if how == "bom":
        return b"\xef\xbb\xbf" + text.encode("utf-8", "surrogatepass")
    if how == "empty":
        return b""
    if how == "truncate":
        return text.encode("utf-8", "surrogatepass")[: draw(st.integers(0, max(0, len(text) - 1)))]
    if how == "gbk":
        return text.encode("gbk", "replace")
    if how == "latin1":
        return text.encode("latin-1", "replace")
    if how == "nul":
        return text.encode("utf-8", "surrogatepass").replace(b",", b"\x00,", 3)
    if how == "binary":
        return draw(st.binary(min_size=1, max_size=2048))
    return text.encode("utf-8", "surrogatepass")


# --- xlsx -----------------------------------------------------------------------------------------------

FORMULAS = ["=1/0", "=A1", "=SUM(A1:XFD1048576)", '=HYPERLINK("http://example.invalid","x")', "=NOW()",
            '=WEBSERVICE("http://example.invalid")', "=REPT(\"A\",32767)", "=#REF!", "=INDIRECT(\"A1\")"]


@cache
def template_xlsx() -> bytes:
    """The case template workbook (``dataval template``) of the parking example, made in this process."""
    import tempfile

    from cli.io import read_case
    from ledger_export.case_template import write_case_workbook

    case, _ = read_case(EXAMPLES / "parking_city_investment.json")
    with tempfile.TemporaryDirectory() as d:
        out = Path(d) / "template.xlsx"
        write_case_workbook(case, out)
        return out.read_bytes()


def _workbook_bytes(rows: list[list[Any]]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _xlsx_cell() -> st.SearchStrategy[Any]:
    return st.one_of(
        st.sampled_from(FORMULAS),
        st.sampled_from([s for s in CSV_CELLS if "\x00" not in s and len(s) < 32_000]),
        st.sampled_from([0, -1, 1e308, -1e308, 10**20, float("nan"), float("inf"), None, True,
                         datetime(1, 1, 1), datetime(9999, 12, 31), datetime(1900, 2, 28)]),
    )


@st.composite
def _mutated_template(draw: Any) -> bytes:
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(template_xlsx()))
    for _ in range(draw(st.integers(min_value=0, max_value=5))):
        ws = wb[draw(st.sampled_from(wb.sheetnames))]
        r = draw(st.integers(1, max(1, ws.max_row + 1)))
        c = draw(st.integers(1, max(1, ws.max_column)))
        with contextlib.suppress(ValueError, TypeError):
            ws.cell(row=r, column=c).value = draw(_xlsx_cell())
    if draw(st.integers(0, 9)) == 0:
        del wb[draw(st.sampled_from(wb.sheetnames))]
        if not wb.sheetnames:
            wb.create_sheet("empty")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@st.composite
def _table_workbook(draw: Any, source: Path) -> bytes:
    rows: list[list[Any]] = [list(r) for r in _csv_rows(source, 40)]
    table = [rows[0], *rows[1:1 + draw(st.integers(0, 6))]]
    for _ in range(draw(st.integers(min_value=0, max_value=6))):
        r = draw(st.integers(0, len(table) - 1))
        c = draw(st.integers(0, len(table[r]) - 1))
        table[r][c] = draw(_xlsx_cell())
    try:
        return _workbook_bytes(table)
    except (ValueError, TypeError):
        return _workbook_bytes([[str(v) for v in r] for r in table])


@st.composite
def hostile_xlsx(draw: Any, source: Path, *, template: bool = True) -> bytes:
    """An .xlsx: a batch or the case template (cells mutated, formulas), or not a workbook at all."""
    kinds = ["table", "table", "table", "table", "empty", "random", "truncated", "not_xlsx_zip", "blank_workbook", "zip_bomb_like"]
    if template:
        kinds += ["template", "template", "template"]
    kind = draw(st.sampled_from(kinds))
    if kind == "empty":
        return b""
    if kind == "random":
        return draw(st.binary(min_size=1, max_size=4096))
    if kind == "truncated":
        whole = template_xlsx() if template and draw(st.booleans()) else draw(_table_workbook(source))
        return whole[: draw(st.integers(0, len(whole) - 1))]
    if kind == "not_xlsx_zip":
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            z.writestr(draw(st.sampled_from(["hello.txt", "xl/workbook.xml", "[Content_Types].xml"])), "<x>")
        return buf.getvalue()
    if kind == "zip_bomb_like":  # a highly compressible member: 20 MB of zeros declared as a sheet
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as z:
            with zipfile.ZipFile(io.BytesIO(template_xlsx() if template else _workbook_bytes([["a"]]))) as src:
                for info in src.infolist():
                    z.writestr(info.filename, src.read(info.filename))
            z.writestr("xl/worksheets/padding.xml", b"\x00" * 20_000_000)
        return buf.getvalue()
    if kind == "blank_workbook":
        return _workbook_bytes([])
    if kind == "template":
        return draw(_mutated_template())
    return draw(_table_workbook(source))
