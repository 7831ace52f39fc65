"""The result of a pipeline step, and the helpers the steps, the CLI and the demo share."""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyogrio

from ..errors import GeometryRepairedWarning, InputError
from ..io import atomic_path, list_layers, read_layer, read_table
from ..labels import value_label, warning_text
from ..provenance import KEY as PROVENANCE_KEY
from ..workbook import is_landkit_workbook


@dataclass
class StepResult:
    """What a step found: tables and figures to write, and its Chinese summary.

    Attributes
    ----------
    tables : dict
        Result frames by layer or sheet name, in writing order.
    summary : list of str
        The lines a command prints.
    digest : str
        The step's one-line summary (a line of the demo's ``summary.txt``).
    figures : dict
        Maps (folium) and print figures (matplotlib) by default file name.
    findings : bool
        Whether findings are present (``--fail-on-findings``).
    """

    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    summary: list[str] = field(default_factory=list)
    digest: str = ""
    figures: dict[str, object] = field(default_factory=dict)
    findings: bool = False


# ------------------------------------------------------------------- helpers


@contextmanager
def recording() -> Iterator[list[warnings.WarningMessage]]:
    """Catch every warning of the block, for the step's summary (:func:`warning_lines`)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield caught


def is_repair(warning: warnings.WarningMessage) -> bool:
    """Whether a caught warning reports a repaired geometry."""
    return issubclass(warning.category, GeometryRepairedWarning)


def warning_lines(caught, *, repaired_only: bool = False, indent: str = "  ") -> list[str]:
    """One line per distinct warning, in order; only repaired geometries with ``repaired_only``."""
    first: dict[str, warnings.WarningMessage] = {}
    for warning in caught:
        first.setdefault(str(warning.message), warning)
    lines = []
    for warning in first.values():
        text = warning_text(warning.message)
        if is_repair(warning):
            lines.append(f"{indent}已修复：{text}")
        elif not repaired_only:
            lines.append(f"{indent}提示：{text}")
    return lines


def missing_lines(table: pd.DataFrame, *, first: int = 10, indent: str = "  ") -> list[str]:
    """Summary lines naming the parcels left undecided for want of data (a missing-data table).

    Examples
    --------
    >>> table = pd.DataFrame({"parcel_id": ["P1"], "name": ["某公司"], "subject": ["闲置土地初步判定"],
    ...                       "missing_fields_zh": ["约定动工日期"]})
    >>> missing_lines(table)
    ['  资料不足 1 项：', '    P1（某公司）闲置土地初步判定，缺少：约定动工日期']
    """
    if table.empty:
        return []
    lines = [f"{indent}资料不足 {len(table)} 项："]
    for row in table.head(first).itertuples(index=False):
        name = f"（{row.name}）" if isinstance(row.name, str) and row.name else ""
        lines.append(f"{indent}  {row.parcel_id}{name}{row.subject}，缺少：{row.missing_fields_zh}")
    if len(table) > first:
        lines.append(f"{indent}  …… 另有 {len(table) - first} 项，见结果表的 缺少的字段（missing_fields_zh）列")
    return lines


def count_true(frame: pd.DataFrame, column: str) -> int:
    """How many rows are true in a yes/no column (missing counts as no)."""
    return int(frame[column].fillna(False).astype(bool).sum())


def status_counts(
    statuses: pd.Series, keys: Sequence[str], *, field: str, skip_absent: bool
) -> str:
    """``闲置 4 宗，可收回 2 宗 …`` for the codes ``keys`` of column ``field``, in that order."""
    counts = statuses.value_counts()
    return "，".join(
        f"{value_label(field, key)} {int(counts.get(key, 0))} 宗"
        for key in keys
        if key in counts or not skip_absent
    )


def file_stem(feature_id: str) -> str:
    """A feature id as a file name stem (characters no file system allows become ``_``).

    Examples
    --------
    >>> file_stem("DK 01/2")
    'DK_01_2'
    """
    return re.sub(r'[\\/:*?"<>|\s]+', "_", feature_id)


def save_figure(figure, target) -> Path:
    """Save a folium map (HTML), a matplotlib figure (PNG) or a Word document atomically.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> import landkit as lk
    >>> fmap = lk.make_map(parks=lk.read_layer(lk.sample_data_path(), "parks"), basemap=None)
    >>> save_figure(fmap, pathlib.Path(tempfile.mkdtemp()) / "parks.html").stat().st_size > 0
    True
    """
    target = Path(target)
    with atomic_path(target) as tmp:
        if hasattr(figure, "savefig"):
            figure.savefig(tmp, format="png")
        else:
            figure.save(str(tmp))
    return target


_RESULT_LAYERS = ("three_lines", "idle", "parcel_metrics")


def read_result(path, *, kind: str | None = None) -> pd.DataFrame:
    """A result layer or table: a GeoPackage's result layer when it has one, else the file.

    The result layers, in order of preference: ``three_lines``, ``idle``,
    ``parcel_metrics``; a workbook or CSV is read as a table.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> import landkit as lk
    >>> parks = lk.read_layer(lk.sample_data_path(), "parks")
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "idle.gpkg"
    >>> _ = lk.write_layers({"parks": parks, "idle": parks.iloc[:2]}, path)
    >>> len(read_result(path))
    2
    """
    suffix = Path(path).suffix.lower()
    if suffix == ".xlsx" and Path(path).is_file() and is_landkit_workbook(path):
        msg = (
            f"{path}: 这是 landkit 写出的报表（供阅读、打印），不作为数据读入。"
            "Fix: pass the .gpkg result the same command writes (e.g. --out metrics.gpkg)."
        )
        raise InputError(msg)
    if suffix in (".csv", ".xlsx"):
        return read_table(path, kind=kind)
    if suffix == ".gpkg" and Path(path).is_file():
        names = set(list_layers(path))
        for name in _RESULT_LAYERS:
            if name in names:
                return read_layer(path, name, kind=kind)
    return read_layer(path, kind=kind)


def read_idle(path) -> pd.DataFrame:
    """The ``idle`` layer of an ``idle.gpkg`` written by ``landkit idle``, with its provenance.

    The record of the run (its as-of date, inputs and rules) comes back from
    the GeoPackage's ``landkit_provenance`` table into
    ``attrs["landkit_provenance"]``.

    Raises
    ------
    InputError
        For a file that is not a GeoPackage or holds no ``idle`` layer.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> import landkit as lk
    >>> parcels = lk.read_layer(lk.sample_data_path(), "parcels")
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "idle.gpkg"
    >>> _ = lk.write_layers({"idle": lk.detect_idle(parcels, as_of="2026-11-01")}, path)
    >>> read_idle(path).attrs["landkit_provenance"]["as_of"]
    '2026-11-01'
    """
    fix = "Fix: 给出 landkit idle 写出的 idle.gpkg（图层 idle）。"
    if Path(path).suffix.lower() != ".gpkg" or not Path(path).is_file():
        raise InputError(f"{path}：不是 GeoPackage 文件。{fix}")
    try:
        names = [str(name) for name, _ in pyogrio.list_layers(path)]
    except (OSError, RuntimeError) as err:
        raise InputError(f"{path}：无法读取，不是有效的 GeoPackage。{fix}") from err
    if "idle" not in names:
        shown = ", ".join(n for n in names if n != PROVENANCE_KEY) or "无"
        raise InputError(f"{path}：没有 idle 图层（有 {shown}）。{fix}")
    result = read_layer(path, "idle")
    if PROVENANCE_KEY in names:
        table = read_table(path, PROVENANCE_KEY)
        rows = table[table["layer"] == "idle"]
        result.attrs["landkit_provenance"] = dict(zip(rows["key"], rows["value"].fillna(""), strict=True))
    return result
