"""The command line's language, in one place: Chinese first, English on request.

The language is ``--lang zh|en`` (before the command: ``dataval --lang en value x.json``), else the
environment variable ``DATAVAL_LANG``, else Chinese. It chooses the help texts (:data:`HELP`) and
argparse's own words (``usage:``, ``the following arguments are required`` … — :data:`ARGPARSE_ZH`,
patched in by :func:`argparse_language` while ``main()`` parses). Messages of refusals and printed
reports stay bilingual (Chinese, then the English) in either language; enum values are printed by
their labels (:func:`label`), never raw.

Only the standard library is imported here: ``dataval --help`` stays fast. The packages' label tables
(``pledge.LABELS``, ``valuation.models``, ``accounting``'s labels) load on first use.
"""

from __future__ import annotations

import argparse
import os
import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"
ENV_VAR = "DATAVAL_LANG"

_current = {"lang": DEFAULT_LANG}


def normalize(value: str | None) -> str | None:
    """``en``, ``EN``, ``en_US.UTF-8`` -> ``en``; ``zh``, ``zh_CN`` -> ``zh``; anything else -> None."""
    text = (value or "").strip().lower()
    return next((lang for lang in LANGS if text.startswith(lang)), None)


def choose_lang(argv: Sequence[str], environ: Mapping[str, str] | None = None) -> str:
    """The language of a command line: ``--lang`` before the command, else ``$DATAVAL_LANG``, else zh.

    An unknown ``--lang`` value is left to argparse to refuse (in the default language); an unknown
    ``DATAVAL_LANG`` is ignored.
    """
    env = os.environ if environ is None else environ
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == "--lang" and i + 1 < len(argv):
            return normalize(argv[i + 1]) or DEFAULT_LANG
        if arg.startswith("--lang="):
            return normalize(arg.split("=", 1)[1]) or DEFAULT_LANG
        if not arg.startswith("-"):  # the command: options after it belong to it
            break
    return normalize(env.get(ENV_VAR)) or DEFAULT_LANG


def set_lang(lang: str) -> None:
    _current["lang"] = normalize(lang) or DEFAULT_LANG


def get_lang() -> str:
    return _current["lang"]


def tr(zh: str, en: str) -> str:
    """``zh`` in Chinese mode, ``en`` in English mode."""
    return en if _current["lang"] == "en" else zh


def refusal(exc: Exception) -> str:
    """The text printed for a refused input: Chinese first. A message another layer wrote in English
    only is headed by 已拒绝 in Chinese mode."""
    from base.messages import has_chinese

    text = str(exc)
    return text if has_chinese(text) or get_lang() == "en" else f"已拒绝 refused: {text}"


