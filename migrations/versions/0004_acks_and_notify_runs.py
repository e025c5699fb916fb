"""acknowledgements and notify runs

`ack` holds the append-only acknowledgements of findings (`handoff ack`, `ack
end`); `notify_run` one row per `handoff notify` run whose every delivery
succeeded, with the findings it knew: the baseline of `--diff last-run`.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 20:45:00
"""

from collections.abc import Sequence
from typing import Union

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0004"
down_revision: Union[str, None] = "0003"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "ack",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("rule", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("milestone", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("action", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("by_person", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("acked_on", sa.Date(), nullable=False),
        sa.Column("until_on", sa.Date(), nullable=True),
        sa.Column("until_change", sa.Boolean(), nullable=False),
        sa.Column("since_on", sa.Date(), nullable=True),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("verdict", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("voided_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("void_reason", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.CheckConstraint("action IN ('ack', 'end')", name=op.f("ck_ack_action")),
        sa.CheckConstraint("verdict IS NULL OR verdict IN ('valid', 'false-positive')", name=op.f("ck_ack_verdict")),
        sa.ForeignKeyConstraint(
            ["account_id"], ["account.id"], name=op.f("fk_ack_account_id_account"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ack")),
    )
    op.create_index("ix_ack_account_rule", "ack", ["account_id", "rule"], unique=False)
    voided = sa.text("voided_at IS NOT NULL")
    op.create_index("ix_ack_voided", "ack", ["voided_at"], unique=False, sqlite_where=voided, postgresql_where=voided)
    op.create_table(
        "notify_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("findings", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("sent", sa.Integer(), nullable=False),
        sa.Column("exit_code", sa.Integer(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notify_run")),
    )


def downgrade() -> None:
    op.drop_table("notify_run")
    op.drop_index("ix_ack_voided", table_name="ack")
    op.drop_index("ix_ack_account_rule", table_name="ack")
    op.drop_table("ack")
