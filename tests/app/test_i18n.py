"""Labels (Chinese first, English switch) and CNY formatting to the fen, half-up."""

from __future__ import annotations

import ast
from decimal import Decimal
from pathlib import Path

from app.i18n import LABELS, bi, cny, pct, t

APP = Path(__file__).resolve().parents[2] / "app"


def test_cny_rounds_half_up_to_the_fen() -> None:
    assert cny(Decimal("1234567.885")) == "¥1,234,567.89"  # half-up, not banker's (…88)
    assert cny(Decimal("0.005")) == "¥0.01"
    assert cny(2.675) == "¥2.68"  # the float's shortest repr "2.675", then half-up (binary 2.67499… would give 2.67)
    assert cny(-1500) == "-¥1,500.00"
    assert cny(Decimal("1234.5"), symbol=False) == "1,234.50"
    assert cny(None) == "—"
    assert pct(0.12345) == "12.35%" and pct(None) == "—"


def test_labels_chinese_first_with_english() -> None:
    assert t("page_ledger", lang="zh") == "账务"
    assert t("page_ledger", lang="en") == "Ledger"
    assert t("page_ledger", both=True, lang="zh") == "账务 Ledger"
    assert t("page_ledger", both=True, lang="en") == "Ledger"
    assert t("no such key", lang="en") == "no such key"
    assert bi("过账", "post", lang="en") == "post" and bi("过账", "post", lang="zh") == "过账"
    for key, (zh, en) in LABELS.items():
        assert zh.strip() and en.strip(), key
        assert zh != en or key in {"language"}, key


def test_every_label_key_used_by_the_pages_exists() -> None:
    """Each literal t("...") key in app/ is in the one table (a missing key would show the raw key)."""
    used: set[str] = set()
    for path in APP.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "t"
                    and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
                used.add(node.args[0].value)
    missing = sorted(used - set(LABELS))
    assert not missing, missing


def test_amount_and_rate_columns_are_right_aligned() -> None:
    import pandas as pd

    from app.views import figure_columns

    df = pd.DataFrame({"科目": ["1701.01 无形资产", "6602 管理费用"], "借方": ["¥1,200,000.00", ""],
                       "贷方": ["—", "-¥3.50"], "比率": ["12.50%", "—"], "备注": ["¥ 部分", "x"]})
    assert figure_columns(df) == ["借方", "贷方", "比率"]
