"""Ids as join keys: results written by one run and read back by another join on them.

A result may hold the same ids as numbers or as text (a spreadsheet turns
``"0012"`` into ``12``, a CSV reads ``12`` back as ``12.0``); every join of
results on ``parcel_id`` or ``park_id`` goes through :func:`id_keys`, and a
join that matches nothing is an :class:`~landkit.errors.InputError`
(:func:`join_on_ids`).
"""

from __future__ import annotations

import pandas as pd

from .errors import InputError, describe_ids
from .schema import _parse_id

__all__ = ["id_keys", "join_on_ids"]


def id_keys(values) -> pd.Index:
    """Ids as join keys: ``12``, ``12.0``, ``"12"`` and ``" 012 "`` are one id; missing ids are None.

    A result written by one run and read back by another may hold the same
    ids as numbers or as text (a spreadsheet turns ``"0012"`` into ``12``);
    results are joined on these keys, never on the raw values.

    Examples
    --------
    >>> id_keys([12, 12.0, " 012 ", "P1", None]).tolist()
    ['12', '12', '12', 'P1', None]
    """
    text = _parse_id(pd.Series(list(values), dtype=object))
    keys = [t.lstrip("0") or "0" if t is not None and t.isdigit() else t for t in text]
    return pd.Index(keys, dtype=object)


def join_on_ids(keys: pd.Index, wanted: pd.Index, *, what: str) -> None:
    """Raise :class:`InputError` when ``keys`` and ``wanted`` (both non-empty) share no id.

    Examples
    --------
    >>> join_on_ids(id_keys([1, 2]), id_keys(["1"]), what="idle result")
    >>> join_on_ids(id_keys(["A"]), id_keys(["B"]), what="idle result")
    Traceback (most recent call last):
    ...
    landkit.errors.InputError: idle result: none of its 1 ids (A (1 in all)) is among the 1 ids it is joined to (B (1 in all)). Fix: pass results of the same layer.
    """
    present, target = keys.dropna(), wanted.dropna()
    if len(present) and len(target) and not present.isin(target).any():
        msg = (
            f"{what}: none of its {len(present)} ids ({describe_ids(present)}) is among the "
            f"{len(target)} ids it is joined to ({describe_ids(target)}). Fix: pass results of the same layer."
        )
        raise InputError(msg)
