"""Alembic environment for handoff. The store module passes an open connection
(inside its one transaction); the alembic command line builds one from the URL."""

from __future__ import annotations

from alembic import context
from sqlalchemy import engine_from_config, pool
from sqlmodel import SQLModel

import handoff_cli.store.models  # noqa: F401  (registers the tables)

config = context.config
target_metadata = SQLModel.metadata


def _journal_triggers(connection) -> None:
    """The journal's triggers follow the tables as every upgrade leaves them (journal.py)."""
    from handoff_cli.store.journal import install_triggers

    install_triggers(connection)


def _configure(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        transactional_ddl=True,
        compare_type=True,
    )


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
            _journal_triggers(connection)
        return
    from handoff_cli.store import make_engine, resolve_url

    url = config.get_main_option("sqlalchemy.url") or resolve_url()
    engine = (
        make_engine(url)
        if url
        else engine_from_config(config.get_section(config.config_ini_section), poolclass=pool.NullPool)
    )
    with engine.begin() as conn:
        _configure(conn)
        with context.begin_transaction():
            context.run_migrations()
            _journal_triggers(conn)


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
