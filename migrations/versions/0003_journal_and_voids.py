"""the journal of writes, void columns, a recorded instant on every row

* ``journal_entry``: one row per write command (when it was recorded, the command
  as typed, which entry it undoes / was undone by).
* ``journal_change``: per entry, the rows it created (an id range per table) and
  the rows it changed, each with the row's previous values (JSON). Filled by
  triggers (updates) and by the store's write path (inserts), see journal.py.
* ``journal_capture``: holds one row while a write command runs, so the triggers
  record only what commands change (never what a migration changes).
* every table: ``voided_at`` and ``void_reason`` (a voided row is kept, and left
  out of reports and listings); ``plan_criterion`` gains ``created_at``, the
  recorded instant every other table has (from its plan's).
* the unique names (account name and external id, milestone title, plan version)
  hold among rows not voided, so a name can be used again after its row was voided.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 20:45:00
"""

from collections.abc import Sequence
from typing import Union

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0003"
down_revision: Union[str, None] = "0002"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

TABLES = ("account", "assignment", "milestone", "slip", "success_plan", "plan_criterion", "event", "handover")
LIVE = sa.text("voided_at IS NULL")


def _partial_unique(batch_op, name: str, columns: list[str]) -> None:
    batch_op.create_index(name, columns, unique=True, sqlite_where=LIVE, postgresql_where=LIVE)


def upgrade() -> None:
    op.create_table(
        "journal_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("command", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("undoes_id", sa.Integer(), nullable=True),
        sa.Column("undone_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["undoes_id"], ["journal_entry.id"], name=op.f("fk_journal_entry_undoes_id_journal_entry")
        ),
        sa.ForeignKeyConstraint(
            ["undone_by_id"], ["journal_entry.id"], name=op.f("fk_journal_entry_undone_by_id_journal_entry")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_journal_entry")),
    )
    op.create_table(
        "journal_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=True),
        sa.Column("table_name", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("op", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("row_id", sa.Integer(), nullable=False),
        sa.Column("last_id", sa.Integer(), nullable=False),
        sa.Column("before", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.CheckConstraint("op IN ('insert', 'update')", name=op.f("ck_journal_change_op")),
        sa.ForeignKeyConstraint(
            ["entry_id"], ["journal_entry.id"], name=op.f("fk_journal_change_entry_id_journal_entry")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_journal_change")),
    )
    with op.batch_alter_table("journal_change", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_journal_change_entry_id"), ["entry_id"], unique=False)
        batch_op.create_index("ix_journal_change_table_row", ["table_name", "row_id"], unique=False)
    op.create_table(
        "journal_capture",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_journal_capture")),
    )

    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("voided_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
            batch_op.add_column(sa.Column("void_reason", sqlmodel.sql.sqltypes.AutoString(), nullable=True))
            if table == "plan_criterion":
                batch_op.add_column(sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
    op.execute(
        "UPDATE plan_criterion SET created_at = "
        "(SELECT success_plan.created_at FROM success_plan WHERE success_plan.id = plan_criterion.plan_id)"
    )
    with op.batch_alter_table("plan_criterion", schema=None) as batch_op:
        batch_op.alter_column("created_at", existing_type=sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False)

    with op.batch_alter_table("account", schema=None) as batch_op:
        batch_op.drop_constraint("uq_account_name_key", type_="unique")
        batch_op.drop_constraint("uq_account_external_id", type_="unique")
    with op.batch_alter_table("account", schema=None) as batch_op:
        _partial_unique(batch_op, "uq_account_name_key", ["name_key"])
        _partial_unique(batch_op, "uq_account_external_id", ["external_id"])
    with op.batch_alter_table("milestone", schema=None) as batch_op:
        batch_op.drop_constraint("uq_milestone_account_title", type_="unique")
    with op.batch_alter_table("milestone", schema=None) as batch_op:
        _partial_unique(batch_op, "uq_milestone_account_title", ["account_id", "title_key"])
    with op.batch_alter_table("success_plan", schema=None) as batch_op:
        batch_op.drop_constraint("uq_success_plan_account_version", type_="unique")
    with op.batch_alter_table("success_plan", schema=None) as batch_op:
        _partial_unique(batch_op, "uq_success_plan_account_version", ["account_id", "version"])
    # the read path asks "has this table any voided row?" before every report: a seek here
    for table in TABLES:
        op.create_index(
            f"ix_{table}_voided",
            table,
            ["voided_at"],
            sqlite_where=sa.text("voided_at IS NOT NULL"),
            postgresql_where=sa.text("voided_at IS NOT NULL"),
        )
    # the triggers that record previous values are (re)installed by migrations/env.py
    # after every upgrade, from the columns the tables then have (journal.install_triggers)


def downgrade() -> None:
    from handoff_cli.store.journal import drop_triggers

    drop_triggers(op.get_bind())
    for table in TABLES:
        op.drop_index(f"ix_{table}_voided", table_name=table)
    with op.batch_alter_table("success_plan", schema=None) as batch_op:
        batch_op.drop_index("uq_success_plan_account_version")
        batch_op.create_unique_constraint("uq_success_plan_account_version", ["account_id", "version"])
    with op.batch_alter_table("milestone", schema=None) as batch_op:
        batch_op.drop_index("uq_milestone_account_title")
        batch_op.create_unique_constraint("uq_milestone_account_title", ["account_id", "title_key"])
    with op.batch_alter_table("account", schema=None) as batch_op:
        batch_op.drop_index("uq_account_external_id")
        batch_op.drop_index("uq_account_name_key")
        batch_op.create_unique_constraint("uq_account_name_key", ["name_key"])
        batch_op.create_unique_constraint("uq_account_external_id", ["external_id"])
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("void_reason")
            batch_op.drop_column("voided_at")
            if table == "plan_criterion":
                batch_op.drop_column("created_at")
    op.drop_table("journal_capture")
    with op.batch_alter_table("journal_change", schema=None) as batch_op:
        batch_op.drop_index("ix_journal_change_table_row")
        batch_op.drop_index(batch_op.f("ix_journal_change_entry_id"))
    op.drop_table("journal_change")
    op.drop_table("journal_entry")
