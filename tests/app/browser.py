"""Helpers of the browser tests: a real ``streamlit run`` server and Debian's Chromium driven by Playwright.

The server runs ``app/main.py`` on a free localhost port with ``$DATAVAL_DB_URL`` pointing at a temporary
SQLite register. Chromium is the system one (``/usr/bin/chromium``, installed by scripts/system_deps.sh):
Playwright launches it by ``executable_path`` (no browser is ever downloaded), headless, sandbox off (root
in CI), no QUIC, no background networking, a fresh user-data-dir each time.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "out" / "screenshots"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
NAV_TITLES = {"register": "资产登记", "recognition": "入表判断", "valuation": "估值", "ledger": "账务",
              "pledge": "质押", "export": "导出", "users": "用户"}


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    url: str
    db_url: str
    proc: subprocess.Popen[bytes]
    log: Path


@contextlib.contextmanager
def streamlit_server(db_url: str, log_dir: Path) -> Iterator[Server]:
    """``streamlit run app/main.py`` on a free port; stopped (by its pid) when the block ends."""
    port = free_port()
    log = log_dir / "streamlit.log"
    env = {**os.environ, "DATAVAL_DB_URL": db_url}
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(ROOT / "app" / "main.py"), "--server.port", str(port),
             "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false",
             "--server.fileWatcherType", "none"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"streamlit did not start:\n{log.read_text(errors='replace')[-3000:]}")
            time.sleep(0.3)
        yield Server(url, db_url, proc, log)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


@contextlib.contextmanager
def browser_page(playwright: Any, *, height: int = 1100) -> Iterator[Any]:
    """A fresh Chromium (own user-data-dir) and one page, closed at the end."""
    profile = tempfile.mkdtemp(prefix="dataval-chromium-")
    ctx = playwright.chromium.launch_persistent_context(
        profile, executable_path=chromium_path(), args=CHROMIUM_ARGS, headless=True,
        viewport={"width": 1440, "height": height}, accept_downloads=True, locale="zh-CN")
    try:
        yield ctx.pages[0] if ctx.pages else ctx.new_page()
    finally:
        ctx.close()
        shutil.rmtree(profile, ignore_errors=True)


# The highest run number on the page: a finished run's marker can linger in the DOM beside the next
# run's until Streamlit clears stale elements, and reading the first one made a wait return at once.
RUN_NO_JS = """() => { let n = 0; for (const el of document.querySelectorAll("[class*='st-key-run_no_']")) {
  const m = el.className.match(/st-key-run_no_(\\d+)/); if (m) n = Math.max(n, Number(m[1])); } return n; }"""


def run_no(page: Any) -> int:
    """The session's run number shown by the current page's ready marker (0 when none yet)."""
    return int(page.evaluate(RUN_NO_JS))


def wait_ready(page: Any, name: str, after: int = 0, timeout_ms: int = 60_000) -> None:
    """Wait for the ready marker of page ``name`` from a run later than ``after`` (its last element).

    On a timeout the page is saved as out/screenshots/FAILED_<name>.png and its text is in the error.
    """
    try:
        page.wait_for_function(
            f"""() => {{ for (const el of document.querySelectorAll(".st-key-page_ready_{name} [class*='st-key-run_no_']")) {{
            const m = el.className.match(/st-key-run_no_(\\d+)/); if (m && Number(m[1]) > {after}) return true; }}
            return false; }}""", timeout=timeout_ms)
    except Exception as exc:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"FAILED_{name}.png"), full_page=True)
        shown = page.locator("[data-testid=stMain]").inner_text()[-3000:]
        raise AssertionError(f"page {name!r} not ready after run {after}; it shows:\n{shown}") from exc


def after_run(page: Any, name: str, action: Any, timeout_ms: int = 120_000) -> None:
    """Do ``action`` (a click ...) and wait for the rerun it causes to finish page ``name``."""
    n = run_no(page)
    action()
    wait_ready(page, name, after=n, timeout_ms=timeout_ms)


def log_in(page: Any, base: str, username: str, password: str, first_page: str) -> float:
    """Sign in through the form; returns seconds from submit to the first page being ready."""
    page.goto(base)
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    t0 = time.perf_counter()
    page.get_by_role("button", name="登录").click()
    wait_ready(page, first_page)
    return time.perf_counter() - t0


def go(page: Any, name: str) -> float:
    """Open a page from the sidebar navigation; returns seconds from the click to the page being ready."""
    link = page.locator("[data-testid=stSidebarNav] a", has_text=NAV_TITLES[name])
    n = run_no(page)
    t0 = time.perf_counter()
    link.click()
    wait_ready(page, name, after=n)
    return time.perf_counter() - t0


def pick_company(page: Any, label: str, name: str) -> None:
    """Choose the company in the sidebar selectbox by (part of) its shown name, on page ``name``."""
    n = run_no(page)
    choose_option(page, "company_switch", label, exact=False)
    wait_ready(page, name, after=n)


def choose_option(page: Any, key: str, option: str, *, exact: bool = True) -> None:
    """Open the selectbox / multiselect of widget ``key`` and click ``option`` (retried while it re-renders)."""
    for attempt in range(4):
        page.locator(f".st-key-{key} [role=combobox]").first.click()
        try:
            page.get_by_role("option", name=option, exact=exact).first.click(timeout=4000)
            break
        except Exception:
            page.keyboard.press("Escape")
            if attempt == 3:
                raise
            time.sleep(0.5)
    page.keyboard.press("Escape")


def text_of(page: Any) -> str:
    """The text of the page's main area (the sidebar left out)."""
    return str(page.locator("[data-testid=stMain]").inner_text())


