"""Case dossiers for flagged idle parcels (Word documents with a draft 《闲置土地调查通知书》).

* :mod:`landkit.dossier.case` — :func:`case_dossier`, the dossier of one parcel;
* :mod:`landkit.dossier.batch` — :func:`build_dossiers` and :func:`write_dossiers`,
  the dossiers of a run and their index workbook;
* :mod:`landkit.dossier.evidence` — the location map and the image chips;
* :mod:`landkit.dossier.document` — the Word document writer.
"""

from .batch import INDEX_SHEET, build_dossiers, index_sheet, write_dossiers, write_index
from .case import BLANK, DOSSIER_STATUSES, case_dossier

__all__ = [
    "BLANK",
    "DOSSIER_STATUSES",
    "INDEX_SHEET",
    "build_dossiers",
    "case_dossier",
    "index_sheet",
    "write_dossiers",
    "write_index",
]
