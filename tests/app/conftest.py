"""Dashboard fixtures: a temporary SQLite register with the sample data and one user per role.

``sample_register`` (session scope) loads the samples the way the first start does
(``app.first_start.load_samples``: the three engagements imported and valued, the three accounting cases
posted to 2024-12-31; the 1,000-asset batch is left out to keep the tests fast) and adds one user per
role with the password :data:`PASSWORD`. ``$DATAVAL_DB_URL`` points at it during each test of this folder
(monkeypatched), so the app under AppTest (same process) opens it like a server would.

The browser tests (test_browser*.py) get ``server`` (a ``streamlit run`` server on a register of their own,
module scope; ``$DATAVAL_DB_URL`` then points at that register instead) and ``pw`` (Playwright) from here.

``page(user, name)`` runs ``app/main.py`` under ``streamlit.testing.v1.AppTest`` signed in as ``user``
and switches to ``screens/<name>_page.py``.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from register import Register, Role, User, add_user

if TYPE_CHECKING:
    from tests.app.browser import Server

APP = Path(__file__).resolve().parents[2] / "app" / "main.py"
PASSWORD = "dataval-test-pw"
COMPANY_SELF = "BOOK-SELF-01"  # the self-developed dataset's books (data/examples/books)
COMPANY_PARK = "某市城市建设投资集团有限公司 (a city-investment group, illustrative)"  # parking engagement's client


def seed_register(folder: Path, display: str, password: str = PASSWORD) -> str:
    """A SQLite register in ``folder`` with the samples (as on first start) and one user per role
    (``<role>1``, ``password``, display name ``<role> <display>``); its URL."""
    from app.first_start import load_samples

    url = f"sqlite:///{folder / 'register.db'}"
    load_samples(url, batch=False)
    reg = Register(url)
    with reg.session(actor="tests") as s:
        for role in Role:
            add_user(s, f"{role.value}1", password, role, display_name=f"{role.value} {display}")
    reg.dispose()
    return url


@pytest.fixture(scope="session")
def sample_register() -> Iterator[str]:
    folder = Path(tempfile.mkdtemp(prefix="dataval-app-tests-"))
    try:
        yield seed_register(folder, "one")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def register_env(url: str) -> Iterator[None]:
    """$DATAVAL_DB_URL = ``url`` inside the block (for fixtures wider than one test)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DATAVAL_DB_URL", url)
        yield


@pytest.fixture(autouse=True)
def _register_env(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """$DATAVAL_DB_URL for each dashboard test (and only for these tests): the register of the browser
    tests' ``server`` when the test uses it (the store calls those tests make open the server's register),
    else the sample register (not created for a browser test)."""
    if "server" in request.fixturenames:
        url = request.getfixturevalue("server").db_url
    else:
        url = request.getfixturevalue("sample_register")
    monkeypatch.setenv("DATAVAL_DB_URL", url)


@pytest.fixture(scope="module")
def server(request: pytest.FixtureRequest) -> Iterator[Server]:
    """A ``streamlit run`` server for the browser-test module asking for it, on a fresh register seeded with
    the samples and the module's ``PASSWORD`` (its folder is named after the module:
    ``dataval-browser-chain-…`` for test_browser_chain.py). Chromium is required: CI fails without it."""
    from tests.app.browser import seeded_server

    name = request.module.__name__.rsplit(".", 1)[-1].removeprefix("test_").replace("_", "-")
    with seeded_server(f"dataval-{name}-", getattr(request.module, "PASSWORD", PASSWORD)) as srv:
        yield srv


@pytest.fixture(scope="module")
def pw() -> Iterator[Any]:
    """Playwright for the module's browser tests (Debian's Chromium, no browser download)."""
    from tests.app.browser import playwright_session

    with playwright_session() as p:
        yield p


@pytest.fixture(scope="session")
def users(sample_register: str) -> dict[Role, User]:
    from register.users import list_users

    reg = Register(sample_register)
    with reg.session() as s:
        found = {u.role: u for u in list_users(s)}
    reg.dispose()
    return found


@pytest.fixture
def page(sample_register: str) -> Callable[..., object]:
    from streamlit.testing.v1 import AppTest

    def run(user: User | None, name: str | None = None, *, company: str | None = None, lang: str = "zh") -> AppTest:
        at = AppTest.from_file(str(APP), default_timeout=120)
        if user is not None:
            at.session_state["user"] = user
        at.session_state["lang"] = lang
        if company is not None:
            at.session_state["company"] = company
        at.run()
        if name is not None:
            at.switch_page(f"screens/{name}_page.py")
            at.run()
        return at

    return run


def texts(at: object) -> str:
    """Everything an AppTest run shows as text (markdown, captions, titles, metrics, errors ...), joined."""
    parts: list[str] = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "success", "info", "warning", "error"):
        parts += [str(e.value) for e in getattr(at, kind)]
    parts += [f"{m.label}={m.value}" for m in at.metric]  # type: ignore[attr-defined]
    return "\n".join(parts)


def no_exception(at: object) -> None:
    exc = list(at.exception)  # type: ignore[attr-defined]
    assert not exc, "\n".join(str(e.value) for e in exc)


def frames(at: object) -> list[object]:
    """The DataFrames of every table and grid the run shows, in page order of each kind."""
    return [t.value for t in at.table] + [d.value for d in at.dataframe]  # type: ignore[attr-defined]
