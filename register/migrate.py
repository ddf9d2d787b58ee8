"""Schema migrations (Alembic, scripts in ``register/migrations/versions``), run on first use.

``upgrade(engine)`` brings the database to the latest revision inside one transaction (SQLite and
PostgreSQL both have transactional DDL, so a failed migration leaves the schema as it was). On
PostgreSQL an advisory lock keeps two processes from migrating at once; on SQLite ``BEGIN IMMEDIATE``
does the same.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, text

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
ADVISORY_LOCK = 72_61_74_61  # any constant; identifies dataval's migration lock


def config(connection: Connection | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str:
    rev = ScriptDirectory.from_config(config()).get_current_head()
    assert rev is not None
    return rev


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate to ``revision`` (default the latest); nothing happens when already there."""
    if revision == "head" and current_revision(engine) == head_revision():
        return
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": ADVISORY_LOCK})
        command.upgrade(config(conn), revision)
