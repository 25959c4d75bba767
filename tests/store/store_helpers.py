"""What the run store's tests share besides fixtures: the sample, the criteria files, the two real runs'
shape (the fixtures are in conftest.py)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "sample_projects" / "sample_projects.xlsx"
DEFAULT_CRITERIA = ROOT / "criteria" / "default.yaml"


def changed_weights_criteria() -> str:
    """A copy of criteria/default.yaml with three weights changed in the text (the environment dimension
    15 → 40, its ESIA criterion 2 → 10 and its emissions criterion 2 → 8): a second criteria file, as a
    planner would save one."""
    text = DEFAULT_CRITERIA.read_text(encoding="utf-8")
    text, n_dim = re.subn(r"(  - id: environment\n    label: .*\n    weight: )15\n", r"\g<1>40\n", text)
    text, n_crit = re.subn(r"(      - id: esia\n        label: .*\n        weight: )2\n", r"\g<1>10\n", text)
    text, n_em = re.subn(
        r"(      - id: emissions\n        label: .*\n        weight: )2\n", r"\g<1>8\n", text
    )
    assert (n_dim, n_crit, n_em) == (1, 1, 1), (
        "criteria/default.yaml changed: the test's edits no longer apply"
    )
    return text


@dataclass(frozen=True)
class Runs:
    """Two real runs of the sample workbook: under the default criteria and under the changed copy."""

    input_bytes: bytes
    default_text: str
    changed_text: str
    default: object  # screening.model.Result
    changed: object


def save_both(store, runs: Runs, **changed_options: object) -> None:
    """Save the two runs as "default" and "changed"; ``changed_options`` go to the second save (decisions,
    language)."""
    from screening.store import save_run

    save_run(
        store,
        "default",
        runs.default,
        runs.input_bytes,
        None,
        runs.default_text,
        criteria_name="default.yaml",
    )
    save_run(
        store,
        "changed",
        runs.changed,
        runs.input_bytes,
        None,
        runs.changed_text,
        criteria_name="changed.yaml",
        **changed_options,
    )
