"""First start of the dashboard: load the sample data into an empty register, with the CLI's commands.

``python -m app.first_start [--db URL] [--as-of 2024-12-31]`` — when the register has no company yet:

- each sample engagement (``data/examples/*.json``) is written as the Excel template
  (``dataval template --from``) and imported with its valuation stored (``dataval db import --value``);
- each sample accounting case (``data/examples/books/*.json``) is recorded and posted up to ``--as-of``
  (``dataval db post``), so the next period is left open for the dashboard to post and close;
- the 1,000-asset sample batch is imported under the company ``SAMPLE-BATCH`` (``dataval db import``).

A register that already has a company is left alone. Users are not created here: the first admin is
made by ``dataval user add`` (``scripts/run.sh`` does it on first start and prints the password).
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from bridges.data_files import data_dir
from cli.main import main as dataval

SAMPLE_BATCH_COMPANY = "SAMPLE-BATCH"


def is_empty(url: str | None) -> bool:
    """True when the register has no company (nothing was ever loaded)."""
    from register import open_register
    from register.ledger import companies

    reg = open_register(url)
    try:
        with reg.session(actor="first-start") as s:
            return not companies(s)
    finally:
        reg.dispose()


def load_samples(url: str | None, as_of: str = "2024-12-31", *, batch: bool = True) -> list[str]:
    """Load the bundled samples through the CLI; returns what was done, one line each."""
    db = ["--db", url] if url else []
    actor = ["--actor", "first-start"]
    done: list[str] = []

    def run(args: list[str]) -> None:
        code = dataval(args)
        if code not in (0, 3):
            raise SystemExit(f"first start: `dataval {' '.join(args)}` failed with exit code {code}")
        done.append("dataval " + " ".join(a for a in args if a not in db))

    examples = data_dir() / "examples"
    with tempfile.TemporaryDirectory(prefix="dataval-first-start-") as d:
        for case in sorted(examples.glob("*.json")):
            xlsx = Path(d) / f"{case.stem}.xlsx"
            run(["template", "--from", str(case), "-o", str(xlsx)])
            run(["db", "import", str(xlsx), "--value", *db, *actor])
    for books in sorted((examples / "books").glob("*.json")):
        run(["db", "post", str(books), "--as-of", as_of, *db, *actor])
    if batch:
        run(["db", "import", str(examples / "batch_1000.csv"), "--company", SAMPLE_BATCH_COMPANY, *db, *actor])
    return done


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m app.first_start", description=__doc__.splitlines()[0])
    p.add_argument("--db", help="database URL (default: $DATAVAL_DB_URL or the embedded SQLite file)")
    p.add_argument("--as-of", default="2024-12-31", help="post the sample books up to this date")
    p.add_argument("--no-batch", action="store_true", help="skip the 1,000-asset sample batch")
    args = p.parse_args(argv)
    if not is_empty(args.db):
        print("登记簿已有数据 the register already holds data; samples not loaded")
        return 0
    for line in load_samples(args.db, args.as_of, batch=not args.no_batch):
        print(f"  {line}")
    print("示例数据已载入 sample data loaded")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
