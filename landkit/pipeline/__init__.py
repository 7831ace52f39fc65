"""The steps that ``landkit`` commands and ``landkit demo`` share.

Each step is one function: data positional (frames already read, or a path
that io's readers open), options keyword-only. It runs the analysis, writes
nothing and returns a :class:`StepResult`: the tables to write (by layer or
sheet name, in writing order), the figures to save (by default file name),
its Chinese summary and whether findings are present. The command line
writes the tables and prints :attr:`StepResult.summary`; the demo writes them
into its folder and keeps :attr:`StepResult.digest`, the step's one-line
summary. Every summary line has its template here and nowhere else.

Modules: ``result`` (the result type, writing and reading helpers),
``checks`` (validate, three lines, idle land), ``evaluation`` (metrics, the
annual assessment), ``documents`` (boundary documents, maps, the report, case dossiers).
"""

from .checks import idle, three_lines, validate, validate_all
from .documents import (
    boundary_digest,
    boundary_documents,
    dossiers,
    make_maps,
    report,
    report_digest,
)
from .evaluation import assessment, metrics
from .result import StepResult, file_stem, labelled, read_idle, read_result, save_figure

__all__ = [
    "StepResult",
    "assessment",
    "boundary_digest",
    "boundary_documents",
    "dossiers",
    "file_stem",
    "idle",
    "labelled",
    "make_maps",
    "metrics",
    "read_idle",
    "read_result",
    "report",
    "report_digest",
    "save_figure",
    "three_lines",
    "validate",
    "validate_all",
]
