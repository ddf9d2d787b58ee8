"""Labels of the dashboard: one table, Chinese first, with an English switch; CNY formatting.

``t(key)`` gives the label in the session's language (``st.session_state["lang"]``: ``"zh"`` by
default, ``"en"`` after the switch). In Chinese the English term is kept beside the Chinese one where a
reader checks figures against English documents (titles, table headers): ``t(key, both=True)``.
Amounts are shown in CNY to the fen with the ledger's one rounding rule (``accounting.money.money``,
half-up), so a figure on screen is the figure in the books.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from accounting.money import money

LANGS = ("zh", "en")

# key: (中文, English)
LABELS: dict[str, tuple[str, str]] = {
    # app frame
    "app_title": ("数据资产估值与入表", "Data-asset valuation and recognition"),
    "language": ("语言 Language", "Language 语言"),
    "login": ("登录", "Log in"),
    "logout": ("退出登录", "Log out"),
    "login_sso": ("单点登录", "Single sign-on"),
    "username": ("用户名", "Username"),
    "password": ("密码", "Password"),
    "bad_login": ("用户名或密码错误，或账户已停用", "Wrong username or password, or the account is inactive"),
    "signed_in_as": ("当前用户", "Signed in as"),
    "role": ("角色", "Role"),
    "no_sso_user": ("单点登录账户未在登记簿中开通，请联系管理员", "This single sign-on account has no user in the register; ask an administrator"),
    "refused": ("无权执行此操作", "Not allowed"),
    "page_not_allowed": ("当前角色无权使用此页面", "Your role may not use this page"),
    "register_db": ("登记簿", "Register"),
    # roles
    "role_finance": ("财务", "finance"),
    "role_appraiser": ("评估师", "appraiser"),
    "role_bank": ("银行", "bank"),
    "role_analyst": ("分析师", "analyst"),
    "role_admin": ("管理员", "admin"),
    # pages
    "page_register": ("资产登记", "Register"),
    "page_recognition": ("入表判断", "Recognition"),
    "page_valuation": ("估值", "Valuation"),
    "page_ledger": ("账务", "Ledger"),
    "page_pledge": ("质押", "Pledge"),
    "page_export": ("导出", "Export"),
    "page_users": ("用户", "Users"),
    # common
    "company": ("公司", "Company"),
    "asset": ("资产", "Asset"),
    "assets": ("资产", "Assets"),
    "asset_id": ("资产编号", "Asset id"),
    "name": ("名称", "Name"),
    "field": ("应用领域", "Field"),
    "region": ("地区", "Region"),
    "source": ("来源", "Source"),
    "rights": ("权利", "Rights"),
    "records": ("记录数", "Records"),
    "rights_term_end": ("权利期限届满日", "Rights term end"),
    "search": ("搜索（编号或名称）", "Search (id or name)"),
    "showing": ("显示", "Showing"),
    "of": ("共", "of"),
    "save": ("保存", "Save"),
    "saved": ("已保存", "Saved"),
    "nothing_changed": ("没有修改", "Nothing changed"),
    "download": ("下载", "Download"),
    "run": ("运行", "Run"),
    "amount": ("金额", "Amount"),
    "date": ("日期", "Date"),
    "evidence": ("依据", "Evidence"),
    "total": ("合计", "Total"),
    "value": ("价值", "Value"),
    "method": ("方法", "Method"),
    "weight": ("权重", "Weight"),
    "status": ("状态", "Status"),
    "error": ("错误", "Error"),
    "errors": ("错误", "Errors"),
    "none": ("无", "none"),
    "page": ("页", "Page"),
    "ready": ("页面已就绪", "Page ready"),
    # register page
    "register_intro": ("录入和编辑数据资产及其成本明细；每一行都会校验，错误会指明资产和字段。",
                       "Enter and edit data assets and their cost lines; every row is checked and an error names the asset and the field."),
    "new_asset": ("新增资产", "New asset"),
    "add_asset": ("添加资产", "Add asset"),
    "asset_added": ("资产已添加", "Asset added"),
    "edit_assets": ("资产清单", "Asset list"),
    "cost_lines": ("成本明细", "Cost lines"),
    "category": ("类别", "Category"),
    "item": ("项目", "Item"),
    "incurred_on": ("发生日", "Incurred on"),
    "restate": ("按指数重置", "Restate by index"),
    "line_no": ("行号", "Line"),
    "evidence_files": ("证据文件", "Evidence files"),
    "upload_evidence": ("上传证据文件（发票、工时表、分摊表）", "Upload evidence (invoice, timesheet, allocation key)"),
    "evidence_for_line": ("对应成本行", "For cost line"),
    "evidence_saved": ("证据文件已保存", "Evidence saved"),
    "import_template": ("从 Excel 模板导入", "Import from the Excel template"),
    "import_file": ("选择已填写的 Excel 模板（.xlsx）或批量表（.csv）", "Choose a filled template (.xlsx) or a batch table (.csv)"),
    "import_button": ("导入", "Import"),
    "import_refused": ("导入被拒绝，登记簿未作任何修改", "Import refused; the register is unchanged"),
    "import_done": ("导入完成", "Import done"),
    "error_report": ("错误报告", "Error report"),
    "sheet": ("工作表", "Sheet"),
    "row": ("行", "Row"),
    "column": ("列", "Column"),
    "message": ("说明", "Message"),
    "validation_failed": ("校验未通过，未保存", "Validation failed; nothing was saved"),
    "select_asset": ("选择资产", "Choose an asset"),
    "no_assets": ("登记簿中没有资产", "No assets in the register"),
    "template_download": ("下载空白模板", "Download a blank template"),
    # recognition page
    "recognition_intro": ("按财会〔2023〕11号和企业会计准则第6号、第1号判断每项数据资源的入表类别，列出理由、引用条款和尚缺的事实。",
                          "The recognition decision under 财会〔2023〕11号 and CAS 6 / CAS 1 for each data resource, with reasons, articles cited and the facts still missing."),
    "decision": ("入表判断", "Decision"),
    "classification": ("类别", "Classification"),
    "reasons": ("理由", "Reasons"),
    "citations": ("引用条款", "Articles cited"),
    "missing_facts": ("尚缺事实", "Facts still missing"),
    "five_criteria": ("资本化五项条件（企业会计准则第6号第九条）", "Five capitalization criteria (CAS 6 art. 9)"),
    "criterion": ("条件", "Criterion"),
    "met": ("满足", "Met"),
    "date_met": ("满足日期", "Date met"),
    "capitalization_start": ("资本化起点", "Capitalization starts"),
    "no_books": ("该公司在登记簿中没有入账的数据资源（会计事实与事项）", "This company keeps no data resources on the books in the register (accounting facts and events)"),
    "summary_by_class": ("按类别汇总", "Summary by classification"),
    "count": ("数量", "Count"),
    # valuation page
    "valuation_intro": ("运行一项评估委托：各方法分页展示，价值构成、敏感性、模拟分布、方法比较与评估结论。",
                        "Run one engagement: a tab per method, the value build-up, sensitivity, the simulation, the method comparison and the conclusion."),
    "engagement": ("评估委托", "Engagement"),
    "choose_engagement": ("选择评估委托", "Choose an engagement"),
    "or_upload_case": ("或上传案例文件（JSON 或 Excel 模板）", "or upload a case file (JSON or the Excel template)"),
    "run_valuation": ("运行评估", "Run valuation"),
    "valuation_date": ("评估基准日", "Valuation date"),
    "purpose": ("评估目的", "Purpose"),
    "value_type": ("价值类型", "Value type"),
    "seed": ("随机种子", "Seed"),
    "draws": ("模拟次数", "Draws"),
    "cost_method": ("成本法", "Cost method"),
    "income_method": ("收益法", "Income method"),
    "market_method": ("市场法", "Market method"),
    "conclusion": ("评估结论", "Conclusion"),
    "concluded_value": ("评估值", "Concluded value"),
    "range_p5_p95": ("区间 P5–P95", "Range P5–P95"),
    "value_buildup": ("价值构成", "Value build-up"),
    "tornado": ("敏感性分析（龙卷风图）", "Sensitivity (tornado)"),
    "simulation": ("蒙特卡洛模拟", "Monte Carlo simulation"),
    "method_comparison": ("方法比较", "Method comparison"),
    "figures": ("计算过程", "Working"),
    "formula": ("公式", "Formula"),
    "detail": ("测算", "Detail"),
    "result": ("结果", "Result"),
    "analysis": ("差异分析", "Analysis of differences"),
    "disclosure": ("评估披露", "Appraisal disclosure"),
    "save_conclusion": ("保存评估结论", "Save the conclusion"),
    "conclusion_saved": ("评估结论已保存到登记簿", "Conclusion saved to the register"),
    "batch": ("批量评估", "Batch valuation"),
    "batch_upload": ("上传批量表（CSV / Parquet / Excel）", "Upload a batch table (CSV / Parquet / Excel)"),
    "batch_run": ("运行批量评估", "Run the batch"),
    "batch_done": ("批量评估完成", "Batch done"),
    "valued": ("已估值", "valued"),
    "failed": ("失败", "failed"),
    "results": ("结果", "Results"),
    "asset_errors": ("资产错误", "Asset errors"),
    "category_total": ("类别合计", "Category total"),
    "historical": ("历史金额", "Historical"),
    "restated": ("重置成本", "Restated"),
    "period_col": ("期", "Period"),
    "cash_flow": ("收益", "Cash flow"),
    "present_value": ("现值", "Present value"),
    "adjusted_price": ("修正后价格", "Adjusted price"),
    "comparable": ("可比案例", "Comparable"),
    "price": ("交易价格", "Price"),
    "kept": ("采用", "Kept"),
    "low": ("低", "Low"),
    "high": ("高", "High"),
    "input": ("参数", "Input"),
    "frequency": ("频数", "Frequency"),
    "not_run": ("未采用此方法", "Method not run"),
    # ledger page
    "ledger_intro": ("过账一个会计期间：记账凭证、试算平衡表、资产负债表“其中：数据资源”项目、附注披露表，并结账。",
                     "Post a period: the journal, the trial balance, the balance-sheet lines “of which: data resources”, the disclosure tables, and close the period."),
    "period_start": ("期间开始", "Period start"),
    "period_end": ("期间结束（资产负债表日）", "Period end (balance-sheet date)"),
    "preview": ("预览", "Preview"),
    "post_period": ("过账", "Post the period"),
    "posted": ("已过账", "Posted"),
    "close_period": ("结账", "Close the period"),
    "closed": ("已结账", "Closed"),
    "period_open": ("未结账", "Open"),
    "period_status": ("期间状态", "Period status"),
    "journal": ("记账凭证", "Journal"),
    "trial_balance": ("试算平衡表", "Trial balance"),
    "balance_sheet": ("资产负债表项目", "Balance-sheet lines"),
    "table_a": ("表A 确认为无形资产的数据资源", "Table A: data resources recognized as intangible assets"),
    "table_b": ("表B 确认为存货的数据资源", "Table B: data resources recognized as inventory"),
    "other_disclosures": ("其他披露", "Other disclosures"),
    "checks": ("校验", "Checks"),
    "account": ("科目", "Account"),
    "debit": ("借方", "Debit"),
    "credit": ("贷方", "Credit"),
    "opening": ("期初", "Opening"),
    "closing": ("期末", "Closing"),
    "entries_posted": ("笔凭证已过账", "entries posted"),
    "rejected_events": ("被拒绝的事项", "Refused events"),
    "balanced": ("借贷平衡", "Balanced"),
    "not_balanced": ("借贷不平衡", "Not balanced"),
    "all_checks_pass": ("全部校验通过", "All checks pass"),
    "books": ("账套", "Books"),
    "close_confirm": ("确认结账（结账后不可重新打开）", "Confirm: a closed period is never reopened"),
    # pledge page
    "pledge_intro": ("质押融资测算：贷款条件、最高可贷额度及约束条件、LTV/覆盖率路径、押品不足概率、压力测试和授信审查表。",
                     "Pledge financing: term sheet, maximum loan and its binding constraint, LTV / coverage paths, shortfall probability, stress, and the credit memo."),
    "term_sheet": ("贷款条件", "Term sheet"),
    "collateral": ("质押物", "Collateral"),
    "loan_amount": ("申请金额", "Requested amount"),
    "annual_rate": ("年利率", "Annual rate"),
    "term_months": ("期限（月）", "Term (months)"),
    "repayment": ("还款方式", "Repayment"),
    "pay_frequency": ("还款频率", "Payment frequency"),
    "freq_monthly": ("按月", "monthly"),
    "freq_quarterly": ("按季", "quarterly"),
    "freq_semiannual": ("按半年", "semi-annual"),
    "freq_annual": ("按年", "annual"),
    "grace_periods": ("宽限期（期）", "Grace periods"),
    "drawdown_date": ("放款日", "Drawdown date"),
    "run_pledge": ("测算", "Assess"),
    "max_loan": ("最高可贷额度", "Maximum loan"),
    "binding": ("约束条件", "Binding constraint"),
    "constraints": ("四项额度约束", "The four limits"),
    "collateral_value": ("押品价值", "Collateral value"),
    "liquidation_value": ("清算价值", "Liquidation value"),
    "prob_shortfall": ("押品不足概率", "Probability of shortfall"),
    "expected_shortfall": ("预期不足额", "Expected shortfall"),
    "expected_loss": ("预期损失", "Expected loss"),
    "path_chart": ("LTV 与覆盖率路径", "LTV and coverage path"),
    "stress": ("压力测试", "Stress"),
    "stress_value": ("押品价值冲击", "Collateral value shock"),
    "stress_volatility": ("波动率", "Volatility"),
    "stress_jump": ("跳跃强度（合规/法律事件）", "Jump intensity (compliance / legal events)"),
    "breaches": ("预警与触发", "Covenant breaches"),
    "credit_memo": ("授信审查表", "Credit memo"),
    "within_limit": ("在额度内", "within the limit"),
    "above_limit": ("超出额度", "above the limit"),
    "schedule": ("还款计划", "Repayment schedule"),
    "choose_pledge_case": ("选择质押案例", "Choose a pledge case"),
    "from_register_asset": ("质押物来自登记簿资产的评估结论", "Collateral from a register asset's concluded value"),
    "borrower": ("借款人", "Borrower"),
    "annual_cash_flow": ("年可偿债现金流", "Annual cash flow for debt service"),
    "pd_annual": ("违约概率 PD", "Probability of default (PD)"),
    "lender": ("贷款银行", "Lender"),
    # export page
    "export_intro": ("下载 Excel 工作底稿和账簿；数值来自与命令行相同的计算。",
                     "Download the Excel workpapers and ledgers; figures come from the same calculations as the command line."),
    "ledger_workbook": ("账簿工作簿", "Ledger workbook"),
    "case_workbook": ("评估委托模板（含数据）", "Engagement template (filled)"),
    "valuation_workbook": ("评估工作底稿", "Valuation workpapers"),
    "results_table": ("评估结果表", "Results table"),
    "prepare": ("生成", "Prepare"),
    "not_available": ("尚不可用", "not available yet"),
    # users page
    "users_intro": ("管理登记簿用户：角色决定可见页面和可执行操作。", "Manage the register's users: the role decides the pages and actions."),
    "add_user": ("添加用户", "Add user"),
    "display_name": ("显示名", "Display name"),
    "active": ("启用", "Active"),
    "user_added": ("用户已添加", "User added"),
    "toggle_user": ("停用或启用用户", "Disable or enable a user"),
    "disable": ("停用", "Disable"),
    "enable": ("启用", "Enable"),
}


def current_lang() -> str:
    """The session's language: "zh" (default) or "en". Outside a Streamlit run: "zh"."""
    try:
        import streamlit as st

        lang = st.session_state.get("lang", "zh")
    except Exception:  # no script run context (plain Python, tests of helpers)
        return "zh"
    return lang if lang in LANGS else "zh"


