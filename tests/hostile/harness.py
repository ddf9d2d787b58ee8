"""Run ``dataval`` commands as subprocesses on generated hostile inputs and check the promises.

Every run must: exit 0, 2 or 3; print no Python traceback; finish within the time bound (else it is a
hang); leave each ``-o`` output complete (it parses / opens) or absent, with no ``*.tmp`` beside it;
and, when it refused the input (exit 2), write no output. Inputs are drawn with Hypothesis first (in
this process, fast), then run in a small pool of subprocesses; a failing input is kept as a
reproducer folder (the input files, ``cmd.sh``, ``stderr.txt``).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import seed as hyp_seed
from hypothesis import strategies as st

from tests.hostile import gen

REPO = gen.REPO
_ENTRY = Path(sys.executable).with_name("dataval")
DATAVAL = [str(_ENTRY)] if _ENTRY.exists() else [sys.executable, "-m", "cli"]
TIMEOUT_S = float(os.environ.get("HOSTILE_TIMEOUT", "60"))
JOBS = int(os.environ.get("HOSTILE_JOBS", "2"))
FAILURES_DIR = Path(os.environ.get("HOSTILE_FAILURES_DIR", Path(tempfile.gettempdir()) / "dataval-hostile-failures"))
TRACEBACK = "Traceback (most recent call last)"
KINDS = ("traceback", "hang", "bad_exit", "half_written", "wrote_on_refusal")

AS_OF = ["2025-12-31"] * 6 + ["2024-06-30", "2026-03-31"] * 3 + gen.BAD_DATES
BATCH_CSV = gen.EXAMPLES / "batch_1000.csv"
ORDERS_CSV = REPO / "data" / "quality" / "orders.csv"
ORDERS_RULES = REPO / "data" / "quality" / "orders_rules.json"
CUSTOMERS_CSV = REPO / "data" / "quality" / "customers.csv"  # the rules' reference table


@dataclass(frozen=True)
class Job:
    """One run: files to write into a fresh folder, the argv (``{d}`` is that folder), outputs to check."""

    target: str
    files: tuple[tuple[str, bytes], ...]
    argv: tuple[str, ...]
    outputs: tuple[str, ...] = ()  # paths relative to {d}; must be complete or absent
    report_outputs: tuple[str, ...] = ()  # written on refusal by design (db import's error report)

    def digest(self) -> str:
        h = hashlib.sha256(repr(self.argv).encode())
        for name, data in self.files:
            h.update(name.encode() + b"\0" + data)
        return h.hexdigest()[:12]


@dataclass
class Outcome:
    job: Job
    rc: int | None
    seconds: float
    stderr_tail: str
    problems: list[tuple[str, str]] = field(default_factory=list)  # (kind, detail)
    reproducer: Path | None = None
    where: str = ""  # innermost project frame of the DATAVAL_DEBUG=1 traceback, when there is one


# --- targets: each draws Jobs ------------------------------------------------------------------------------

def _json_job(target: str, name: str, data: bytes, argv: list[str], outputs: Sequence[str] = (),
              extra: Sequence[tuple[str, bytes]] = ()) -> Job:
    return Job(target, ((name, data), *extra), tuple(argv), tuple(outputs))


@st.composite
def value_case(draw: Any) -> Job:
    data = draw(gen.hostile_json("case"))
    argv = ["value", "{d}/case.json", draw(st.sampled_from(["--json", "--json", "--disclosure", "--progress"]))]
    if draw(st.booleans()):
        argv += ["--draws", draw(st.sampled_from(["0", "10", "-1", "100"]))]
    return _json_job("value", "case.json", data, argv)


@st.composite
def value_case_out(draw: Any) -> Job:
    data = draw(gen.hostile_json("case"))
    out = draw(st.sampled_from(["out/out.json", "out/out.json", "out/out.xlsx"]))
    return _json_job("value -o", "case.json", data, ["value", "{d}/case.json", "--draws", "50", "-o", f"{{d}}/{out}"], [out])


@st.composite
def value_batch(draw: Any) -> Job:
    data = draw(gen.hostile_csv(BATCH_CSV))
    out = draw(st.sampled_from(["out/out.csv", "out/out.csv", "out/out.parquet"]))
    argv = ["value", "{d}/batch.csv", "--draws", "20", "-o", f"{{d}}/{out}"]
    if draw(st.integers(0, 3)) == 0:
        argv += ["--valuation-date", draw(st.sampled_from(AS_OF))]
    if draw(st.booleans()):
        argv += ["--json"]
    if draw(st.integers(0, 4)) == 0:
        argv += ["--chunk-rows", draw(st.sampled_from(["1", "2", "0", "-5"]))]
    return Job("value batch.csv", (("batch.csv", data),), tuple(argv), (out,))


@st.composite
def value_xlsx(draw: Any) -> Job:
    data = draw(gen.hostile_xlsx(BATCH_CSV))
    out = draw(st.sampled_from([None, "out/out.json", "out/out.csv"]))
    argv = ["value", "{d}/in.xlsx", "--draws", "20", "--json"]
    if out:
        argv += ["-o", f"{{d}}/{out}"]
    return Job("value in.xlsx", (("in.xlsx", data),), tuple(argv), (out,) if out else ())


@st.composite
def book(draw: Any) -> Job:
    data = draw(gen.hostile_json("books"))
    out = draw(st.sampled_from([None, "out/books.json", "out/books.xlsx"]))
    argv = ["book", "{d}/books.json", "--as-of", draw(st.sampled_from(AS_OF)), "--json"]
    if draw(st.booleans()):
        argv += ["--collect"]
    if draw(st.integers(0, 4)) == 0:
        argv += ["--period-start", draw(st.sampled_from(AS_OF))]
    if out:
        argv += ["-o", f"{{d}}/{out}"]
    return _json_job("book", "books.json", data, argv, [out] if out else [])


@st.composite
def pledge(draw: Any) -> Job:
    data = draw(gen.hostile_json("pledge"))
    out = draw(st.sampled_from([None, "out/memo.xlsx", "out/memo.html"]))
    argv = ["pledge", "{d}/pledge.json", "--json"]
    extra: list[tuple[str, bytes]] = []
    if draw(st.integers(0, 3)) == 0:
        extra.append(("books.json", draw(st.one_of(gen.valid_json_file("books"), gen.hostile_json("books")))))
        argv += ["--books", "{d}/books.json"]
    if out:
        argv += ["-o", f"{{d}}/{out}"]
    return _json_job("pledge", "pledge.json", data, argv, [out] if out else [], extra)


@st.composite
def export(draw: Any) -> Job:
    """export takes three files: each is hostile or a valid example (at least one hostile)."""
    hostile = draw(st.sets(st.sampled_from(["books", "case", "pledge"]), min_size=1))
    files = []
    argv = ["export"]
    for kind, name in (("books", "books.json"), ("case", "case.json"), ("pledge", "pledge.json")):
        if kind not in hostile and draw(st.integers(0, 2)) == 0:
            continue  # the part left out
        data = draw(gen.hostile_json(kind) if kind in hostile else gen.valid_json_file(kind))
        files.append((name, data))
        if kind == "books":
            argv += ["{d}/books.json", "--as-of", draw(st.sampled_from(AS_OF))]
        elif kind == "case":
            argv += ["--valuation", "{d}/case.json"]
        else:
            argv += ["--pledge", "{d}/pledge.json"]
    argv += ["-o", "{d}/out/out.xlsx"]
    return Job("export -o x.xlsx", tuple(files), tuple(argv), ("out/out.xlsx",))


@st.composite
def db_import(draw: Any) -> Job:
    if draw(st.booleans()):
        name, data = "in.csv", draw(gen.hostile_csv(BATCH_CSV))
    else:
        name, data = "in.xlsx", draw(gen.hostile_xlsx(BATCH_CSV))
    argv = ["db", "import", f"{{d}}/{name}", "--db", "sqlite:///{d}/register.db", "--report", "{d}/out/report.xlsx",
            "--json"]
    if name.endswith(".csv") or draw(st.booleans()):
        argv += ["--company", draw(st.sampled_from(["ACME", "ACME", "", "\u202e😀", "A" * 300]))]
    if name.endswith(".xlsx") and draw(st.integers(0, 3)) == 0:
        argv += ["--value"]
    return Job("db import", ((name, data),), tuple(argv), (), ("out/report.xlsx",))


@st.composite
def profile(draw: Any) -> Job:
    if draw(st.integers(0, 3)) == 0:
        name, data = "data.xlsx", draw(gen.hostile_xlsx(ORDERS_CSV, template=False))
    else:
        name, data = "data.csv", draw(gen.hostile_csv(ORDERS_CSV, max_rows=30))
    rules = ORDERS_RULES.read_bytes()
    if draw(st.integers(0, 4)) == 0:
        doc = json.loads(rules)
        for _ in range(draw(st.integers(1, 2))):
            doc = draw(gen.mutated(doc))
        rules = draw(gen.text_corruption(gen.render(doc, ensure_ascii=False)))
    outs = draw(st.sampled_from([["out/q.json"], ["out/q.xlsx"], ["out/q.json", "out/q.xlsx"]]))
    argv = ["profile", f"{{d}}/{name}", "--rules", "{d}/rules.json", "--json"]
    for o in outs:
        argv += ["-o", f"{{d}}/{o}"]
    if draw(st.integers(0, 3)) == 0:
        argv += ["--as-of", draw(st.sampled_from(AS_OF))]
    return Job("profile", ((name, data), ("rules.json", rules), ("customers.csv", CUSTOMERS_CSV.read_bytes())),
               tuple(argv), tuple(outs))


TARGETS: dict[str, Callable[[], st.SearchStrategy[Job]]] = {
    "value": value_case,
    "value -o": value_case_out,
    "value batch.csv": value_batch,
    "value in.xlsx": value_xlsx,
    "book": book,
    "pledge": pledge,
    "export -o x.xlsx": export,
    "db import": db_import,
    "profile": profile,
}


def draw_jobs(target: str, n: int, *, seed: int | None = None) -> list[Job]:
    """``n`` distinct jobs for ``target``: derandomized (CI) unless a seed is given (the long run)."""
    jobs: dict[str, Job] = {}

    @settings(max_examples=n, derandomize=seed is None, deadline=None, database=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(TARGETS[target]())
    def collect(job: Job) -> None:
        jobs.setdefault(job.digest(), job)

    if seed is not None:
        collect = hyp_seed(seed)(collect)
    collect()
    return list(jobs.values())[:n]


# --- running and checking -----------------------------------------------------------------------------------

def _complete(path: Path) -> str | None:
    """None when ``path`` is a complete output; else what is wrong with it."""
    suffix = path.suffix.lower()
    try:
        if suffix == ".json":
            json.loads(path.read_text(encoding="utf-8"))
        elif suffix == ".csv":
            import pandas as pd

            if path.stat().st_size:
                pd.read_csv(path)
        elif suffix in (".parquet", ".pq"):
            import pyarrow.parquet as pq

            pq.read_table(path)
        elif suffix == ".xlsx":
            from openpyxl import load_workbook

            with zipfile.ZipFile(path) as z:
                bad = z.testzip()
                if bad:
                    return f"corrupt zip member {bad}"
            load_workbook(path, read_only=True).close()
        elif suffix == ".html":
            text = path.read_text(encoding="utf-8")
            if "</html>" not in text.lower():
                return "no </html>"
    except Exception as exc:
        return f"{type(exc).__name__}: {str(exc)[:200]}"
    return None


def run_job(job: Job, *, timeout: float = TIMEOUT_S, keep_dir: Path = FAILURES_DIR) -> Outcome:
    with tempfile.TemporaryDirectory(prefix="hostile-") as tmp:
        d = Path(tmp)
        (d / "out").mkdir()
        for name, data in job.files:
            (d / name).write_bytes(data)
        argv = [a.replace("{d}", str(d)) for a in job.argv]
        env = {**os.environ, "DATAVAL_DB_URL": f"sqlite:///{d}/default.db", "HOME": str(d), "PYTHONFAULTHANDLER": "",
               "PYTHONHASHSEED": "0", "COLUMNS": "100"}
        t0 = time.monotonic()
        proc = subprocess.Popen([*DATAVAL, *argv], cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                stdin=subprocess.DEVNULL, start_new_session=True)
        try:
            _, err_b = proc.communicate(timeout=timeout)
            rc: int | None = proc.returncode
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            _, err_b = proc.communicate()
            rc = None
        seconds = time.monotonic() - t0
        err = err_b.decode("utf-8", "replace")
        tail = next((ln for ln in reversed(err.strip().splitlines()) if ln.strip()), "")
        out = Outcome(job, rc, seconds, tail)
        if rc is None:
            out.problems.append(("hang", f"no exit within {timeout:.0f} s"))
        elif rc not in (0, 2, 3):
            out.problems.append(("bad_exit", f"exit {rc}"))
        if TRACEBACK in err:
            out.problems.append(("traceback", tail))
        for rel in (*job.outputs, *job.report_outputs):
            p = d / rel
            if p.exists():
                why = _complete(p)
                if why:
                    out.problems.append(("half_written", f"{rel}: {why}"))
                elif rc == 2 and rel in job.outputs:
                    out.problems.append(("wrote_on_refusal", f"exit 2 but {rel} was written"))
        leftovers = [p.relative_to(d).as_posix() for p in d.rglob("*.tmp")]
        if leftovers and rc is not None:
            out.problems.append(("half_written", f"left {', '.join(leftovers)}"))
        if out.problems:
            out.reproducer = _keep(job, d, err, rc, keep_dir)
            if rc is not None:
                out.where = _debug_where(job, argv, env, timeout, out.reproducer)
        return out


def _debug_where(job: Job, argv: list[str], env: dict[str, str], timeout: float, dest: Path) -> str:
    """Run the failing input again with DATAVAL_DEBUG=1 (the shell then lets the traceback through); keep
    the traceback and return its innermost project frame and exception line."""
    with tempfile.TemporaryDirectory(prefix="hostile-") as tmp:
        d = Path(tmp)
        (d / "out").mkdir()
        for name, data in job.files:
            (d / name).write_bytes(data)
        dargv = [a.replace("{d}", str(d)) for a in job.argv]
        try:
            r = subprocess.run([*DATAVAL, *dargv], cwd=REPO, env={**env, "DATAVAL_DEBUG": "1",
                               "DATAVAL_DB_URL": f"sqlite:///{d}/default.db", "HOME": str(d)},
                               capture_output=True, timeout=timeout, stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            return ""
    err = r.stderr.decode("utf-8", "replace")
    if TRACEBACK not in err:
        return ""
    (dest / "stderr_debug.txt").write_text(err, encoding="utf-8")
    frames = re.findall(r'File "([^"]+)", line (\d+), in (\S+)', err)
    mine = [f for f in frames if str(REPO) in f[0] and "/.venv/" not in f[0]]
    frame = (mine or frames or [("?", "?", "?")])[-1]
    return f"{Path(frame[0]).relative_to(REPO) if str(REPO) in frame[0] else frame[0]}:{frame[1]} in {frame[2]}"


def _keep(job: Job, d: Path, err: str, rc: int | None, keep_dir: Path) -> Path:
    dest = keep_dir / re.sub(r"[^A-Za-z0-9_.-]+", "_", job.target) / job.digest()
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    for name, data in job.files:
        (dest / name).write_bytes(data)
    (dest / "out").mkdir()
    argv = [a.replace("{d}", str(dest)) for a in job.argv]
    (dest / "cmd.sh").write_text(f"cd {shlex.quote(str(REPO))} && .venv/bin/dataval {shlex.join(argv)}\n"
                                 f"# exit code: {rc}\n", encoding="utf-8")
    (dest / "stderr.txt").write_text(err, encoding="utf-8")
    return dest


def run_jobs(jobs: Sequence[Job], *, jobs_in_parallel: int = JOBS, timeout: float = TIMEOUT_S,
             keep_dir: Path = FAILURES_DIR, on_done: Callable[[Outcome], None] | None = None) -> list[Outcome]:
    def one(job: Job) -> Outcome:
        o = run_job(job, timeout=timeout, keep_dir=keep_dir)
        if on_done:
            on_done(o)
        return o

    with ThreadPoolExecutor(max_workers=max(1, jobs_in_parallel)) as pool:
        return list(pool.map(one, jobs))


# --- reporting ---------------------------------------------------------------------------------------------

def _signature(o: Outcome, kind: str, detail: str) -> str:
    """A failure class: the command, the kind and the stderr's last line with numbers and paths blurred."""
    line = o.stderr_tail if kind in ("traceback", "bad_exit") else detail
    line = re.sub(r"/tmp/hostile-[^/\s'\"]+", "<d>", line)
    line = re.sub(r"\d+", "N", line)[:160]
    return f"{o.job.target} | {kind} | {line}" + (f" | at {o.where}" if o.where else "")


