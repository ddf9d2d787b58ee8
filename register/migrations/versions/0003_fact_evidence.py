"""Evidence files for accounting facts (control, the five criteria, rights, renewal) kept with the asset.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('fact_evidence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('asset_id', sa.Integer(), nullable=False),
    sa.Column('topic', sa.String(length=60), nullable=False),
    sa.Column('file_name', sa.String(length=255), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size_bytes', sa.BigInteger(), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['asset_id'], ['data_assets.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('fact_evidence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fact_evidence_asset_id'), ['asset_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('fact_evidence', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fact_evidence_asset_id'))
    op.drop_table('fact_evidence')
