"""The audit chain's anchor: from which event the chain is keyed (HMAC), the key's id, and
the head's seal (an HMAC of the head under the key). Left empty here: ``upgrade`` anchors the
chain with the store's key in the same transaction (see ``assistant.review.audit.anchor``).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06 00:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    with op.batch_alter_table("audit_head") as table:
        table.add_column(sa.Column("anchored_from", sa.Integer(), nullable=True))
        table.add_column(sa.Column("key_id", sa.String(16), nullable=True))
        table.add_column(sa.Column("seal", sa.String(64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("audit_head") as table:
        table.drop_column("seal")
        table.drop_column("key_id")
        table.drop_column("anchored_from")