def summarize(outcomes: Sequence[Outcome]) -> dict[str, Any]:
    per: dict[str, Counter[str]] = {}
    classes: dict[str, list[Outcome]] = {}
    for o in outcomes:
        c = per.setdefault(o.job.target, Counter())
        c["inputs"] += 1
        c[f"exit {o.rc if o.rc is not None else 'timeout'}"] += 1
        c["seconds"] += round(o.seconds)
        for kind, detail in o.problems:
            c[kind] += 1
            classes.setdefault(_signature(o, kind, detail), []).append(o)
    return {"per_command": per, "classes": classes}


def format_report(outcomes: Sequence[Outcome]) -> str:
    s = summarize(outcomes)
    lines = [f"{'command':<18} {'inputs':>6} {'tracebacks':>10} {'hangs':>6} {'half-written':>12} {'bad exit':>8} "
             f"{'wrote on 2':>10}   exits"]
    for target, c in s["per_command"].items():
        exits = ", ".join(f"{k}: {v}" for k, v in sorted(c.items()) if k.startswith("exit"))
        lines.append(f"{target:<18} {c['inputs']:>6} {c['traceback']:>10} {c['hang']:>6} {c['half_written']:>12} "
                     f"{c['bad_exit']:>8} {c['wrote_on_refusal']:>10}   {exits} · {c['seconds']} s")
    total = sum(c["inputs"] for c in s["per_command"].values())
    lines.append(f"{'total':<18} {total:>6}")
    if s["classes"]:
        lines.append(f"\nfailure classes ({len(s['classes'])}):")
        for sig, os_ in sorted(s["classes"].items()):
            smallest = min(os_, key=lambda o: sum(len(d) for _, d in o.job.files))
            lines.append(f"- [{len(os_)}x] {sig}\n    stderr: {smallest.stderr_tail[:300]}\n"
                         f"    where: {smallest.where or '-'}\n"
                         f"    reproducer: {smallest.reproducer}/cmd.sh")
    return "\n".join(lines)