# ------------------------------------------------------------------------------------ help texts
HELP: dict[str, tuple[str, str]] = {
    "dataval": ("数据资产估值与入表：估值、账务处理（入表）、质押融资、资产登记簿。",
                "Value data assets and put them on the balance sheet."),
    "--version": ("显示版本号并退出", "show the version and exit"),
    "--lang": ("帮助与提示的语言：zh 中文（默认）或 en 英文；也可设环境变量 DATAVAL_LANG",
               "language of help and messages: zh Chinese (default) or en English; or set DATAVAL_LANG"),
    "progress": ("非终端输出时也显示进度条", "show the progress bar even when not on a terminal"),
    "as-of": ("资产负债表日 YYYY-MM-DD", "balance-sheet date YYYY-MM-DD"),
    "period-start": ("会计期间首日（默认：会计年度首日）", "first day of the period (default: fiscal year start)"),
    "collect": ("某一事项被拒绝时继续处理其余事项（并列出被拒事项）",
                "book the rest when an event is refused (listed)"),
    "books-path": ("账务案例 JSON（见 data/examples/books/）", "accounting case JSON (see data/examples/books/)"),
    "db": ("数据库 URL（默认：$DATAVAL_DB_URL 或内置的 SQLite 文件）",
           "database URL (default: $DATAVAL_DB_URL or the embedded SQLite file)"),
    "actor": ("操作人，记入审计日志", "who is doing this, for the audit log"),
    # value
    "value": ("估值：一个委托（JSON / Excel 案例）或一批资产（CSV / Parquet / Excel）",
              "value one engagement (JSON / Excel case) or a batch table (CSV / Parquet / Excel)"),
    "value.path": ("评估案例（.json 或 Excel 委托模板）或批量资产表（.csv / .parquet / .xlsx）",
                   "the valuation case (.json or the Excel engagement template) or a batch table "
                   "(.csv / .parquet / .xlsx)"),
    "value.--json": ("输出 JSON（各评估方法的价值、评估结论、价值区间）",
                     "print JSON (per-method values, conclusion, range)"),
    "value.--full": ("案例，与 --json 同用：包含全部计算说明", "with --json on a case: include every explanation"),
    "value.--disclosure": ("案例：以 Markdown 输出每项资产的评估情况披露（财会〔2023〕11号 三（二））",
                           "case: print the appraisal disclosure (财会〔2023〕11号 三（二）) of each asset as Markdown"),
    "value.-o": ("案例：完整结果 .json 或评估工作底稿 .xlsx；批量：结果明细 .csv 或 .parquet",
                 "case: full result .json or the workpapers .xlsx; batch: tidy results .csv or .parquet"),
    "value.--seed": ("蒙特卡洛随机种子（默认：案例中的设置，或 {seed}）",
                     "Monte Carlo seed (default: the case's, or {seed})"),
    "value.--draws": ("每项资产的蒙特卡洛抽样次数（0 为不模拟；默认 1000）",
                      "Monte Carlo draws per asset (0 = off; default 1000)"),
    "value.--valuation-date": ("批量评估的评估基准日（否则取 valuation_date 列）",
                               "batch valuation date (else the valuation_date column)"),
    "value.--engine": ("批量：分块计算的位置——本进程（local）或 dask.distributed 集群（dask）",
                       "batch: where chunks are valued — this process (local) or dask.distributed (dask)"),
    "value.--scheduler": ("批量，--engine dask：调度器地址 tcp://主机:端口（默认：在本机启动 LocalCluster）",
                          "batch, --engine dask: scheduler address tcp://HOST:PORT "
                          "(default: start a LocalCluster on this machine)"),
    "value.--workers": ("批量，--engine dask 且未给 --scheduler：LocalCluster 工作进程数（默认 2）",
                        "batch, --engine dask without --scheduler: LocalCluster worker processes (default 2)"),
    "value.--threads": ("批量，--engine local：线程数（默认 1）", "batch, --engine local: threads (default 1)"),
    "value.--chunk-rows": ("批量：每块读取、估值、写出的行数（默认 50,000）；结果与之无关",
                           "batch: rows read, valued and written per chunk (default 50,000); results do not "
                           "depend on it"),
    # schema, template
    "schema": ("输出输入文件的 JSON Schema：评估案例（默认）、账务案例（books）或质押案例（pledge），或批量表的列",
               "print the JSON Schema of an input file: valuation case (default), accounting case (books) or "
               "pledge case (or the batch columns)"),
    "schema.kind": ("case：评估案例（默认）；books：账务案例；pledge：质押案例",
                    "case: valuation case (default); books: accounting case; pledge: pledge case"),
    "schema.--batch": ("改为列出批量资产表的列", "list the flat batch table's columns instead"),
    "template": ("生成 Excel 评估委托模板", "write the Excel engagement template"),
    "template.-o": ("要写出的模板（.xlsx）", "the template to write (.xlsx)"),
    "template.--from": ("用于填充模板的案例 JSON（默认：内置示例）",
                        "case JSON to fill it from (default: a bundled example)"),
    # book
    "book": ("数据资源入表：会计分录、报表与附注披露", "book a company's data resources: journal, statements, disclosures"),
    "book.--json": ("输出 JSON：会计分录、试算平衡表、资产负债表、附注",
                    "print entries, trial balance, balance sheet, notes"),
    "book.-o": ("写出入账结果（.json）或账务工作簿（.xlsx）",
                "write the booked result (.json) or the ledger workbook (.xlsx)"),
    # pledge
    "pledge": ("数据资产质押融资：测算最高可贷额度并进行贷后监控（银行视角）",
               "size and monitor a pledge loan on a data asset (bank view)"),
    "pledge.path": ("质押案例 JSON（见 data/examples/pledges/）", "pledge case JSON (see data/examples/pledges/)"),
    "pledge.--json": ("以 JSON 输出完整的评估结果", "print the full assessment as JSON"),
    "pledge.-o": ("写出授信审查报告：工作簿（.xlsx）或网页（.html）",
                  "write the credit memo: workbook (.xlsx) or web page (.html)"),
    "pledge.--books": ("企业的账务案例：从中读取持有情况与已有质押，并将本次质押入账，使附注将该资产列为受限资产",
                       "the company's accounting case: holding and existing pledges are read from it, and the "
                       "pledge is booked so the disclosure lists the asset as restricted"),
    # portfolio
    "portfolio": ("质押贷款组合：一次模拟全部贷款的押品价值（质押案例文件夹，或含 loans 列表的 JSON）",
                  "simulate a loan book's collateral in one batch (folder of pledge cases or "
                  "{\"loans\": [...]})"),
    "portfolio.path": ("质押案例 .json 文件所在的文件夹，或含 loans 列表的 .json 文件",
                       "folder of pledge case .json files, or a .json file with a 'loans' list"),
    "portfolio.--json": ("以 JSON 输出组合及每笔贷款", "print the book and every loan as JSON"),
    "portfolio.--paths": ("每笔贷款的蒙特卡洛路径数（默认：各案例自身的设置）",
                          "Monte Carlo paths for every loan (default: each case's own)"),
    "portfolio.-o": ("每笔贷款一行，写为 .csv 或 .parquet", "one row per loan, .csv or .parquet"),
    "portfolio.--engine": ("组合分块模拟的位置：本进程（local）或 dask.distributed（dask）",
                           "where the parts of the book are simulated: this process or dask.distributed"),
    "portfolio.--scheduler": ("--engine dask：调度器 tcp://主机:端口（默认：LocalCluster）",
                              "--engine dask: scheduler tcp://HOST:PORT (default: a LocalCluster)"),
    "portfolio.--workers": ("--engine dask 且未给 --scheduler：工作进程数",
                            "--engine dask without --scheduler: worker processes"),
    "portfolio.--loans-per-task": ("每个任务模拟的贷款笔数（默认 256）；结果与之无关",
                                   "loans simulated per task (default 256); figures do not depend on it"),
    # export
    "export": ("生成某一案例与期间的 Excel 工作簿：账务、评估工作底稿与质押工作底稿，含实时公式与校验表",
               "write the Excel workbook of a case and period: books, valuation and pledge workpapers, live "
               "formulas and a check sheet"),
    "export.--as-of": ("资产负债表日 YYYY-MM-DD（有账务案例时必填）",
                       "balance-sheet date YYYY-MM-DD (with an accounting case)"),
    "export.--valuation": ("评估案例（JSON 或 Excel 模板）：加入评估工作底稿",
                           "valuation case (JSON or the Excel template): adds the workpapers"),
    "export.--pledge": ("质押案例 JSON：加入质押工作底稿（授信审查表）",
                        "pledge case JSON: adds the pledge workpaper (credit memo sheets)"),
    "export.--preparer": ("封面上的编制人", "preparer (编制人) shown on the cover"),
    "export.-o": ("要写出的工作簿（.xlsx）", "the workbook (.xlsx)"),
    # db
    "db.cmd": ("资产登记簿（数据库）：初始化、导入、过账、结账、校验、备份、恢复",
               "the asset register on a database (资产登记簿)"),
    "db.init": ("创建数据库并迁移到最新结构", "create the database and migrate it to the latest schema"),
    "db.import": ("导入 Excel 委托模板或批量 CSV：先整体校验，再全部导入或全部不导入",
                  "import the Excel template or a batch CSV: validated first, then all or nothing"),
    "db.import.path": ("委托模板（.xlsx）或批量表（.csv）", "engagement template (.xlsx) or batch table (.csv)"),
    "db.import.--company": ("公司代码（默认：模板中的委托方；CSV 必填）",
                            "company code (default: the template's client; required for CSV)"),
    "db.import.--report": ("Excel 错误报告的写出位置（默认 <文件>.errors.xlsx）",
                           "where to write the Excel error report (default <file>.errors.xlsx)"),
    "db.import.--json": ("以 JSON 输出导入摘要", "print the import summary as JSON"),
    "db.import.--progress": ("输出进度行", "print progress lines"),
    "db.import.--value": ("对导入的委托估值并保存结果（仅限模板）",
                          "value the imported engagement and store the results (template only)"),
    "db.post": ("登记账务案例并过账其会计分录", "record an accounting case and post its journal entries"),
    "db.post.path": ("账务案例 JSON（data/examples/books/）；省略则对 --company 重新过账",
                     "accounting case JSON (data/examples/books/); omit to re-post --company"),
    "db.post.--as-of": ("过账截至 YYYY-MM-DD 的分录", "post entries dated up to YYYY-MM-DD"),
    "db.post.--company": ("公司代码（默认：案例编号）", "company code (default: the case id)"),
    "db.post.--json": ("以 JSON 输出过账摘要", "print the posting summary as JSON"),
    "db.close-period": ("结账：此后不再向该期间过账", "close a period: nothing more is posted into it"),
    "db.company": ("公司代码", "company code"),
    "db.close-period.--start": ("期间首日 YYYY-MM-DD", "first day of the period YYYY-MM-DD"),
    "db.close-period.--end": ("期间末日 YYYY-MM-DD", "last day of the period YYYY-MM-DD"),
    "db.verify": ("校验分录与审计日志的哈希链、会计期间与事项",
                  "check the ledger and audit hash chains, periods and events"),
    "db.verify.--expect-head": ("先前校验时记下的链头哈希（可发现整条链被改写）",
                                "the head hash kept from an earlier verify (detects a rewritten chain)"),
    "db.verify.--expect-audit-head": ("先前校验时记下的审计日志链头哈希（可发现审计日志被改写）",
                                      "the audit head hash kept from an earlier verify (detects a rewritten "
                                      "audit log)"),
    "db.verify.--json": ("以 JSON 输出校验结果", "print the verification as JSON"),
    "db.backup": ("备份登记簿（SQLite 备份接口 / pg_dump）", "back up the register (SQLite backup API / pg_dump)"),
    "db.backup.output": ("要写出的备份文件", "backup file to write"),
    "db.restore": ("用经校验的备份替换登记簿（原登记簿另行保留）",
                   "replace the register with a verified backup (the replaced one is kept aside)"),
    "db.restore.path": ("由 `dataval db backup` 生成的备份文件", "backup file made by `dataval db backup`"),
    "db.restore.--yes": ("确认：当前登记簿将被替换", "confirm: the current register is replaced"),
    # user
    "user": ("登记簿的用户与角色", "users of the register and their roles (用户与角色)"),
    "user.add": ("新增用户，指定角色与密码", "add a user with a role and a password"),
    "user.add.username": ("用户名", "user name"),
    "user.add.--role": ("角色：admin 管理员、finance 财务、appraiser 评估师、bank 银行、analyst 分析师",
                        "admin, finance, appraiser, bank or analyst"),
    "user.add.--name": ("显示名称", "display name"),
    "user.add.--password-stdin": ("从标准输入读取密码（第一行）", "read the password from standard input"),
    "user.list": ("列出用户与角色", "list users and roles"),
    "user.list.--json": ("以 JSON 输出", "print JSON"),
    # profile
    "profile": ("数据质量评价（GB/T 36344 六个维度）：CSV / Parquet / Excel 文件",
                "measure data quality (GB/T 36344 six dimensions) of a CSV / Parquet / Excel file"),
    "profile.datafile": ("数据文件：.csv（UTF-8，含表头行）、.parquet 或 .xlsx",
                         "the data: .csv (UTF-8, header row), .parquet or .xlsx"),
    "profile.--rules": ("质量规则 JSON（见 docs/quality.md、data/quality/）",
                        "quality rules JSON (see docs/quality.md, data/quality/)"),
    "profile.--json": ("以 JSON 输出各维度得分及每项检查的计数",
                       "print the scores and every check's counts as JSON"),
    "profile.-o": ("写出报告：.xlsx（含公式的工作簿）或 .json（供案例的 quality.profile 引用）；可重复",
                   "write the report: .xlsx (workbook with formulas) or .json (for a case's quality.profile); "
                   "repeatable"),
    "profile.--as-of": ("时效性的基准日（默认：规则中的 as_of）",
                        "reference date of timeliness (default: the rules' as_of)"),
    "profile.--sheet": (".xlsx 文件的工作表（默认：第一个）", "worksheet of an .xlsx file (default: the first)"),
    "profile.--chunk-rows": ("Parquet 与 Excel 文件每块读取的记录数", "records per chunk for Parquet and Excel"),
}
"""Help of every command and option: key -> (Chinese, English)."""


