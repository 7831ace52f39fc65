"""Case dossiers for flagged idle parcels (Word documents with a draft 《闲置土地调查通知书》).

* :mod:`landkit.dossier.case` — :func:`case_dossier` and :func:`write_dossiers`;
* :mod:`landkit.dossier.evidence` — the location map and the image chips;
* :mod:`landkit.dossier.document` — the Word document writer.
"""

from .case import BLANK, DOSSIER_STATUSES, case_dossier, write_dossiers

__all__ = ["BLANK", "DOSSIER_STATUSES", "case_dossier", "write_dossiers"]
