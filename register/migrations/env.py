"""Alembic environment: runs on the connection register.migrate passes in (or on $DATAVAL_DB_URL)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from register.models import Base

config = context.config


def _run(conn: Connection) -> None:
    context.configure(connection=conn, target_metadata=Base.metadata,
                      render_as_batch=conn.dialect.name == "sqlite")
    with context.begin_transaction():
        context.run_migrations()


def run() -> None:
    conn = config.attributes.get("connection")
    if conn is not None:
        _run(conn)
        return
    from register.db import make_engine, resolve_url

    engine = make_engine(resolve_url(config.get_main_option("sqlalchemy.url")))
    with engine.begin() as c:
        _run(c)


run()