def h(key: str, **values: object) -> str:
    """The help text ``key`` in the current language (``{name}`` filled from ``values`` when given)."""
    text = tr(*HELP[key])
    return text.format(**values) if values else text


# ------------------------------------------------------------------------------ argparse's words
ARGPARSE_ZH: dict[str, str] = {
    "usage: ": "用法：",
    "positional arguments": "位置参数",
    "options": "选项",
    "optional arguments": "选项",
    "show this help message and exit": "显示本帮助并退出",
    "subcommands": "子命令",
    "%(prog)s: error: %(message)s\n": "%(prog)s: 错误：%(message)s\n",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "the following arguments are required: %s": "缺少必需的参数：%s",
    "one of the arguments %s is required": "以下参数须给出其一：%s",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "invalid choice: %(value)r (choose from %(choices)s)": "无效的选项：%(value)r（可选：%(choices)s）",
    "invalid %(type)s value: %(value)r": "无效的 %(type)s 值：%(value)r",
    "expected one argument": "需要一个参数值",
    "expected at most one argument": "至多接受一个参数值",
    "expected at least one argument": "至少需要一个参数值",
    "expected %s argument": "需要 %s 个参数值",
    "expected %s arguments": "需要 %s 个参数值",
    "ambiguous option: %(option)s could match %(matches)s": "选项不明确：%(option)s 可匹配 %(matches)s",
    "not allowed with argument %s": "不能与参数 %s 同时使用",
    "ignored explicit argument %r": "忽略了多余的参数值 %r",
    "unexpected option string: %s": "意外的选项：%s",
    "unknown parser %(parser_name)r (choices: %(choices)s)": "未知命令 %(parser_name)r（可选：%(choices)s）",
    "can't open '%(filename)s': %(error)s": "无法打开 '%(filename)s'：%(error)s",
    "default: ": "默认：",
}
"""argparse's own strings (looked up through ``argparse._`` / ``argparse.ngettext``) in Chinese."""