def shows(page: Any, text: str) -> bool:
    """Whether the main area shows ``text`` now, as a reader sees it (the invisible word joiners U+2060
    that ``app.safe.md`` puts into user text are ignored)."""
    return text in text_of(page).replace("\u2060", "")


def see(page: Any, text: str, timeout_s: float = 90) -> None:
    """Wait until the main area shows ``text`` (:func:`shows`); fails with what it shows."""
    deadline = time.monotonic() + timeout_s
    while not shows(page, text):
        if time.monotonic() > deadline:
            raise AssertionError(f"the page never showed {text!r}; it shows:\n{text_of(page)[-2000:]}")
        time.sleep(0.25)


def metric(page: Any, label: str) -> str:
    """The value shown by the first ``st.metric`` whose label contains ``label``."""
    box = page.locator("[data-testid=stMetric]", has=page.locator("[data-testid=stMetricLabel]", has_text=label)).first
    return str(box.locator("[data-testid=stMetricValue]").inner_text()).strip()


def click(page: Any, name: str, key: str) -> None:
    """Click the button of widget ``key`` and wait for the rerun of page ``name`` it causes."""
    after_run(page, name, lambda: page.locator(f".st-key-{key} button").first.click())


def choose(page: Any, name: str, key: str, option: str, exact: bool = True) -> None:
    """Pick ``option`` in the selectbox / multiselect of widget ``key`` on page ``name``; wait for the rerun
    (none when it is already chosen)."""
    current = page.locator(f".st-key-{key} [role=combobox]").first.input_value()
    if (current == option) if exact else (option in current):
        return  # already chosen: no rerun would follow
    after_run(page, name, lambda: choose_option(page, key, option, exact=exact))


def tab(page: Any, label: str) -> None:
    """Open the tab titled ``label`` (no rerun; a short pause for it to draw)."""
    page.get_by_role("tab", name=label).click()
    time.sleep(0.4)


def download(page: Any, key: str) -> bytes:
    """Click the download button of widget ``key``; the downloaded file's bytes."""
    with page.expect_download(timeout=60_000) as info:
        page.locator(f".st-key-{key} button").click()
    return Path(info.value.path()).read_bytes()


def user_named(server: Server, username: str) -> Any:
    """The register's user ``username`` (as ``app.store`` calls expect it), read from the server's register."""
    from register import Register
    from register.users import list_users

    reg = Register(server.db_url)
    with reg.session() as s:
        found = next(u for u in list_users(s) if u.username == username)
    reg.dispose()
    return found


def shot(page: Any, name: str) -> Path:
    """A screenshot of the whole app (the main area scrolls inside the page, so the viewport is enlarged)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    height = page.evaluate("() => document.querySelector('[data-testid=stMain]')?.scrollHeight || 1100")
    size = page.viewport_size
    page.set_viewport_size({"width": size["width"], "height": min(max(int(height) + 40, 900), 6000)})
    time.sleep(0.6)  # let charts lay out at the new size
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(size)
    return path


def set_date(page: Any, key: str, value: str, name: str) -> None:
    """Type a date ("2025-12-31") into the date_input of widget ``key`` on page ``name``."""
    year, month, day = value.split("-")
    field = page.locator(f".st-key-{key} [data-type=year]")
    if page.locator(f".st-key-{key} input[type=date]").get_attribute("value") == value:
        return
    n = run_no(page)
    field.click()
    page.keyboard.type(year + month + day)
    page.keyboard.press("Tab")
    page.keyboard.press("Escape")
    wait_ready(page, name, after=n)


@contextlib.contextmanager
def seeded_server(prefix: str, password: str) -> Iterator[Server]:
    """A Streamlit server on a fresh register seeded with the samples (Chromium required; CI fails without)."""
    from tests.app.conftest import seed_register
    from tests.conftest import require

    require(chromium_path() is not None, "Chromium")
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        url = seed_register(folder, "一", password)
        with streamlit_server(url, folder) as srv:
            yield srv
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def playwright_session() -> Iterator[Any]:
    """Playwright for the module's tests (Debian's Chromium, no browser download)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p
