"""The first schema: inputs (deduplicated bytes), runs, projects, decisions.

Revision ID: 0001
Revises:
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "inputs",
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("sha256", name="pk_inputs"),
    )
    op.create_table(
        "runs",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("tool_version", sa.String(64), nullable=False),
        sa.Column("input_sha256", sa.String(64), nullable=False),
        sa.Column("input_name", sa.Text(), nullable=False),
        sa.Column("sheet", sa.Text(), nullable=True),
        sa.Column("mapping_text", sa.Text(), nullable=True),
        sa.Column("criteria_name", sa.Text(), nullable=False),
        sa.Column("criteria_text", sa.Text(), nullable=False),
        sa.Column("criteria_sha256", sa.String(64), nullable=False),
        sa.Column("weights_text", sa.Text(), nullable=True),
        sa.Column("weights_provenance", sa.Text(), nullable=True),
        sa.Column("inference", sa.Boolean(), nullable=False),
        sa.Column("country_sheet", sa.Boolean(), nullable=False),
        sa.Column("lang", sa.String(8), nullable=True),
        sa.Column("n_records", sa.Integer(), nullable=False),
        sa.Column("n_ranked", sa.Integer(), nullable=False),
        sa.Column("n_excluded", sa.Integer(), nullable=False),
        sa.Column("n_invalid", sa.Integer(), nullable=False),
        sa.Column("n_not_candidates", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["input_sha256"], ["inputs.sha256"], name="fk_runs_input_sha256_inputs"),
        sa.PrimaryKeyConstraint("id", name="pk_runs"),
        sa.UniqueConstraint("name", name="uq_runs_name"),
    )
    op.create_index("ix_runs_input_sha256", "runs", ["input_sha256"])
    op.create_table(
        "projects",
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("row_key", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Text(), nullable=True),
        sa.Column("project_name", sa.Text(), nullable=True),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("track", sa.String(64), nullable=True),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("completeness", sa.Float(), nullable=True),
        sa.Column("tier", sa.String(64), nullable=True),
        sa.Column("rank", sa.Integer(), nullable=True),
        sa.Column("flags", sa.Text(), nullable=False),
        sa.Column("gates", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["run_id"], ["runs.id"], name="fk_projects_run_id_runs", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("run_id", "row_key", name="pk_projects"),
    )
    op.create_table(
        "decisions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Text(), nullable=False),
        sa.Column("decision", sa.String(64), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("reviewer", sa.Text(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["run_id"], ["runs.id"], name="fk_decisions_run_id_runs", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_decisions"),
        sa.UniqueConstraint("run_id", "project_id", name="uq_decisions_run_id_project_id"),
    )
    op.create_index("ix_decisions_run_id", "decisions", ["run_id"])


def downgrade() -> None:
    op.drop_table("decisions")
    op.drop_table("projects")
    op.drop_index("ix_runs_input_sha256", table_name="runs")
    op.drop_table("runs")
    op.drop_table("inputs")