def _gettext_zh(message: str) -> str:
    return ARGPARSE_ZH.get(message, message)


def _ngettext_zh(singular: str, plural: str, n: int) -> str:
    return ARGPARSE_ZH.get(singular if n == 1 else plural, singular if n == 1 else plural)


@contextmanager
def argparse_language(lang: str) -> Iterator[None]:
    """argparse speaks ``lang`` inside the block (its module-level ``_`` and ``ngettext`` are swapped
    for Chinese ones in zh mode), and is restored after it, so other code importing argparse is left alone."""
    if lang != "zh":
        yield
        return
    saved: tuple[Callable[[str], str], Callable[[str, str, int], str]] = (
        argparse._, argparse.ngettext)  # type: ignore[attr-defined]
    argparse._ = _gettext_zh  # type: ignore[attr-defined]
    argparse.ngettext = _ngettext_zh  # type: ignore[attr-defined]
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved  # type: ignore[attr-defined]


# --------------------------------------------------------------------------------- enum labels
LABELS_ZH: dict[str, tuple[str, str]] = {
    # quality weights (valuation.quality.WeightsSource)
    "given": ("给定权重", "given weights"),
    "ahp": ("层次分析法", "AHP"),
    "equal": ("等权", "equal weights"),
    # ledger verification findings (register.ledger.Problem.kind)
    "missing": ("缺失", "missing"),
    "broken link": ("链接断裂", "broken link"),
    "altered": ("被篡改", "altered"),
    "unbalanced": ("借贷不平", "unbalanced"),
    "no head": ("缺少链头", "no head"),
    "head mismatch": ("链头不符", "head mismatch"),
    "anchor mismatch": ("锚点不符", "anchor mismatch"),
    "unsealed": ("未封存", "unsealed"),
    # register import stages (register.importing)
    "validating": ("校验中", "validating"),
    "validated": ("已校验", "validated"),
    "writing": ("写入中", "writing"),
    "committing": ("提交中", "committing"),
    "committed": ("已提交", "committed"),
    # the books' checks (accounting.book)
    "every entry balances": ("每笔分录借贷平衡", "every entry balances"),
    "trial balance: debits = credits": ("试算平衡：借方 = 贷方", "trial balance: debits = credits"),
    "Table A ties": ("表 A 勾稽相符", "Table A ties"),
    "Table B ties": ("表 B 勾稽相符", "Table B ties"),
    "P&L effects = P&L movements in the trial balance": ("损益影响 = 试算平衡表损益变动",
                                                         "P&L effects = P&L movements in the trial balance"),
}
"""(Chinese, English) of values the packages have no label for."""