def t(key: str, *, both: bool = False, lang: str | None = None) -> str:
    """The label of ``key``. ``both``: in Chinese, "中文 English"; in English, English only.

    An unknown key is returned as is (so a missing label shows, it never breaks a page).
    """
    pair = LABELS.get(key)
    if pair is None:
        return key
    lang = lang or current_lang()
    if lang == "en":
        return pair[1]
    return f"{pair[0]} {pair[1]}" if both else pair[0]


def bi(zh: str, en: str, *, lang: str | None = None) -> str:
    """A label from the packages' own pairs (e.g. ``line_zh`` / ``line_en``) in the session's language."""
    lang = lang or current_lang()
    return en if lang == "en" else zh


def cny(amount: Any, *, symbol: bool = True) -> str:
    """An amount in CNY to the fen, half-up (the ledger's rule): ``¥1,234,567.89``. None → "—"."""
    if amount is None:
        return "—"
    value = money(amount if isinstance(amount, Decimal | int | str) else float(amount))
    text = f"{value:,.2f}"
    if text.startswith("-"):
        return f"-¥{text[1:]}" if symbol else text
    return f"¥{text}" if symbol else text


def pct(x: float | None, digits: int = 2) -> str:
    """A ratio as a percentage (0.1234 → "12.34%"). None → "—"."""
    return "—" if x is None else f"{x * 100:.{digits}f}%"