# --- pinned inputs: the hostile categories every CI run must cover, whatever Hypothesis draws ---------------

def _example(kind: str, i: int = 0) -> bytes:
    return gen.JSON_SEEDS[kind][i].read_bytes()


def _with_nan(kind: str) -> bytes:
    """The first bundled example with every number of its first list item (or object) made a NaN token."""
    doc = json.loads(_example(kind))

    def nan_all(node: Any) -> Any:
        if isinstance(node, bool):
            return node
        if isinstance(node, int | float):
            return float("nan")
        if isinstance(node, dict):
            return {k: nan_all(v) for k, v in node.items()}
        if isinstance(node, list):
            return [nan_all(v) for v in node]
        return node

    key = next((k for k, v in doc.items() if isinstance(v, list) and v), None)
    if key is not None:
        doc[key][0] = nan_all(doc[key][0])
    else:  # no list at the top (a pledge case): the first object, e.g. the term sheet
        key = next(k for k, v in doc.items() if isinstance(v, dict))
        doc[key] = nan_all(doc[key])
    return json.dumps(doc).encode()


def _csv_variant(source: Path, how: str) -> bytes:
    text = source.read_text(encoding="utf-8")
    lines = text.splitlines()[:4]
    body = "\n".join(lines) + "\n"
    if how == "bom":
        return b"\xef\xbb\xbf" + body.encode()
    if how == "empty":
        return b""
    if how == "semicolon":
        return body.replace(",", ";").encode()
    if how == "formula":
        rows = [ln.split(",") for ln in lines]
        for r in rows[1:]:
            r[1] = "=cmd|' /C calc'!A0"
            r[-1] = "=1+1"
        return ("\n".join(",".join(r) for r in rows) + "\n").encode()
    if how == "nan":
        rows = [ln.split(",") for ln in lines]
        for r in rows[1:]:
            r[2:] = ["NaN" if c and c[0].isdigit() else c for c in r[2:]]
        return ("\n".join(",".join(r) for r in rows) + "\n").encode()
    if how == "far_dates":
        return body.replace("2025-12-31", "9999-12-31").replace("2025-", "0001-").encode()
    raise ValueError(how)


