"""The command line speaks Chinese first: help, argparse's own words, validation errors, labels.

``--lang en`` (before the command) or ``DATAVAL_LANG=en`` gives the help and argparse's words in
English; refusals and reports stay bilingual; exit codes do not depend on the language.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from cli.i18n import HELP, choose_lang, label
from cli.main import EXIT_OK, EXIT_REFUSED, main

ROOT = Path(__file__).resolve().parents[1]
PLEDGES = ROOT / "data" / "examples" / "pledges"
OVER_LIMIT = PLEDGES / "retail_6m_bullet_over_limit.json"

NEGATIVE_AMOUNT_CASE = {
    "engagement": {"case_id": "X", "client": "c", "purpose": "pledge", "value_type": "market_value",
                   "valuation_date": "2025-12-31"},
    "assets": [{
        "asset": {"asset_id": "A-NEG", "name": "n", "rights": ["holding"], "source": "purchase"},
        "methods": [{"method": "cost", "weight": 1, "reason": "only the cost is known"}],
        "cost": {"lines": [{"category": "direct_construction", "item": "x", "amount": -5,
                            "incurred_on": "2025-01-01"}],
                 "delta": {"basis": "life", "elapsed_years": 1, "remaining_years": 2}},
    }],
}


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exc:  # --help, and argparse's refusals
        code = int(exc.code or 0)
    out = capsys.readouterr()
    return code, out.out, out.err


def flat(text: str) -> str:
    """Help text with argparse's line wrapping undone."""
    return " ".join(text.split())


@pytest.fixture(autouse=True)
def _no_lang_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DATAVAL_LANG", raising=False)


def test_help_is_chinese_by_default(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--help")
    assert code == EXIT_OK
    assert out.startswith("用法：dataval")
    assert HELP["value"][0] in flat(out) and HELP["pledge"][0] in flat(out) and "显示本帮助并退出" in out
    assert "show this help message" not in out and "usage:" not in out and "options:" not in out


def test_every_command_help_is_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (["value"], ["book"], ["pledge"], ["portfolio"], ["export"], ["schema"], ["template"],
                 ["profile"], ["db", "import"], ["db", "verify"], ["user", "add"]):
        code, out, _ = run(capsys, *argv, "--help")
        assert code == EXIT_OK and out.startswith("用法：") and "show this help message" not in out, argv
    _, out, _ = run(capsys, "value", "--help")
    assert "每项资产的蒙特卡洛抽样次数" in flat(out) and "Monte Carlo draws" not in out


def test_lang_en_gives_english(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--lang", "en", "--help")
    assert code == EXIT_OK and out.startswith("usage: dataval")
    assert HELP["value"][1] in flat(out) and "show this help message and exit" in out
    assert "用法" not in out and HELP["value"][0] not in out
    _, out, _ = run(capsys, "--lang=en", "value", "--help")
    assert "Monte Carlo draws per asset" in flat(out)


def test_dataval_lang_env(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATAVAL_LANG", "en")
    _, out, _ = run(capsys, "--help")
    assert out.startswith("usage: dataval") and HELP["book"][1] in flat(out)
    _, out, _ = run(capsys, "--lang", "zh", "--help")  # the option wins over the environment
    assert out.startswith("用法：dataval")
    assert choose_lang([], {"DATAVAL_LANG": "en_US.UTF-8"}) == "en"
    assert choose_lang([], {"DATAVAL_LANG": "fr"}) == "zh"
    assert choose_lang(["value", "--lang", "en"], {}) == "zh"  # after the command it is not the switch


def test_argparse_is_left_alone_after_main(capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "--help")
    assert "usage:" in argparse.ArgumentParser(prog="other").format_usage()


def test_missing_required_argument_is_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "book", str(ROOT / "data" / "examples" / "books" / "self_developed_dataset.json"))
    assert code == EXIT_REFUSED and out == ""
    assert "错误：缺少必需的参数：--as-of" in err and "用法：" in err
    assert "the following arguments are required" not in err
    code, _, err = run(capsys, "value", "x.json", "--engine", "spark")
    assert code == EXIT_REFUSED and "无效的选项：'spark'" in err
    code, _, err = run(capsys, "value", "x.json", "--threads", "two")
    assert code == EXIT_REFUSED and "应为整数" in err and "invalid int value" not in err
    code, _, err = run(capsys, "--lang", "en", "book", "x.json")
    assert code == EXIT_REFUSED and "the following arguments are required: --as-of" in err


def test_negative_amount_names_asset_and_field_in_chinese(capsys: pytest.CaptureFixture[str],
                                                           tmp_path: Path) -> None:
    case = tmp_path / "neg.json"
    case.write_text(json.dumps(NEGATIVE_AMOUNT_CASE), encoding="utf-8")
    for lang in ("zh", "en"):
        code, out, err = run(capsys, "--lang", lang, "value", str(case))
        assert code == EXIT_REFUSED and out == ""
        assert "A-NEG" in err and "assets[0].cost.lines[0].amount" in err
        assert "应大于或等于 0" in err and "greater than or equal to 0" in err and "-5" in err
        assert "Input should be" not in err and "没有可读取的资产" in err


def test_pydantic_types_are_worded_in_chinese(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    raw = json.loads(json.dumps(NEGATIVE_AMOUNT_CASE))
    asset = raw["assets"][0]
    asset["cost"]["lines"][0].update(amount="abc", incurred_on="31/12/2025", colour="red")
    asset["methods"][0]["method"] = "guess"
    del asset["asset"]["name"]
    case = tmp_path / "bad.json"
    case.write_text(json.dumps(raw), encoding="utf-8")
    code, _, err = run(capsys, "value", str(case))
    assert code == EXIT_REFUSED
    assert "缺少必填字段" in err and "未知字段" in err and "应为" in err
    assert "Input should be" not in err and "Field required" not in err and "Extra inputs" not in err


def test_pledge_prints_labels_not_enum_values(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, err = run(capsys, "pledge", str(OVER_LIMIT))
    assert code == EXIT_OK
    text = out + err
    for raw in ("ltv_max", "margin_call", "shortfall_probability", "policy_pledge_rate", "liquidation_ltv"):
        assert raw not in text, raw
    assert "押品不足概率目标" in text and "最高可贷额度" in text
    # a loan far above the limit breaches the covenants on the base path: printed by their labels
    raw = json.loads(OVER_LIMIT.read_text(encoding="utf-8"))
    raw["term_sheet"]["amount"] = 7_600_000.0
    breach = tmp_path / "breach.json"
    breach.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    code, out, err = run(capsys, "pledge", str(breach))
    assert code == EXIT_OK and "平仓线" in out and "追加保证金" in out
    assert "ltv_max" not in out + err and "margin_call" not in out + err and "coverage_min" not in out + err


def test_value_prints_method_labels(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "value", str(ROOT / "data" / "examples" / "parking_city_investment.json"),
                       "--draws", "100")
    assert code == EXIT_OK
    assert "成本法 (cost approach)" in out and "收益法 (income approach)" in out
    assert not any(line.split()[0] in ("cost", "income", "market") for line in out.splitlines() if line.strip())


def test_labels() -> None:
    assert label("ltv_max", "pledge") == "平仓线 (LTV liquidation line)"
    assert label("internal_rd", "accounting").startswith("内部研发")
    assert label("rd_spend", "event") == "研发支出 (R&D spending)"
    assert label("no-such-value") == "no-such-value"
