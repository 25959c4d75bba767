"""bri-screening: screen, score and rank Belt and Road cooperation projects.

The library holds the whole pipeline; the CLI (``screening.cli``) and the Streamlit app (``app.py``) only
call it. Stages: :mod:`ingest` → :mod:`validate` → :mod:`screen` → :mod:`classify` → :mod:`score` →
:mod:`rank` → :mod:`explain` → :mod:`export`.
"""

from screening.criteria.loader import load_criteria, load_criteria_bytes
from screening.criteria.models import CriteriaError, CriteriaSet
from screening.io.export import workbook_bytes, write_workbook
from screening.io.mapping import Mapping, MappingError, load_mapping
from screening.io.read import read_input
from screening.model import InputError, Result
from screening.pipeline import reweigh, run, tool_version
from screening.stages.score import PointMatrix, Scores, Weights, weigh
from screening.stages.validate import validate

__all__ = [
    "CriteriaError",
    "CriteriaSet",
    "InputError",
    "Mapping",
    "MappingError",
    "PointMatrix",
    "Result",
    "Scores",
    "Weights",
    "load_criteria",
    "load_criteria_bytes",
    "load_mapping",
    "read_input",
    "reweigh",
    "run",
    "tool_version",
    "validate",
    "weigh",
    "workbook_bytes",
    "write_workbook",
]
