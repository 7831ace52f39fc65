"""Per-feature statistics, merged window by window.

Moments (count, sum, mean, std, min, max, weighted sums) are running totals.
Statistics of the value distribution (median, percentiles, majority, minority,
unique, class counts) are kept as each feature's distinct values with their
pixel count and coverage, and computed as soon as every window a feature
touches has been read, so only the features of the windows in flight are held.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..errors import InputError

MOMENTS = ("count", "sum", "mean", "min", "max", "range", "std", "nodata", "nan")
DISTRIBUTION = ("median", "majority", "minority", "unique")
WEIGHTED = ("weighted_mean", "weighted_sum")
STATS = MOMENTS + DISTRIBUTION + WEIGHTED
_PERCENTILE = re.compile(r"percentile_(\d+(?:\.\d*)?)$")
_FLUSH_ROWS = 1 << 21  # distinct (feature, value) rows held before finished features are computed


def check_stats(stats: Iterable[str], *, weighted: bool) -> list[str]:
    """The requested statistics, checked and without repeats."""
    stats = [stats] if isinstance(stats, str) else list(stats)
    unknown = [s for s in stats if s not in STATS and not _PERCENTILE.match(str(s))]
    if unknown:
        msg = (
            f"unknown statistics {unknown}; choose from {', '.join(STATS)} or "
            f"percentile_<q> with 0 ≤ q ≤ 100 (e.g. percentile_90)"
        )
        raise InputError(msg)
    high = [s for s in stats if _PERCENTILE.match(s) and percentile(s) > 100]
    if high:
        msg = f"percentiles must lie between 0 and 100, got {high}"
        raise InputError(msg)
    if not weighted and any(s in WEIGHTED for s in stats):
        msg = "weighted_mean and weighted_sum need a weights raster: pass weights="
        raise InputError(msg)
    return list(dict.fromkeys(stats))


def percentile(stat: str) -> float:
    """The q of ``percentile_<q>`` (0–100)."""
    return float(_PERCENTILE.match(stat).group(1))


def needs_values(stats: list[str], categorical: bool) -> bool:
    """Whether the statistics need the distribution of values, not only moments."""
    return categorical or any(s in DISTRIBUTION or _PERCENTILE.match(s) for s in stats)


@dataclass
class Pixels:
    """Pixels of one window claimed by some features.

    ``members`` are distinct feature positions; ``local`` gives each pixel's
    feature as an index into ``members``. ``values`` are stored values;
    ``cover`` the covered fractions (None for whole pixels); ``weight`` the
    weights raster's values (NaN where it has no data; None without weights).
    """

    members: np.ndarray
    local: np.ndarray
    values: np.ndarray
    valid: np.ndarray
    nan: np.ndarray | None
    cover: np.ndarray | None = None
    weight: np.ndarray | None = None


@dataclass
class Moments:
    """Running per-feature moments (Chan et al.'s update)."""

    size: int
    weighted: bool  # by coverage
    sums: bool = True  # keep means (sum, mean, std and the weighted sums)
    spread: bool = True  # keep the sum of squared deviations (std)
    extremes: bool = True  # keep the minimum and maximum
    touched: np.ndarray = field(init=False)  # pixels (or coverage) under each feature
    nans: np.ndarray = field(init=False)
    count: np.ndarray = field(init=False)
    mean: np.ndarray = field(init=False)
    m2: np.ndarray = field(init=False)
    low: np.ndarray = field(init=False)
    high: np.ndarray = field(init=False)
    w_sum: np.ndarray = field(init=False)  # Σ weight (× coverage)
    wx_sum: np.ndarray = field(init=False)  # Σ value × weight (× coverage)

    def __post_init__(self) -> None:
        for name in ("touched", "nans", "count", "mean", "m2", "w_sum", "wx_sum"):
            setattr(self, name, np.zeros(self.size))
        self.low = np.full(self.size, np.inf)
        self.high = np.full(self.size, -np.inf)

    def add(self, px: Pixels, x: np.ndarray | None) -> None:
        """Merge pixels; ``x`` holds the scaled values of the valid pixels (None when
        only counts are kept)."""
        members, m = px.members, len(px.members)
        self.touched[members] += np.bincount(px.local, weights=px.cover, minlength=m)
        if px.nan is not None:
            cover = None if px.cover is None else px.cover[px.nan]
            self.nans[members] += np.bincount(px.local[px.nan], weights=cover, minlength=m)
        local = px.local[px.valid]
        w = None if px.cover is None else px.cover[px.valid]
        n = np.bincount(local, weights=w, minlength=m).astype(np.float64)
        got = n > 0
        if not got.any() or not (self.sums or self.extremes):
            self.count[members] += n
            return
        if px.weight is not None:
            ww = px.weight[px.valid] if w is None else px.weight[px.valid] * w
            self.w_sum[members] += np.bincount(local, weights=ww, minlength=m)
            self.wx_sum[members] += np.bincount(local, weights=ww * x, minlength=m)
        mean = np.divide(
            np.bincount(local, weights=x if w is None else w * x, minlength=m),
            n,
            out=np.zeros(m),
            where=got,
        )
        m2 = None
        if self.spread:
            squares = (x - mean[local]) ** 2
            m2 = np.bincount(local, weights=squares if w is None else w * squares, minlength=m)
        if self.extremes:
            low, high = np.full(m, np.inf), np.full(m, -np.inf)
            np.minimum.at(low, local, x)
            np.maximum.at(high, local, x)
            self.low[members] = np.minimum(self.low[members], low)
            self.high[members] = np.maximum(self.high[members], high)
        members, n, mean = members[got], n[got], mean[got]
        old_n = self.count[members]
        total = old_n + n
        delta = mean - self.mean[members]
        if m2 is not None:
            self.m2[members] += m2[got] + delta**2 * old_n * n / total
        self.mean[members] += delta * n / total
        self.count[members] = total

    def columns(self, stats: list[str], nan_apart: bool) -> dict[str, np.ndarray]:
        """The requested moment statistics by name."""
        has = self.count > 0
        nodata = self.touched - self.count - (self.nans if nan_apart else 0)
        whole = (lambda a: a) if self.weighted else (lambda a: np.rint(a).astype(np.int64))
        columns = {
            "count": lambda: whole(self.count),
            "sum": lambda: np.where(has, self.mean * self.count, 0.0),
            "mean": lambda: np.where(has, self.mean, np.nan),
            "min": lambda: np.where(has, self.low, np.nan),
            "max": lambda: np.where(has, self.high, np.nan),
            "std": lambda: np.where(has, np.sqrt(self.m2 / np.where(has, self.count, 1)), np.nan),
            "range": lambda: np.where(has, self.high - self.low, np.nan),
            "nodata": lambda: whole(nodata),
            "nan": lambda: whole(self.nans),
            "weighted_sum": lambda: np.where(has, self.wx_sum, 0.0),
            "weighted_mean": lambda: np.divide(
                self.wx_sum, self.w_sum, out=np.full(self.size, np.nan), where=self.w_sum != 0
            ),
        }
        return {s: columns[s]() for s in stats if s in columns}


def collapse(local: np.ndarray, values: np.ndarray, cover: np.ndarray | None):
    """Distinct (feature, value) pairs, sorted, with their pixel count and coverage sum."""
    if not len(local):
        empty = np.zeros(0)
        return local, values, empty.astype(np.int64), empty
    if values.dtype.kind in "ui":
        low, high = int(values.min()), int(values.max())
        span, m = high - low + 1, int(local.max()) + 1
        if span * m <= max(4 * len(local), 1 << 16):  # small integer classes: one bincount
            key = local.astype(np.int64) * span + (values.astype(np.int64) - low)
            count = np.bincount(key, minlength=span * m)
            cov = count.astype(np.float64) if cover is None else np.bincount(key, cover, span * m)
            where = np.flatnonzero(count)
            value = (where % span + low).astype(values.dtype)
            return where // span, value, count[where], cov[where]
    order = np.lexsort((values, local))
    f, v = local[order], values[order]
    new = np.ones(len(f), dtype=bool)
    new[1:] = (f[1:] != f[:-1]) | (v[1:] != v[:-1])
    run = np.cumsum(new) - 1
    count = np.bincount(run)
    cov = count.astype(np.float64) if cover is None else np.bincount(run, weights=cover[order])
    return f[new], v[new], count, cov


@dataclass
class Distribution:
    """Each feature's distinct values, computed into statistics once the feature is complete."""

    size: int
    stats: list[str]
    coverage: bool
    categorical: bool
    add_stats: Mapping[str, Callable] | None
    integer: bool = False  # an integer raster read without scale or offset
    out: dict[str, np.ndarray] = field(init=False)
    rows: list = field(init=False, default_factory=list)  # (feature, value, count, cover)
    held: int = 0
    pixel_rows: list = field(init=False, default_factory=list)  # add_stats: (feature, x, cover)
    classes: list = field(init=False, default_factory=list)  # categorical: (feature, value, amount)

    def __post_init__(self) -> None:
        self.out = {}
        for s in self.stats:
            if s == "unique":
                self.out[s] = np.zeros(self.size, dtype=np.int64)
            elif s in DISTRIBUTION or _PERCENTILE.match(s):
                self.out[s] = np.full(self.size, np.nan)
        for name in self.add_stats or {}:
            self.out[name] = np.full(self.size, None, dtype=object)

    def add(self, px: Pixels, x: np.ndarray | None, scale: Callable | None) -> None:
        """Add pixels; ``x`` holds the valid pixels' scaled values (needed for
        ``add_stats`` only), ``scale`` scales stored values (None: no scaling)."""
        local, values = px.local[px.valid], px.values[px.valid]
        cover = None
        if px.cover is not None:  # single precision, as exactextract: whole pixels weigh 1 exactly
            cover = px.cover[px.valid].astype(np.float32).astype(np.float64)
        f, v, count, cov = collapse(local, values, cover)
        self.rows.append((px.members[f], v if scale is None else scale(v), count, cov))
        self.held += len(f)
        if self.add_stats:
            self.pixel_rows.append((px.members[local], x, cover))
            self.held += len(x)

    def flush(self, done: np.ndarray | None = None) -> None:
        """Compute the statistics of the finished features (all when ``done`` is None)."""
        if not self.rows:
            return
        f, v, count, cov = (np.concatenate(parts) for parts in zip(*self.rows, strict=True))
        finished = np.ones(len(f), dtype=bool) if done is None else done[f]
        rest = ~finished
        self.rows = [(f[rest], v[rest], count[rest], cov[rest])] if rest.any() else []
        self.held = int(rest.sum())
        if self.add_stats:
            self._call_add_stats(done)
        f, v, count, cov = f[finished], v[finished], count[finished], cov[finished]
        if len(f):
            self._compute(*_merge(f, v, count, cov))

    def maybe_flush(self, done: np.ndarray) -> None:
        if self.held > _FLUSH_ROWS:
            self.flush(done)

    def _compute(self, f, v, count, cov) -> None:
        amount = cov if self.coverage else count.astype(np.float64)
        classes, v = v, v.astype(np.float64)
        starts = np.flatnonzero(np.r_[True, f[1:] != f[:-1]])
        feature = f[starts]
        sizes = np.diff(np.r_[starts, len(f)])
        group = np.repeat(np.arange(len(starts)), sizes)
        for s in self.stats:
            if s == "unique":
                self.out[s][feature] = sizes
            elif s in ("majority", "minority"):
                self.out[s][feature] = _mode(v, amount, group, starts, s, coverage=self.coverage)
            elif s == "median" or _PERCENTILE.match(s):
                q = 50.0 if s == "median" else percentile(s)
                if self.coverage:  # in the raster's type, as exactextract: integers truncated
                    value = _weighted_quantile(v, cov, group, starts, q / 100)
                    self.out[s][feature] = np.trunc(value) if self.integer else value
                else:
                    self.out[s][feature] = _linear_percentile(v, count, group, starts, q / 100)
        if self.categorical:
            self.classes.append((f, classes, cov if self.coverage else count))

    def _call_add_stats(self, done) -> None:
        feats, xs, covers = zip(*self.pixel_rows, strict=True)
        f, x = np.concatenate(feats), np.concatenate(xs)
        cover = None if covers[0] is None else np.concatenate(covers)
        finished = np.ones(len(f), dtype=bool) if done is None else done[f]
        keep = ~finished
        self.pixel_rows = [(f[keep], x[keep], None if cover is None else cover[keep])]
        order = np.argsort(f[finished], kind="stable")
        f, x = f[finished][order], x[finished][order]
        cover = None if cover is None else cover[finished][order]
        bounds = np.flatnonzero(np.r_[True, f[1:] != f[:-1], True]).tolist() if len(f) else []
        for a, b in itertools.pairwise(bounds):
            for name, func in self.add_stats.items():
                args = (x[a:b],) if cover is None else (x[a:b], cover[a:b])
                self.out[name][f[a]] = func(*args)

    def finish(self) -> None:
        """Compute every feature left."""
        self.flush()

    def class_table(self, index: pd.Index, category_map: Mapping | None) -> pd.DataFrame:
        """Per-class pixel counts (centre rule) or area fractions (coverage rule), 0 where absent."""
        parts = self.classes or [(np.zeros(0, np.int64), np.zeros(0), np.zeros(0, np.int64))]
        f, v, amount = (np.concatenate(p) for p in zip(*parts, strict=True))
        classes, column = np.unique(v, return_inverse=True)
        cells = self.size * len(classes)
        table = np.bincount(f * len(classes) + column, weights=amount, minlength=cells)
        table = table.reshape(self.size, len(classes))
        if self.coverage:
            total = table.sum(axis=1, keepdims=True)
            table = np.divide(table, total, out=np.zeros_like(table), where=total > 0)
        else:  # sums of whole counts, exact in float64
            table = table.astype(np.int64)
        names = [_class_name(c, category_map, self.coverage) for c in classes.tolist()]
        frame = pd.DataFrame(table, index=index, columns=names)
        if len(set(names)) < len(names):  # classes the map gives one name count together
            frame = frame.T.groupby(level=0, sort=False).sum().T
        return frame


def _class_name(value, category_map: Mapping | None, coverage: bool):
    name = category_map.get(value, value) if category_map else value
    if isinstance(name, float) and name.is_integer():
        name = int(name) if coverage else name
    return f"frac_{name}" if coverage else name


def _merge(f, v, count, cov):
    """Sort rows by (feature, value) and merge rows of one value met in several windows.

    Rows come window by window, each window's sorted by (feature, value), so a
    stable sort by feature leaves only features met in several windows to sort.
    """
    order = np.argsort(f, kind="stable")
    f, v, count, cov = f[order], v[order], count[order], cov[order]
    unsorted = (f[1:] == f[:-1]) & (v[1:] <= v[:-1])
    if unsorted.any():
        rows = np.flatnonzero(np.isin(f, f[1:][unsorted]))  # contiguous per feature
        order = np.arange(len(f))
        order[rows] = rows[np.lexsort((v[rows], f[rows]))]
        f, v, count, cov = f[order], v[order], count[order], cov[order]
    new = np.r_[True, (f[1:] != f[:-1]) | (v[1:] != v[:-1])]
    if new.all():
        return f, v, count, cov
    run = np.cumsum(new) - 1
    return f[new], v[new], np.bincount(run, weights=count).astype(np.int64), np.bincount(run, cov)


def _mode(v, amount, group, starts, stat: str, *, coverage: bool) -> np.ndarray:
    """Majority or minority per group of distinct values.

    Ties: the majority is the smallest tied value under the centre rule
    (rasterstats) and the largest under coverage (exactextract); the minority
    is the smallest tied value under both.
    """
    if stat == "majority":
        tie = v if coverage else -v
        order = np.lexsort((tie, amount, group))
        last = np.r_[starts[1:], len(v)] - 1
        return v[order][last]
    order = np.lexsort((v, amount, group))
    return v[order][starts]


def _linear_percentile(v, count, group, starts, q: float) -> np.ndarray:
    """NumPy's default (linear) percentile of each group's pixels, from distinct values."""
    cum = np.cumsum(count)
    before = (cum - count)[starts]
    total = np.add.reduceat(count, starts)
    h = q * (total - 1)
    low = np.floor(h)
    i = np.searchsorted(cum, before + low, side="right")
    j = np.searchsorted(cum, before + np.minimum(low + 1, total - 1), side="right")
    return v[i] + (h - low) * (v[j] - v[i])


def _weighted_quantile(v, cov, group, starts, q: float) -> np.ndarray:
    """exactextract's coverage-weighted quantile of each group's distinct values.

    With distinct values x₀ < … < xₙ₋₁ of coverage c₀ … cₙ₋₁ (total C) and
    Sᵢ = i·cᵢ + (n − 1)·(c₀ + … + cᵢ₋₁), the q-quantile interpolates linearly
    in S between the values whose S bracket q·C·(n − 1); equal coverages give
    NumPy's linear percentile of the distinct values.
    """
    sizes = np.diff(np.r_[starts, len(v)])
    rank = np.arange(len(v)) - starts[group]
    cum = np.cumsum(cov)
    before = cum - cov - (cum - cov)[starts][group]
    s = rank * cov + (sizes[group] - 1) * before
    target = q * np.add.reduceat(cov, starts) * (sizes - 1)
    k = np.add.reduceat((s <= target[group]).astype(np.int64), starts)
    right = starts + np.minimum(k, sizes - 1)
    left = starts + np.maximum(k - 1, 0)
    inner = (k > 0) & (k < sizes)
    out = v[np.where(k >= sizes, left, right)].astype(np.float64)
    span = s[right] - s[left]
    step = np.divide(target - s[left], span, out=np.zeros(len(starts)), where=inner & (span > 0))
    return np.where(inner, v[left] + step * (v[right] - v[left]), out)
