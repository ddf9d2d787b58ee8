"""Initial schema of the register, with the triggers that keep history unrewritable.

Triggers (SQLite and PostgreSQL alike):

- ``journal_entries``, ``journal_lines``, ``accounting_events``, ``audit_log``: UPDATE and DELETE are
  refused ("... immutable"); corrections are reversal entries or new events.
- ``journal_entries``: INSERT dated inside a closed period of the company is refused ("closed period").
- ``journal_lines``: lines may only be added to the entry being posted (the last one).
- ``periods``: a closed period is never updated (reopened) or deleted.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None

GENESIS = "0" * 64
APPEND_ONLY = {
    "journal_entries": "posted journal entries are immutable (已过账凭证不可修改或删除): post a reversal entry instead",
    "journal_lines": "posted journal lines are immutable (已过账凭证不可修改或删除): post a reversal entry instead",
    "accounting_events": "recorded accounting events are immutable (已记录的会计事项不可修改): record a new event",
    "audit_log": "the audit log is immutable (审计日志不可修改)",
}
CLOSED = "posting into a closed period is refused (期间已结账，不能过账): the entry date falls in a closed period"
LINES = "journal lines can only be added to the entry being posted (immutable posted entries)"
REOPEN = "a closed period cannot be reopened or deleted (已结账期间不能重新打开或删除)"


def _sqlite_triggers() -> list[str]:
    out = []
    for table, msg in APPEND_ONLY.items():
        for op_ in ("UPDATE", "DELETE"):
            out.append(f"CREATE TRIGGER {table}_no_{op_.lower()} BEFORE {op_} ON {table} "
                       f"BEGIN SELECT RAISE(ABORT, '{msg}'); END")
    out.append(
        "CREATE TRIGGER journal_entries_open_period BEFORE INSERT ON journal_entries "
        "WHEN EXISTS (SELECT 1 FROM periods p WHERE p.company_id = NEW.company_id AND p.status = 'closed' "
        "AND NEW.entry_date BETWEEN p.start_date AND p.end_date) "
        f"BEGIN SELECT RAISE(ABORT, '{CLOSED}'); END")
    out.append(
        "CREATE TRIGGER journal_lines_last_entry BEFORE INSERT ON journal_lines "
        "WHEN NEW.entry_id IS NOT (SELECT id FROM journal_entries ORDER BY seq DESC LIMIT 1) "
        f"BEGIN SELECT RAISE(ABORT, '{LINES}'); END")
    for op_ in ("UPDATE", "DELETE"):
        out.append(f"CREATE TRIGGER periods_closed_no_{op_.lower()} BEFORE {op_} ON periods "
                   f"WHEN OLD.status = 'closed' BEGIN SELECT RAISE(ABORT, '{REOPEN}'); END")
    return out


def _sqlite_drop() -> list[str]:
    names = [f"{t}_no_{o}" for t in APPEND_ONLY for o in ("update", "delete")]
    names += ["journal_entries_open_period", "journal_lines_last_entry", "periods_closed_no_update",
              "periods_closed_no_delete"]
    return [f"DROP TRIGGER IF EXISTS {n}" for n in names]


def _pg_triggers() -> list[str]:
    out = [
        "CREATE FUNCTION dataval_refuse() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN RAISE EXCEPTION '%', TG_ARGV[0]; END $$",
        "CREATE FUNCTION dataval_open_period() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "IF EXISTS (SELECT 1 FROM periods p WHERE p.company_id = NEW.company_id AND p.status = 'closed' "
        "AND NEW.entry_date BETWEEN p.start_date AND p.end_date) THEN "
        f"RAISE EXCEPTION '{CLOSED}'; END IF; RETURN NEW; END $$",
        "CREATE FUNCTION dataval_last_entry() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "IF NEW.entry_id IS DISTINCT FROM (SELECT id FROM journal_entries ORDER BY seq DESC LIMIT 1) THEN "
        f"RAISE EXCEPTION '{LINES}'; END IF; RETURN NEW; END $$",
    ]
    for table, msg in APPEND_ONLY.items():
        out.append(f"CREATE TRIGGER {table}_immutable BEFORE UPDATE OR DELETE ON {table} "
                   f"FOR EACH ROW EXECUTE FUNCTION dataval_refuse('{msg}')")
        out.append(f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                   f"FOR EACH STATEMENT EXECUTE FUNCTION dataval_refuse('{msg}')")
    out.append("CREATE TRIGGER journal_entries_open_period BEFORE INSERT ON journal_entries "
               "FOR EACH ROW EXECUTE FUNCTION dataval_open_period()")
    out.append("CREATE TRIGGER journal_lines_last_entry BEFORE INSERT ON journal_lines "
               "FOR EACH ROW EXECUTE FUNCTION dataval_last_entry()")
    out.append("CREATE TRIGGER periods_closed_immutable BEFORE UPDATE OR DELETE ON periods "
               f"FOR EACH ROW WHEN (OLD.status = 'closed') EXECUTE FUNCTION dataval_refuse('{REOPEN}')")
    return out


def _pg_drop() -> list[str]:
    out = []
    for table in APPEND_ONLY:
        out += [f"DROP TRIGGER IF EXISTS {table}_immutable ON {table}",
                f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}"]
    out += ["DROP TRIGGER IF EXISTS journal_entries_open_period ON journal_entries",
            "DROP TRIGGER IF EXISTS journal_lines_last_entry ON journal_lines",
            "DROP TRIGGER IF EXISTS periods_closed_immutable ON periods",
            "DROP FUNCTION IF EXISTS dataval_refuse()", "DROP FUNCTION IF EXISTS dataval_open_period()",
            "DROP FUNCTION IF EXISTS dataval_last_entry()"]
    return out


def upgrade() -> None:
    # ### commands auto generated by Alembic - please adjust! ###
    op.create_table('audit_log',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=100), nullable=False),
    sa.Column('action', sa.String(length=10), nullable=False),
    sa.Column('table_name', sa.String(length=60), nullable=False),
    sa.Column('row_id', sa.String(length=60), nullable=False),
    sa.Column('before', sa.JSON(), nullable=True),
    sa.Column('after', sa.JSON(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_log_table_name'), ['table_name'], unique=False)

    op.create_table('companies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('accounting_policy', sa.JSON(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code')
    )
    op.create_table('ledger_chain',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('last_seq', sa.BigInteger(), nullable=False),
    sa.Column('last_hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('display_name', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("role IN ('finance', 'appraiser', 'bank', 'analyst', 'admin')", name='ck_user_role'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('username')
    )
    op.create_table('accounting_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=False),
    sa.Column('event_code', sa.String(length=80), nullable=False),
    sa.Column('asset_code', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('event_date', sa.Date(), nullable=False),
    sa.Column('recorded_on', sa.Date(), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['company_id'], ['companies.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('company_id', 'event_code', name='uq_event_code')
    )
    with op.batch_alter_table('accounting_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_accounting_events_company_id'), ['company_id'], unique=False)

    op.create_table('data_assets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('field', sa.String(length=100), nullable=True),
    sa.Column('region', sa.String(length=100), nullable=True),
    sa.Column('source', sa.String(length=40), nullable=True),
    sa.Column('rights', sa.String(length=100), nullable=True),
    sa.Column('records', sa.BigInteger(), nullable=True),
    sa.Column('rights_term_end', sa.Date(), nullable=True),
    sa.Column('attributes', sa.JSON(), nullable=False),
    sa.Column('accounting_facts', sa.JSON(), nullable=True),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['company_id'], ['companies.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('company_id', 'code', name='uq_asset_code')
    )
    with op.batch_alter_table('data_assets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_data_assets_company_id'), ['company_id'], unique=False)

    op.create_table('engagements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.String(length=64), nullable=False),
    sa.Column('purpose', sa.String(length=40), nullable=False),
    sa.Column('value_type', sa.String(length=40), nullable=False),
    sa.Column('valuation_date', sa.Date(), nullable=False),
    sa.Column('appraiser', sa.String(length=200), nullable=False),
    sa.Column('inputs', sa.JSON(), nullable=False),
    sa.Column('inputs_fingerprint', sa.String(length=64), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['company_id'], ['companies.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('company_id', 'case_id', name='uq_engagement_case')
    )
    with op.batch_alter_table('engagements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_engagements_company_id'), ['company_id'], unique=False)

    op.create_table('imports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=False),
    sa.Column('file_name', sa.String(length=255), nullable=False),
    sa.Column('file_sha256', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('rows', sa.Integer(), nullable=False),
    sa.Column('created', sa.Integer(), nullable=False),
    sa.Column('changed', sa.Integer(), nullable=False),
    sa.Column('unchanged', sa.Integer(), nullable=False),
    sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['company_id'], ['companies.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('imports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_imports_company_id'), ['company_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_imports_file_sha256'), ['file_sha256'], unique=False)

    op.create_table('journal_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.BigInteger(), nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=False),
    sa.Column('source_key', sa.String(length=240), nullable=False),
    sa.Column('engine_entry_id', sa.String(length=40), nullable=False),
    sa.Column('entry_date', sa.Date(), nullable=False),
    sa.Column('asset_code', sa.String(length=64), nullable=False),
    sa.Column('event_id', sa.String(length=80), nullable=False),
    sa.Column('event_kind', sa.String(length=40), nullable=True),
    sa.Column('entry_type', sa.String(length=40), nullable=False),
    sa.Column('description_zh', sa.Text(), nullable=False),
    sa.Column('description_en', sa.Text(), nullable=False),
    sa.Column('rationale', sa.Text(), nullable=False),
    sa.Column('reverses_id', sa.Integer(), nullable=True),
    sa.Column('posted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('posted_by', sa.String(length=100), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['company_id'], ['companies.id'], ),
    sa.ForeignKeyConstraint(['reverses_id'], ['journal_entries.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('hash'),
    sa.UniqueConstraint('prev_hash'),
    sa.UniqueConstraint('reverses_id'),
    sa.UniqueConstraint('seq')
    )
    with op.batch_alter_table('journal_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_journal_entries_company_id'), ['company_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_journal_entries_entry_date'), ['entry_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_journal_entries_source_key'), ['source_key'], unique=False)

    op.create_table('periods',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_by', sa.String(length=100), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("status IN ('open', 'closed')", name='ck_period_status'),
    sa.CheckConstraint('end_date >= start_date', name='ck_period_order'),
    sa.ForeignKeyConstraint(['company_id'], ['companies.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('company_id', 'start_date', name='uq_period_start')
    )
    with op.batch_alter_table('periods', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_periods_company_id'), ['company_id'], unique=False)

    op.create_table('cost_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('asset_id', sa.Integer(), nullable=False),
    sa.Column('line_no', sa.Integer(), nullable=False),
    sa.Column('category', sa.String(length=40), nullable=False),
    sa.Column('item', sa.String(length=200), nullable=False),
    sa.Column('amount_fen', sa.BigInteger(), nullable=False),
    sa.Column('incurred_on', sa.Date(), nullable=True),
    sa.Column('evidence', sa.Text(), nullable=False),
    sa.Column('restate', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['asset_id'], ['data_assets.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('asset_id', 'line_no', name='uq_cost_line_no')
    )
    with op.batch_alter_table('cost_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cost_lines_asset_id'), ['asset_id'], unique=False)

    op.create_table('journal_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('line_no', sa.Integer(), nullable=False),
    sa.Column('account_code', sa.String(length=20), nullable=False),
    sa.Column('account_zh', sa.String(length=100), nullable=False),
    sa.Column('account_en', sa.String(length=100), nullable=False),
    sa.Column('debit_fen', sa.BigInteger(), nullable=False),
    sa.Column('credit_fen', sa.BigInteger(), nullable=False),
    sa.Column('asset_code', sa.String(length=64), nullable=True),
    sa.Column('movement', sa.String(length=40), nullable=True),
    sa.Column('memo', sa.Text(), nullable=False),
    sa.CheckConstraint('debit_fen >= 0 AND credit_fen >= 0 AND (debit_fen = 0) <> (credit_fen = 0)', name='ck_line_one_side'),
    sa.ForeignKeyConstraint(['entry_id'], ['journal_entries.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('entry_id', 'line_no', name='uq_line_no')
    )
    with op.batch_alter_table('journal_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_journal_lines_entry_id'), ['entry_id'], unique=False)

    op.create_table('pledges',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=False),
    sa.Column('asset_id', sa.Integer(), nullable=False),
    sa.Column('loan_id', sa.String(length=64), nullable=False),
    sa.Column('pledgee', sa.String(length=200), nullable=False),
    sa.Column('secured_fen', sa.BigInteger(), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=True),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('registration', sa.String(length=100), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('assessment', sa.JSON(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['asset_id'], ['data_assets.id'], ),
    sa.ForeignKeyConstraint(['company_id'], ['companies.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('company_id', 'loan_id', name='uq_pledge_loan')
    )
    with op.batch_alter_table('pledges', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pledges_asset_id'), ['asset_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pledges_company_id'), ['company_id'], unique=False)

    op.create_table('valuation_results',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('engagement_id', sa.Integer(), nullable=False),
    sa.Column('asset_id', sa.Integer(), nullable=False),
    sa.Column('engine_version', sa.String(length=40), nullable=False),
    sa.Column('inputs_fingerprint', sa.String(length=64), nullable=False),
    sa.Column('seed', sa.BigInteger(), nullable=False),
    sa.Column('n_draws', sa.Integer(), nullable=False),
    sa.Column('value_fen', sa.BigInteger(), nullable=False),
    sa.Column('p5_fen', sa.BigInteger(), nullable=True),
    sa.Column('p95_fen', sa.BigInteger(), nullable=True),
    sa.Column('method_values_fen', sa.JSON(), nullable=False),
    sa.Column('result', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['asset_id'], ['data_assets.id'], ),
    sa.ForeignKeyConstraint(['engagement_id'], ['engagements.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('valuation_results', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_valuation_results_asset_id'), ['asset_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_valuation_results_engagement_id'), ['engagement_id'], unique=False)

    op.create_table('evidence_files',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cost_line_id', sa.Integer(), nullable=False),
    sa.Column('file_name', sa.String(length=255), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size_bytes', sa.BigInteger(), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['cost_line_id'], ['cost_lines.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('evidence_files', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evidence_files_cost_line_id'), ['cost_line_id'], unique=False)

    # ### end Alembic commands ###
    op.execute(sa.text("INSERT INTO ledger_chain (id, last_seq, last_hash) VALUES (1, 0, :h)").bindparams(h=GENESIS))
    for stmt in (_pg_triggers() if op.get_bind().dialect.name == "postgresql" else _sqlite_triggers()):
        op.execute(stmt)


def downgrade() -> None:
    for stmt in (_pg_drop() if op.get_bind().dialect.name == "postgresql" else _sqlite_drop()):
        op.execute(stmt)
    # ### commands auto generated by Alembic - please adjust! ###
    with op.batch_alter_table('evidence_files', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evidence_files_cost_line_id'))

    op.drop_table('evidence_files')
    with op.batch_alter_table('valuation_results', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_valuation_results_engagement_id'))
        batch_op.drop_index(batch_op.f('ix_valuation_results_asset_id'))

    op.drop_table('valuation_results')
    with op.batch_alter_table('pledges', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pledges_company_id'))
        batch_op.drop_index(batch_op.f('ix_pledges_asset_id'))

    op.drop_table('pledges')
    with op.batch_alter_table('journal_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_journal_lines_entry_id'))

    op.drop_table('journal_lines')
    with op.batch_alter_table('cost_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cost_lines_asset_id'))

    op.drop_table('cost_lines')
    with op.batch_alter_table('periods', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_periods_company_id'))

    op.drop_table('periods')
    with op.batch_alter_table('journal_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_journal_entries_source_key'))
        batch_op.drop_index(batch_op.f('ix_journal_entries_entry_date'))
        batch_op.drop_index(batch_op.f('ix_journal_entries_company_id'))

    op.drop_table('journal_entries')
    with op.batch_alter_table('imports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_imports_file_sha256'))
        batch_op.drop_index(batch_op.f('ix_imports_company_id'))

    op.drop_table('imports')
    with op.batch_alter_table('engagements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_engagements_company_id'))

    op.drop_table('engagements')
    with op.batch_alter_table('data_assets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_data_assets_company_id'))

    op.drop_table('data_assets')
    with op.batch_alter_table('accounting_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_accounting_events_company_id'))

    op.drop_table('accounting_events')
    op.drop_table('users')
    op.drop_table('ledger_chain')
    op.drop_table('companies')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_log_table_name'))

    op.drop_table('audit_log')
    # ### end Alembic commands ###
