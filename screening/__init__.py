"""bri-screening: screen, score and rank Belt and Road cooperation projects.

The library holds the whole pipeline; the CLI (``screening.cli``) and the Streamlit app (``app.py``) only
call it. Stages: :mod:`ingest` → :mod:`validate` → :mod:`screen` → :mod:`classify` → :mod:`score` →
:mod:`rank` → :mod:`explain` → :mod:`export`.
"""

from .criteria import CriteriaError, CriteriaSet, load_criteria, load_criteria_bytes
from .export import workbook_bytes, write_workbook
from .ingest import InputError, read_input
from .mapping import Mapping, MappingError, load_mapping
from .pipeline import Result, reweigh, run, tool_version
from .score import PointMatrix, Scores, Weights, weigh
from .validate import validate

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
