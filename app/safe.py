"""User text shown as text: never as Markdown, never as a link.

Streamlit renders Markdown in ``st.markdown``, captions, alerts (``st.error`` …), subheaders, widget and
expander labels, metric labels, radio options and the cells of ``st.table``. Text a user typed (asset
names and codes, company names, case ids, file names, cost-line items, display names …) or that quotes
such text (a refusal message) goes through :func:`md` before it is put into any of these, so
``[x](http://…)``, ``=HYPERLINK("http://…","点我领取")``, ``**bold**`` or ``:red[...]`` show literally,
with no live link. :func:`md_frame` does the same for the text cells of a table shown by ``st.table``.
A CSV download keeps formula-like text inert with :func:`ledger_export.cells.csv_safe`, as the workbooks do.
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

# What makes Markdown out of plain text, and how it is undone. Links and images (``[x](…)``, ``![x](…)``)
# are broken at ``](`` by a backslash; emphasis, code, strikethrough and math at ``* ` ~ $`` (and an
# underscore not inside a word: ``snake_case`` is not emphasis and stays as typed); Streamlit's
# directives (``:red[…]``, ``:material/x:``) at their colon; HTML at ``<``. Bare autolinks (``http://…``,
# ``www.…``, ``a@b.cn``) are found by GitHub-flavoured Markdown in the text *after* escapes are read, so a
# backslash does not stop them: an invisible WORD JOINER (U+2060) goes after the scheme's colon, after
# ``www`` and before ``@`` instead — the text reads the same and no link is made.
WJ = "\u2060"
_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\\"), r"\\\\"),
    (re.compile(r"([*`~$])"), r"\\\1"),
    (re.compile(r"(?<![0-9A-Za-z])_|_(?![0-9A-Za-z])"), r"\\_"),
    (re.compile(r"\]\("), r"\\]("),
    (re.compile(r"(?<=[A-Za-z0-9+.-]):(?=//)"), ":" + WJ),
    (re.compile(r"(?i)\b(www)(?=\.)"), r"\1" + WJ),
    (re.compile(r"(?<=[-.\w+])@(?=[-\w])"), WJ + "@"),
    (re.compile(r":(?=[\w/-]+(?:\[|:))"), r"\\:"),
    (re.compile(r"<(?=[A-Za-z/!?])"), r"\\<"),
)


def md(value: Any) -> str:
    """``value`` as Markdown that renders as exactly its text (one line: newlines become spaces)."""
    text = "" if value is None else str(value)
    text = text.replace("\r\n", " ").replace("\n", " ").replace("\r", " ")
    for pattern, repl in _RULES:
        text = pattern.sub(repl, text)
    return text


_LINK_RULES = (_RULES[3], _RULES[4], _RULES[5], _RULES[6], _RULES[8])


def defang(markdown: str) -> str:
    """Markdown written by the engine (a disclosure with its tables and bullets) that quotes user text:
    kept as Markdown, but with no link, image, autolink or HTML tag left live."""
    for pattern, repl in _LINK_RULES:
        markdown = pattern.sub(repl, markdown)
    return markdown


def md_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` whose text cells are escaped with :func:`md` (for ``st.table``, which renders
    Markdown in its cells); numbers, dates and empty cells are left as they are."""
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(lambda v: md(v) if isinstance(v, str) else v)
    return out