def _xlsx_variant(how: str) -> bytes:
    if how == "empty":
        return b""
    if how == "truncated":
        whole = gen.template_xlsx()
        return whole[: len(whole) // 2]
    if how == "random":
        return bytes((i * 7919 + 13) % 256 for i in range(3000))
    if how == "bad_xml":  # a zip whose one XML part is cut short (found by the long run: an lxml parse error)
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            z.writestr("[Content_Types].xml", b"<x>")
        return buf.getvalue()
    if how == "formulas":
        rows: list[list[Any]] = [list(r) for r in gen._csv_rows(BATCH_CSV, 3)]
        for r in rows[1:]:
            r[6] = "=1/0"
            r[1] = '=HYPERLINK("http://example.invalid","x")'
        return gen._workbook_bytes(rows)
    raise ValueError(how)


def pinned_jobs(target: str) -> list[Job]:
    deep = ("[" * 10_000 + "]" * 10_000).encode()
    huge = b'{"case_id": 1' + b"0" * 5000 + b', "assets": 1' + b"0" * 5000 + b"}"
    jobs: dict[str, list[Job]] = {
        "value": [Job(target, (("case.json", deep),), ("value", "{d}/case.json", "--json")),
                  Job(target, (("case.json", huge),), ("value", "{d}/case.json", "--json")),
                  Job(target, (("case.json", _with_nan("case")),), ("value", "{d}/case.json", "--json")),
                  Job(target, (("case.json", _example("case")),), ("value", "{d}/case.json", "--json", "--draws", "-1")),
                  # an asset entry whose "asset" is a string (found by the long run)
                  Job(target, (("case.json", b'{"engagement": {}, "assets": [{"asset": "x"}, "y"]}'),),
                      ("value", "{d}/case.json", "--json"))],
        "value -o": [Job(target, (("case.json", _example("case")[:-40]),),
                         ("value", "{d}/case.json", "-o", "{d}/out/out.json"), ("out/out.json",)),
                     Job(target, (("case.json", _with_nan("case")),),
                         ("value", "{d}/case.json", "--draws", "50", "-o", "{d}/out/out.xlsx"), ("out/out.xlsx",))],
        "value batch.csv": [Job(target, (("batch.csv", _csv_variant(BATCH_CSV, how)),),
                                ("value", "{d}/batch.csv", "--draws", "20", "-o", "{d}/out/out.csv"), ("out/out.csv",))
                            for how in ("bom", "empty", "semicolon", "formula", "nan", "far_dates")],
        "value in.xlsx": [Job(target, (("in.xlsx", _xlsx_variant(how)),),
                              ("value", "{d}/in.xlsx", "--draws", "20", "-o", "{d}/out/out.csv"), ("out/out.csv",))
                          for how in ("empty", "truncated", "random", "formulas", "bad_xml")],
        "book": [Job(target, (("books.json", huge),), ("book", "{d}/books.json", "--as-of", "2025-12-31")),
                 *(Job(target, (("books.json", _example("books")),),
                       ("book", "{d}/books.json", "--as-of", d, "-o", "{d}/out/books.json"), ("out/books.json",))
                   for d in ("0001-01-01", "9999-12-31")),
                 Job(target, (("books.json", deep),), ("book", "{d}/books.json", "--as-of", "2025-12-31"))],
        "pledge": [Job(target, (("pledge.json", data),), ("pledge", "{d}/pledge.json", "--json"))
                   for data in (b"5", b"[1]", b'"x"', b"null", deep, _with_nan("pledge"))],
        "export -o x.xlsx": [Job(target, (("books.json", _example("books")),),
                                 ("export", "{d}/books.json", "--as-of", d, "-o", "{d}/out/out.xlsx"), ("out/out.xlsx",))
                             for d in ("0001-01-01", "9999-12-31")],
        "db import": [Job(target, (("in.xlsx", _xlsx_variant(how)),),
                          ("db", "import", "{d}/in.xlsx", "--db", "sqlite:///{d}/register.db", "--report",
                           "{d}/out/report.xlsx"), (), ("out/report.xlsx",))
                      for how in ("empty", "truncated", "random", "formulas")]
        + [Job(target, (("in.csv", _csv_variant(BATCH_CSV, how)),),
               ("db", "import", "{d}/in.csv", "--company", "ACME", "--db", "sqlite:///{d}/register.db", "--report",
                "{d}/out/report.xlsx"), (), ("out/report.xlsx",))
           for how in ("bom", "empty", "formula", "far_dates")],
        "profile": [Job(target, (("data.csv", _csv_variant(ORDERS_CSV, how)), ("rules.json", ORDERS_RULES.read_bytes()),
                                 ("customers.csv", CUSTOMERS_CSV.read_bytes())),
                        ("profile", "{d}/data.csv", "--rules", "{d}/rules.json", "-o", "{d}/out/q.json"), ("out/q.json",))
                    for how in ("bom", "empty", "semicolon", "formula")],
    }
    return jobs.get(target, [])
