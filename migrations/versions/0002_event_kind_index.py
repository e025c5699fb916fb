"""event index led by kind

The reports read a few rare kinds of event (go-live, first-value, ...) and the
weekly usage readings across the whole portfolio. Led by kind, this index makes
each rare kind a seek instead of a scan of every event, and carries id and value
so the usage readings are read from the index alone, already in date order.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 09:30:00
"""

from collections.abc import Sequence
from typing import Union

from alembic import op

revision: str = "0002"
down_revision: Union[str, None] = "0001"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.create_index(
            "ix_event_kind_account_on", ["kind", "account_id", "occurred_on", "id", "value"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.drop_index("ix_event_kind_account_on")