def _pair(value: str, kind: str) -> tuple[str, str] | None:
    if kind == "method":
        from valuation.models import LABELS_ZH as VALUATION_ZH
        from valuation.models import english

        zh = VALUATION_ZH.get(value)
        return (zh, english(value)) if zh else None
    if kind == "pledge":
        from pledge.results import LABELS as PLEDGE

        return PLEDGE.get(value)
    if kind == "event":
        from accounting.events import EVENT_NAMES

        return next(((zh, en) for k, (zh, en) in EVENT_NAMES.items() if k.value == value), None)
    if kind == "accounting":
        from accounting.enums import LABELS

        return LABELS.get(value)
    return LABELS_ZH.get(value)


def label_pair(value: object, kind: str = "cli") -> tuple[str, str] | None:
    """(中文, English) of an enum value (see :func:`label` for ``kind``), None when it has no label."""
    return _pair(str(getattr(value, "value", value)), kind)


def label(value: object, kind: str = "cli") -> str:
    """An enum value as its label, ``中文 (English)``: ``ltv_max`` -> ``平仓线 (LTV liquidation line)``.

    ``kind``: ``method`` (valuation methods), ``pledge`` (pledge constraints, covenants, triggers),
    ``event`` (accounting events), ``accounting`` (classifications ...), ``cli`` (:data:`LABELS_ZH`).
    A value without a label is shown as it is.
    """
    text = str(getattr(value, "value", value))
    pair = _pair(text, kind)
    return f"{pair[0]} ({pair[1]})" if pair else text


def width(text: str) -> int:
    """Columns ``text`` takes on a terminal (a Chinese character takes two)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def pad(text: str, columns: int) -> str:
    """``text`` padded with spaces to ``columns`` terminal columns (Chinese characters counted as two)."""
    return text + " " * max(0, columns - width(text))
