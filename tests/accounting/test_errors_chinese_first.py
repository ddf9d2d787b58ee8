"""Every accounting refusal a reader sees begins with its rule's Chinese name."""

from __future__ import annotations

import unicodedata

from accounting import errors


def test_every_rule_has_a_chinese_name_that_leads_the_message() -> None:
    classes = [c for c in vars(errors).values() if isinstance(c, type) and issubclass(c, errors.AccountingError)]
    assert len(classes) >= 14
    for cls in classes:
        text = str(cls("the details", asset_id="D-01", field="x"))
        assert unicodedata.east_asian_width(cls.rule_zh[0]) == "W", cls
        assert text.startswith(f"{cls.rule_zh}：[asset D-01, field x] the details"), text
        assert f"(rule {cls.rule}: " in text
