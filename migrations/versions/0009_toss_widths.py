"""toss_widths: a Toss paymentKey (up to 200 characters) as tid or aid, and its error codes (up to 50) as
failure_code

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 09:40:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

WIDER = {"tid": (64, 200), "aid": (64, 200), "failure_code": (20, 50)}


def upgrade():
    with op.batch_alter_table("payments", schema=None) as batch_op:
        for column, (old, new) in WIDER.items():
            batch_op.alter_column(column, existing_type=sa.String(length=old), type_=sa.String(length=new))


def downgrade():
    with op.batch_alter_table("payments", schema=None) as batch_op:
        for column, (old, new) in WIDER.items():
            batch_op.alter_column(column, existing_type=sa.String(length=new), type_=sa.String(length=old))
