"""The dashboard's register: opened once per server process, and a transaction on it in a user's name.

Sign-in (:mod:`app.session`) and every read and write of the pages (:mod:`app.store`) use it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st
from sqlalchemy.orm import Session

from register import Register, resolve_url


@st.cache_resource(show_spinner=False)
def _open_register(url: str) -> Register:
    return Register(url)


def register() -> Register:
    """The server's register (``$DATAVAL_DB_URL`` or the embedded SQLite file), opened and migrated once."""
    return _open_register(resolve_url())


@contextmanager
def transaction(actor: str) -> Iterator[Session]:
    """One transaction on the register (``Register.session``): committed when the block ends, rolled back
    on any error; the audit log names ``actor``."""
    with register().session(actor=actor) as s:
        yield s
