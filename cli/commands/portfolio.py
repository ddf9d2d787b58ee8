"""``dataval portfolio``: a loan book's collateral simulated in one batch (pledge/portfolio.py).

The book is a folder of pledge case files (``*.json``, the format of ``dataval pledge``) or one JSON
file ``{"loans": [case, ...]}``; the bank policy is ``data/bank_policy.json`` unless a case carries
its own. ``-o loans.csv`` (or ``.parquet``) writes one row per loan. The book is simulated in parts of
``--loans-per-task`` loans, here or on Dask (``--engine dask [--scheduler tcp://HOST:PORT]``), with
the same figures either way.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from base.errors import DatavalError, InvalidInput
from cli.commands.common import EXIT_OK, dump, integer
from cli.i18n import h


def _cases(path: Path, policy: Any) -> list[Any]:
    from pydantic import ValidationError

    from base.messages import invalid
    from cli.files import read_json
    from pledge import case_from_dict

    if path.is_dir():
        sources = [(p.name, read_json(p)) for p in sorted(path.glob("*.json"))]
        if not sources:
            raise InvalidInput(f"没有质押案例 {path.name}: no pledge case (*.json) in the folder")
    else:
        raw = read_json(path)
        loans = raw.get("loans") if isinstance(raw, dict) else None
        if not isinstance(loans, list) or not loans:
            raise InvalidInput(f"贷款组合格式不符 {path.name}: a loan book is a JSON object with a non-empty 'loans' list",
                               field="loans")
        sources = [(f"{path.name} loans[{i}]", c) for i, c in enumerate(loans)]
    cases = []
    for name, raw_case in sources:
        try:
            cases.append(case_from_dict(raw_case, policy))
        except ValidationError as exc:
            raise invalid(exc, f"{name}: 质押案例 the pledge case") from None
        except DatavalError as exc:
            raise DatavalError(f"{name}: {exc}") from None
    return cases


def cmd_portfolio(args: argparse.Namespace) -> int:
    from bridges.data_files import load_bank_policy
    from cli.executors import make_executor
    from cli.progress import ProgressBar
    from pledge.portfolio import book_parts, check_book, combine_parts, simulate_loans

    if args.output:
        from cli.io import check_destination, check_table_output

        check_table_output(Path(args.output))
        check_destination(Path(args.output))
    policy = load_bank_policy()
    cases = _cases(Path(args.path), policy)
    if args.paths is not None:
        cases = [c.model_copy(update={"simulation": c.simulation.model_copy(update={"n_paths": args.paths})})
                 for c in cases]
    n_paths = check_book(cases)
    if args.scheduler and args.engine != "dask":
        raise DatavalError("参数冲突 --scheduler needs --engine dask")
    options: dict[str, Any] = ({"address": args.scheduler, "n_workers": args.workers} if args.engine == "dask"
                               else {"threads": 1})
    with make_executor(args.engine, **options) as executor:
        parts = executor.map_calls(simulate_loans, book_parts(cases, args.loans_per_task),
                                   progress=ProgressBar(f"模拟中 simulating {len(cases):,} loans", force=args.progress),
                                   total=len(cases), size=len)
        result = combine_parts(parts, n_paths)
    if args.output:
        import pandas as pd

        from cli.io import write_table

        write_table(pd.DataFrame([loan.model_dump() for loan in result.loans]), Path(args.output))
    if args.json:
        print(dump(result.model_dump(mode="json")))
        return EXIT_OK
    print(f"质押贷款组合 loan book: {result.n_loans} 笔贷款 loans, 每笔 {result.n_paths:,} 条路径 paths each")
    print(f"  贷款总额 total exposure            {result.total_exposure:>18,.2f} CNY")
    print(f"  押品价值合计 collateral value       {result.total_collateral_value:>18,.2f} CNY")
    print(f"  清算价值合计 liquidation value      {result.total_liquidation_value:>18,.2f} CNY")
    print(f"  任一贷款押品不足概率 P(any shortfall) {result.prob_any_shortfall:>16.2%}")
    print(f"  组合预期不足额 expected shortfall   {result.expected_total_shortfall:>18,.2f} CNY")
    print(f"  组合不足额 P95 / P99               {result.total_shortfall_p95:>18,.2f} / "
          f"{result.total_shortfall_p99:,.2f} CNY")
    print(f"  预期损失 EL ineligible / eligible   {result.el_total_ineligible:>18,.2f} / "
          f"{result.el_total_eligible:,.2f} CNY")
    for loan in result.loans:
        print(f"  {loan.loan_id:<14} {loan.amount:>16,.2f} CNY  不足概率 P(shortfall) {loan.prob_shortfall:6.2%}  "
              f"预期不足额 E[shortfall] {loan.expected_shortfall:,.2f}")
    return EXIT_OK


def add_parser(sub: Any) -> None:
    p = sub.add_parser("portfolio", help=h("portfolio"), description=h("portfolio"))
    p.add_argument("path", help=h("portfolio.path"))
    p.add_argument("--json", action="store_true", help=h("portfolio.--json"))
    p.add_argument("--paths", type=integer, help=h("portfolio.--paths"))
    p.add_argument("-o", "--output", help=h("portfolio.-o"))
    p.add_argument("--engine", choices=("local", "dask"), default="local", help=h("portfolio.--engine"))
    p.add_argument("--scheduler", help=h("portfolio.--scheduler"))
    p.add_argument("--workers", type=integer, default=2, help=h("portfolio.--workers"))
    p.add_argument("--loans-per-task", type=integer, default=256, help=h("portfolio.--loans-per-task"))
    p.add_argument("--progress", action="store_true", help=h("progress"))
    p.set_defaults(fn=cmd_portfolio)
