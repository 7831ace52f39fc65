"""Build the bundled Kunming sample: ``kunming.gpkg`` and ``builtup_<year>.tif``.

Run from the repository root::

    python sample_data/build_sample.py            # rewrites the files in sample_data/
    python sample_data/build_sample.py --out DIR  # writes them into DIR instead

The script reads only ``sample_data/sources/`` (the real AMap district boundaries
and the 2018 development-zone catalogue extract) and draws everything else with a
fixed seed, so every run gives the same tables and the same rasters. What is real
and what is drawn, and the list of deliberate test cases, are in ``README.md``.
"""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import rasterio
from rasterio import features
from rasterio.transform import from_origin
from rasterio.windows import Window
from shapely.geometry import LineString, Polygon, box

from landkit.crs import from_gcj02
from landkit.io import write_layers

HERE = Path(__file__).resolve().parent
SOURCES = HERE / "sources"
CRS = "EPSG:4543"  # CGCS2000 / 3-degree Gauss-Krüger CM 102E
SEED = 20190314  # the date of 昆政办〔2019〕15号
PIXEL = 10.0
IMAGE_DATES = {2023: dt.date(2023, 6, 30), 2025: dt.date(2025, 6, 30)}
SOURCE_COUNTIES = "AMap districts 2020 (GaryBikini/ChinaAdminDivisonSHP, MIT)"
SOURCE_PARKS = "《中国开发区审核公告目录（2018年版）》; boundary drawn (synthetic)"

BLOCK_W, BLOCK_H, GAP = 340.0, 300.0, 40.0  # metres; GAP is the road corridor
SETBACK = 15.0  # buildings keep this far from the parcel edge
LEVELS = {"国务院": "national", "省政府": "provincial"}
CN_NUMERALS = "一二三四五六七八九十"


@dataclass(frozen=True)
class ParkPlan:
    """How one park of the catalogue is drawn."""

    park_id: str  # the catalogue's 代码
    county: str  # the district the catalogue's geocode falls in (checked)
    short: str  # prefix of road names
    river: str  # name of the river drawn beside it
    river_side: str  # "south", "north", "east" or "west"
    cols: int
    rows: int
    industries: tuple[str, ...]  # GB/T 4754-2017 divisions of its leading industries
    land_uses: tuple[str, ...]  # land-use codes of its ordinary industrial parcels
    layout: dict = field(default_factory=dict)  # (col, row) -> parcel specs, west to east
    reserve: tuple[str, float] = ("north", 0.0)  # side and depth of land not yet parcelled


# fmt: off
# A parcel spec is a profile name or (profile, overrides). "width" in the overrides
# is the parcel's share of the block width; the other parcels share the rest.
PLANS = (
    ParkPlan(
        "G531042", "官渡区", "经开", "宝象河", "south", 4, 3,
        ("34", "35", "36", "38", "27", "13", "14", "15"), ("100101", "100102", "1001"),
        {
            (1, 0): [("operating", {"case": "building_across_parcels", "reserve_top": 70.0})] * 2,
            (2, 0): [("below_plot_ratio_min", {"industry_code": "14"}), "operating"],
            (3, 0): ["over_contract_max", "contract_ok"],
            (0, 1): ["operating", "operating",
                     ("operating", {"industry_code": "37", "industry_code_edition": 2002})],
            (1, 1): ["commercial"],
            (2, 1): ["logistics", "logistics"],
            (3, 1): ["idle_not_started", "operating"],
            (0, 2): ["school"],
            (1, 2): ["raster_conflict", ("operating", {"industry_code_edition": 2011})],
            (2, 2): ["at_risk_start_passed", "building"],
            (3, 2): ["planned", "planned", "operating"],
        },
        reserve=("north", 600.0),
    ),
    ParkPlan(
        "G533124", "官渡区", "综保", "马料河", "east", 3, 2,
        ("39", "40", "38", "13"), ("100101", "1001"),
        {
            (0, 0): [("operating", {"land_use": "M1"}), ("logistics", {"land_use": "W1"})],
            (1, 0): ["invalid_bowtie", "operating"],
            (2, 0): ["admin_share_over_limit", "logistics"],
            (0, 1): [("operating", {"land_use": "M2"}), "operating"],
            (1, 1): ["logistics"],
            (2, 1): ["building", "planned"],
        },
        reserve=("north", 900.0),
    ),
    ParkPlan(
        "S539018", "呈贡区", "信息", "洛龙河", "north", 4, 3,
        ("27", "39", "40"), ("100101", "1001"),
        {
            (0, 0): ["operating", ("operating", {"land_use": "0601", "land_use_scheme": "sandiao"})],
            (0, 1): ["outside_urban_boundary", "operating"],
            (1, 0): ["raster_decides_started", "raster_decides_not_started"],
            (1, 1): ["green"],
            (2, 0): ["suspected_idle_low_investment",
                     ("operating", {"contract_plot_ratio_min": 1.0,
                                    "contract_plot_ratio_max": 2.5})],
            (2, 1): ["low_building_coefficient", "green_ratio_over_limit"],
            (3, 0): [("operating", {"land_use": "0601", "land_use_scheme": "sandiao"}), "building"],
            (3, 1): ["operating", "operating", "operating"],
            (0, 2): ["residential"],
        },
        reserve=("east", 700.0),
    ),
    ParkPlan(
        "S539019", "晋宁区", "晋宁", "东大河", "west", 4, 3,
        ("26", "32", "34", "35"), ("100102", "1001"),
        {
            (0, 0): [("chemical_plant", {"width": 90 / BLOCK_W}), "planned", "planned"],
            (1, 0): ["near_chemical_plant", "operating"],
            (2, 0): ["crosses_farmland",
                     ("idle_not_started", {"agreed_start_date": dt.date(2025, 9, 20)})],
            (3, 0): ["recoverable_not_started", "government_delay"],
            (0, 1): ["suspected_idle_low_development", "operating"],
            (1, 1): ["at_risk_halted", "planned"],
            (2, 1): [("below_plot_ratio_min", {"industry_code": "27"}), "planned"],
            (0, 2): ["planned", "planned"],
            (1, 2): [("idle_not_started", {"agreed_start_date": dt.date(2025, 5, 8)}),
                     "operating"],
            (2, 2): ["operating"],
            (3, 2): ["building", "operating"],
        },
        reserve=("north", 600.0),
    ),
    ParkPlan(
        "S539016", "五华区", "五华", "沙河", "south", 3, 3,
        ("35", "23", "34"), ("100101", "1001"),
        {
            (2, 1): ["operating", "crosses_redline"],
            (2, 2): [("operating", {"case": "redline_hole"})],
        },
        reserve=("west", 900.0),
    ),
)
WEAK_PARK = "S539019"  # last in the park history three years running

INDUSTRY_WORDS = {
    "13": "农产品加工", "14": "食品", "15": "饮品", "23": "印务", "26": "磷化工",
    "27": "生物制药", "32": "贵金属材料", "34": "通用机械", "35": "专用设备",
    "36": "汽车零部件", "37": "轨道交通装备", "38": "电气", "39": "电子科技", "40": "仪器仪表",
    "29": "橡塑制品", "30": "建材", "33": "金属制品",
}
EMERGING = {"27", "38", "39", "40"}  # divisions the sample marks as emerging industries
NAME_WORDS = (
    "云岭", "滇池", "春城", "金马", "碧鸡", "盘龙", "宝象", "洛羊", "七彩", "高原",
    "南亚", "金殿", "翠湖", "螺峰", "长坡", "龙泉", "石龙", "彩云", "滇中", "普坪",
    "晋城", "昆阳", "呈云", "大渔", "马金", "宝峰", "安康", "白龙", "茨坝", "板桥",
)

# fmt: on
# ------------------------------------------------------------------ real inputs


def read_counties() -> gpd.GeoDataFrame:
    """The 14 Kunming districts, GCJ-02 → CGCS2000 → EPSG:4543."""
    raw = gpd.read_file(SOURCES / "kunming_districts_amap2020.shp", encoding="utf-8")
    lonlat = from_gcj02(raw.set_crs(4326))
    counties = gpd.GeoDataFrame(
        {
            "county_code": raw["adcode"].astype(str),
            "name": raw["name"],
            "source": SOURCE_COUNTIES,
            "synthetic": False,
        },
        geometry=lonlat.geometry.to_crs(CRS).values,
        crs=CRS,
    )
    return counties.sort_values("county_code", ignore_index=True)


def read_catalogue() -> pd.DataFrame:
    """The catalogue rows of the sample's parks, with their geocode in EPSG:4543."""
    rows = pd.read_csv(SOURCES / "yunnan_devzones_2018catalog_extract.csv", dtype=str)
    rows = rows.set_index("代码").loc[[plan.park_id for plan in PLANS]]
    points = gpd.GeoSeries(
        gpd.points_from_xy(rows["经度_GCJ02"].astype(float), rows["纬度_GCJ02"].astype(float)),
        index=rows.index,
        crs=4326,
    )
    where = from_gcj02(gpd.GeoDataFrame(geometry=points)).to_crs(CRS).geometry
    return rows.assign(x=where.x, y=where.y)


# --------------------------------------------------------------------- geometry


def park_size(plan: ParkPlan) -> tuple[float, float]:
    return plan.cols * (BLOCK_W + GAP) + GAP, plan.rows * (BLOCK_H + GAP) + GAP


def park_origin(plan: ParkPlan, catalogue: pd.DataFrame) -> tuple[float, float]:
    """South-west corner of the park: its geocode minus half its size, on the 10 m grid."""
    width, height = park_size(plan)
    row = catalogue.loc[plan.park_id]
    return (
        round((row["x"] - width / 2) / PIXEL) * PIXEL,
        round((row["y"] - height / 2) / PIXEL) * PIXEL,
    )


def park_outline(plan: ParkPlan, origin: tuple[float, float]) -> Polygon:
    """The blocks' rectangle, widened on one side by the land not yet parcelled."""
    width, height = park_size(plan)
    x0, y0, x1, y1 = origin[0], origin[1], origin[0] + width, origin[1] + height
    side, depth = plan.reserve
    grow = {"north": (0, 0, 0, depth), "south": (0, -depth, 0, 0),
            "east": (0, 0, depth, 0), "west": (-depth, 0, 0, 0)}[side]  # fmt: skip
    return box(x0 + grow[0], y0 + grow[1], x1 + grow[2], y1 + grow[3])


def block_box(col: int, row: int) -> tuple[float, float, float, float]:
    x0 = GAP + col * (BLOCK_W + GAP)
    y0 = GAP + row * (BLOCK_H + GAP)
    return x0, y0, x0 + BLOCK_W, y0 + BLOCK_H


def split_block(specs: list) -> Iterator[tuple[str, dict, float, float]]:
    """Each spec with its profile, overrides and x-range as a share of the block."""
    specs = [(s, {}) if isinstance(s, str) else s for s in specs]
    fixed = sum(o["width"] for _, o in specs if "width" in o)
    free = [o for _, o in specs if "width" not in o]
    share = (1 - fixed) / len(free) if free else 0.0
    left = 0.0
    for profile, overrides in specs:
        width = overrides.get("width", share)
        yield profile, overrides, left, left + width
        left += width


def bowtie(x0: float, y0: float, x1: float, y1: float) -> Polygon:
    """A self-intersecting ring, as digitising errors make them."""
    return Polygon([(x0, y0), (x1, y0), (x0, y1), (x1, y1), (x0, y0)])


def stacked_buildings(
    parcel: tuple[float, float, float, float], footprint: float, parts: int, reserve_top: float
) -> list[Polygon]:
    """``parts`` slabs south to north inside the setback, ``footprint`` m² in all."""
    x0, y0, x1, y1 = parcel
    width = x1 - x0 - 2 * SETBACK
    room = y1 - y0 - 2 * SETBACK - reserve_top - SETBACK * (parts - 1)
    depth = min(footprint / width, room)
    step = depth / parts
    bottoms = y0 + SETBACK + np.arange(parts) * (step + SETBACK)
    return [box(x0 + SETBACK, y, x1 - SETBACK, y + step) for y in bottoms]


# ---------------------------------------------------------------------- parcels

# fmt: off
PROFILE_KIND = {
    "commercial": "commercial",
    "logistics": "logistics",
    "school": "school",
    "green": "green",
    "residential": "residential",
    "near_chemical_plant": "residential",
}
ORDINARY = {"operating", "planned", "building", *PROFILE_KIND} - {"near_chemical_plant"}
NON_INDUSTRY_USE = {
    "commercial": "0901", "logistics": "1101", "school": "0804", "green": "1401",
    "residential": "0701",
}
NOT_STARTED = {
    # profile: (grant, agreed start, delay cause)
    "planned": (dt.date(2026, 5, 20), dt.date(2027, 3, 1), None),
    "invalid_bowtie": (dt.date(2026, 4, 2), dt.date(2027, 6, 1), None),
    "idle_not_started": (dt.date(2025, 1, 10), dt.date(2025, 6, 15), None),
    "recoverable_not_started": (dt.date(2023, 9, 20), dt.date(2024, 3, 1), None),
    "government_delay": (dt.date(2024, 1, 15), dt.date(2024, 7, 1), "land_not_delivered"),
    "at_risk_start_passed": (dt.date(2025, 9, 1), dt.date(2026, 3, 15), None),
    "raster_decides_not_started": (dt.date(2024, 10, 10), dt.date(2025, 4, 1), None),
}
STALLED = {
    # profile: (agreed start, actual start, halted since, developed share of the parcel,
    #           planned footprint share, invested share of planned investment)
    "suspected_idle_low_development": (
        dt.date(2022, 4, 1), dt.date(2022, 5, 10), dt.date(2025, 4, 20), 0.10, 0.45, 0.40),
    "suspected_idle_low_investment": (
        dt.date(2021, 5, 1), dt.date(2021, 6, 15), dt.date(2025, 2, 1), 0.20, 0.50, 0.18),
    "at_risk_halted": (
        dt.date(2023, 3, 1), dt.date(2023, 10, 9), dt.date(2026, 2, 1), 0.12, 0.45, 0.30),
}
# profile: (coverage, floors of each building, storey height m) of built parcels
BUILT_FORM = {
    "below_plot_ratio_min": (0.42, (1,), 7.0),
    "over_contract_max": (0.60, (4, 4), 5.0),
    "contract_ok": (0.50, (3, 3), 5.0),
    "low_building_coefficient": (0.22, (5,), 4.5),
    "chemical_plant": (0.45, (2, 2), 6.0),
    "commercial": (0.40, (5, 5), 4.0),
    "logistics": (0.50, (1, 1), 10.0),
    "school": (0.25, (4, 4), 3.6),
    "residential": (0.22, (11, 11, 11), 3.0),
}

# fmt: on


class NameBook:
    """Unique company names drawn with the sample's random generator."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def company(self, what: str, form: str = "有限公司") -> str:
        words = self.rng.permutation(NAME_WORDS)
        for word in words:
            name = f"云南{word}{what}{form}"
            if name not in self.used:
                self.used.add(name)
                return name
        raise RuntimeError(f"ran out of names for {what}")


def _days(rng: np.random.Generator, low: int, high: int) -> dt.timedelta:
    return dt.timedelta(days=int(rng.integers(low, high)))


def _per_mu(area_mu: float, bounds: tuple[float, float], rng: np.random.Generator) -> float:
    """An amount in 万元 drawn per 亩 within ``bounds``; NaN when there is none."""
    if bounds[1] == 0:
        return np.nan
    return round(area_mu * float(rng.uniform(*bounds)), 1)


# fmt: off
PRICE_PER_MU = {  # 万元/亩; school and green land is allocated (划拨) without a price
    "industry": (22, 45), "logistics": (25, 40), "commercial": (120, 200),
    "residential": (220, 380), "school": (0, 0), "green": (0, 0),
}
INVEST_PER_MU = {  # 万元/亩, land price excluded
    "industry": (180, 380), "logistics": (150, 220), "commercial": (400, 600),
    "residential": (500, 800), "school": (200, 300), "green": (10, 20),
}
NAME_STEMS = {
    "commercial": ("商业管理", "有限公司"), "logistics": ("物流", "有限公司"),
    "residential": ("置业", "有限公司"), "school": ("职业技术", "学校"),
    "green": ("园林绿化", "工程有限公司"),
}

# fmt: on


def parcel_record(
    profile: str, overrides: dict, area_m2: float, plan: ParkPlan, rng, names: NameBook
) -> tuple[dict, dict]:
    """Attributes of one parcel, and how its buildings and raster look are drawn.

    The second dict holds ``coverage`` (building footprint ÷ parcel area),
    ``floors`` (per building, or None to draw them), ``storey_m``, ``look``
    (bare / construction / built / green, or None to follow the start date) and
    ``reserve_top`` (metres kept free at the north edge).
    """
    mu = area_m2 * 15 / 10000
    kind = PROFILE_KIND.get(profile, "industry")
    industry = "26" if profile == "chemical_plant" else str(rng.choice(plan.industries))
    industry = overrides.get("industry_code", industry)
    stem = (INDUSTRY_WORDS[industry], "有限公司") if kind == "industry" else NAME_STEMS[kind]
    grant = dt.date(int(rng.integers(2012, 2021)), int(rng.integers(1, 13)), 10)
    agreed = grant + _days(rng, 90, 180)
    rec: dict = {
        "name": names.company(*stem),
        "land_use": str(rng.choice(plan.land_uses)),
        "industry_code": industry,
        "industry_code_edition": 2017,
        "grant_date": grant,
        "agreed_start_date": agreed,
        "start_status": "started",
        "actual_start_date": agreed + _days(rng, -20, 45),
        "halted_since": None,
        "land_price_wan_yuan": _per_mu(mu, PRICE_PER_MU[kind], rng),
        "planned_investment_wan_yuan": _per_mu(mu, INVEST_PER_MU[kind], rng),
        "green_area_m2": round(area_m2 * float(rng.uniform(0.08, 0.15)), 1),
        "admin_land_area_m2": round(area_m2 * float(rng.uniform(0.03, 0.06)), 1),
        "delay_cause": None,
        "contract_plot_ratio_min": np.nan,
        "contract_plot_ratio_max": np.nan,
        "case": None if profile in ORDINARY else profile,
    }
    rec["invested_wan_yuan"] = round(
        rec["planned_investment_wan_yuan"] * float(rng.uniform(0.92, 1.08)), 1
    )
    build = {
        "coverage": float(rng.uniform(0.40, 0.50)),
        "floors": None,
        "storey_m": 5.0,
        "look": None,
        "reserve_top": 0.0,
        "producing": kind in {"industry", "logistics"},
    }
    if kind != "industry":
        rec.update(land_use=NON_INDUSTRY_USE[kind], industry_code=None, industry_code_edition=None)
    if profile == "chemical_plant":
        rec.update(land_use="100103", contract_plot_ratio_min=0.6, contract_plot_ratio_max=1.5)
    if profile in BUILT_FORM or kind in BUILT_FORM:
        coverage, floors, storey = BUILT_FORM.get(profile) or BUILT_FORM[kind]
        build.update(coverage=coverage, floors=floors, storey_m=storey)
    if kind == "green":
        build.update(coverage=0.0, look="green")
        rec.update(green_area_m2=round(area_m2 * 0.85, 1), admin_land_area_m2=0.0)

    if profile in NOT_STARTED:
        grant, agreed, cause = NOT_STARTED[profile]
        rec.update(
            grant_date=grant,
            agreed_start_date=agreed,
            start_status="not_started",
            actual_start_date=None,
            delay_cause=cause,
            invested_wan_yuan=0.0,
            green_area_m2=0.0,
            admin_land_area_m2=0.0,
        )
        build.update(coverage=0.0, look="bare", producing=False)
    elif profile in STALLED:
        agreed, actual, halted, developed, planned_fp, invested = STALLED[profile]
        rec.update(
            grant_date=agreed - dt.timedelta(days=150),
            agreed_start_date=agreed,
            actual_start_date=actual,
            halted_since=halted,
            planned_footprint_area_m2=round(planned_fp * area_m2, 1),
            invested_wan_yuan=round(invested * rec["planned_investment_wan_yuan"], 1),
        )
        build.update(
            coverage=developed, floors=(1,), storey_m=6.0, look="construction", producing=False
        )
    elif profile == "building":
        rec.update(
            grant_date=dt.date(2024, 9, 12),
            agreed_start_date=dt.date(2025, 2, 15),
            actual_start_date=dt.date(2025, 3, 10),
            planned_footprint_area_m2=round(0.45 * area_m2, 1),
            invested_wan_yuan=round(0.45 * rec["planned_investment_wan_yuan"], 1),
        )
        build.update(coverage=0.25, floors=(1,), storey_m=6.0, look="construction", producing=False)
    elif profile == "raster_conflict":
        rec.update(
            grant_date=dt.date(2023, 8, 1),
            agreed_start_date=dt.date(2024, 2, 1),
            actual_start_date=dt.date(2024, 5, 6),
            invested_wan_yuan=round(0.30 * rec["planned_investment_wan_yuan"], 1),
        )
        build.update(coverage=0.0, look="bare", producing=False)
    if profile == "raster_decides_started":
        build["look"] = "built"
    if profile.startswith("raster_decides"):
        rec.update(start_status=None, actual_start_date=None)
    if profile in {"over_contract_max", "contract_ok"}:
        rec.update(contract_plot_ratio_min=1.0, contract_plot_ratio_max=2.0)
    if profile == "green_ratio_over_limit":
        rec["green_area_m2"] = round(area_m2 * 0.28, 1)
    if profile == "admin_share_over_limit":
        rec["admin_land_area_m2"] = round(area_m2 * 0.11, 1)
    if build["producing"]:
        rec.update(
            output_wan_yuan=_per_mu(mu, (150, 600), rng),
            tax_wan_yuan=_per_mu(mu, (8, 35), rng),
            stat_year=2025,
        )

    for key, value in overrides.items():
        if key in build:
            build[key] = value
        elif key != "width":
            rec[key] = value
    rec["agreed_completion_date"] = rec["agreed_start_date"] + dt.timedelta(days=730)
    return rec, build


def layout(catalogue: pd.DataFrame, rng: np.random.Generator) -> tuple[pd.DataFrame, dict]:
    """One row per parcel: id, park, profile, attributes, drawing plan and rectangle."""
    names = NameBook(rng)
    rows, origins = [], {}
    for plan in PLANS:
        ox, oy = origins[plan.park_id] = park_origin(plan, catalogue)
        for row in range(plan.rows):
            for col in range(plan.cols):
                bx0, by0, _, by1 = block_box(col, row)
                specs = plan.layout.get((col, row), ["operating", "operating"])
                for profile, overrides, left, right in split_block(specs):
                    rect = (
                        round(ox + bx0 + left * BLOCK_W, 2),
                        oy + by0,
                        round(ox + bx0 + right * BLOCK_W, 2),
                        oy + by1,
                    )
                    area = (rect[2] - rect[0]) * (rect[3] - rect[1])
                    rec, build = parcel_record(profile, overrides, area, plan, rng, names)
                    rows.append(
                        {
                            "parcel_id": f"P{len(rows) + 1:03d}",
                            "park_id": plan.park_id,
                            "profile": profile,
                            "rect": rect,
                            "build": build,
                            **rec,
                        }
                    )
    return pd.DataFrame(rows), origins


def draw_buildings(plan_rows: pd.DataFrame, rng: np.random.Generator) -> gpd.GeoDataFrame:
    """Buildings of every parcel with a coverage, plus one across two parcels."""
    out = []
    for row in plan_rows.itertuples():
        build = row.build
        if build["coverage"] <= 0:
            continue
        parts = len(build["floors"]) if build["floors"] else int(rng.integers(2, 4))
        area = (row.rect[2] - row.rect[0]) * (row.rect[3] - row.rect[1])
        slabs = stacked_buildings(row.rect, build["coverage"] * area, parts, build["reserve_top"])
        floors = list(build["floors"] or rng.choice([3, 4], size=parts))
        tall = build["floors"] is None and rng.random() < 0.2
        if tall:  # a two-storey hall with high storeys first, offices of four floors after
            floors = [2] + [4] * (parts - 1)
        for i, (slab, nfloors) in enumerate(zip(slabs, floors, strict=True)):
            storey = float(rng.choice([9.0, 10.0])) if tall and i == 0 else build["storey_m"]
            out.append(
                {
                    "parcel_id": row.parcel_id,
                    "floors": int(nfloors),
                    "height_m": round(int(nfloors) * storey, 1),
                    "geometry": slab,
                }
            )
    pair = plan_rows[plan_rows["case"] == "building_across_parcels"]
    west = pair["rect"].iloc[0]  # the pair shares its east edge
    edge, top = west[2], west[3] - SETBACK
    out.append(
        {
            "parcel_id": None,
            "floors": 2,
            "height_m": 9.0,
            "geometry": box(edge - 30, top - 40, edge + 30, top),
        }
    )
    gdf = gpd.GeoDataFrame(out, crs=CRS)
    gdf.insert(0, "building_id", [f"B{i:04d}" for i in range(1, len(gdf) + 1)])
    gdf["storey_height_m"] = (gdf["height_m"] / gdf["floors"]).round(2)
    gdf["case"] = np.where(
        gdf["parcel_id"].isna(),
        "building_across_parcels",
        np.where(gdf["storey_height_m"] > 8, "storey_over_8m", None),
    )
    gdf["synthetic"] = True
    return gdf[["building_id", "parcel_id", "floors", "height_m", "case", "synthetic", "geometry"]]


def finish_parcels(plan_rows: pd.DataFrame, buildings: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The parcel layer: building figures from the drawn buildings, geometry from the plan."""
    geoms = [
        bowtie(*r.rect) if r.profile == "invalid_bowtie" else box(*r.rect)
        for r in plan_rows.itertuples()
    ]
    parcels = gpd.GeoDataFrame(plan_rows, geometry=geoms, crs=CRS)
    pieces = gpd.overlay(
        buildings[["floors", "geometry"]],
        parcels.loc[parcels.is_valid, ["parcel_id", "geometry"]],
        how="intersection",
        keep_geom_type=True,
    )
    pieces["fp"] = pieces.area
    pieces["fa"] = pieces["fp"] * pieces["floors"]
    sums = pieces.groupby("parcel_id")[["fp", "fa"]].sum()
    footprint = parcels["parcel_id"].map(sums["fp"]).fillna(0.0).round(1)
    floor_area = parcels["parcel_id"].map(sums["fa"]).fillna(0.0).round(1)
    parcels["footprint_area_m2"] = footprint
    parcels["floor_area_m2"] = floor_area
    parcels["developed_area_m2"] = footprint
    drawn_area = plan_rows["rect"].map(lambda r: (r[2] - r[0]) * (r[3] - r[1]))
    due = np.where(footprint > 0, footprint, (0.45 * drawn_area).round(1))
    parcels["planned_footprint_area_m2"] = parcels["planned_footprint_area_m2"].fillna(
        pd.Series(due, index=parcels.index)
    )
    with_offices = floor_area > 0
    parcels["admin_floor_area_m2"] = np.where(
        with_offices, (parcels["admin_land_area_m2"] * 2.5).round(1), 0.0
    )
    unknown = parcels["profile"] == "raster_decides_not_started"
    built_figures = ["floor_area_m2", "footprint_area_m2", "developed_area_m2", "green_area_m2",
                     "admin_land_area_m2", "admin_floor_area_m2"]  # fmt: skip
    parcels.loc[unknown, built_figures] = np.nan
    for column in (
        "grant_date",
        "agreed_start_date",
        "agreed_completion_date",
        "actual_start_date",
        "halted_since",
    ):
        parcels[column] = pd.to_datetime(parcels[column]).astype("datetime64[ms]")
    parcels["industry_code_edition"] = parcels["industry_code_edition"].astype("Int64")
    parcels["stat_year"] = parcels["stat_year"].astype("Int64")
    parcels["synthetic"] = True
    return parcels[[*PARCEL_COLUMNS, "geometry"]]


# fmt: off
PARCEL_COLUMNS = [
    "parcel_id", "park_id", "name", "land_use", "land_use_scheme", "industry_code",
    "industry_code_edition",
    "grant_date", "agreed_start_date", "agreed_completion_date", "start_status",
    "actual_start_date", "halted_since", "floor_area_m2", "footprint_area_m2",
    "developed_area_m2", "planned_footprint_area_m2", "green_area_m2", "admin_land_area_m2",
    "admin_floor_area_m2", "land_price_wan_yuan", "planned_investment_wan_yuan",
    "invested_wan_yuan", "output_wan_yuan", "tax_wan_yuan", "stat_year", "delay_cause",
    "contract_plot_ratio_min", "contract_plot_ratio_max", "case", "synthetic",
]
# fmt: on


# ------------------------------------------------------------------ parks, lines


def make_parks(catalogue: pd.DataFrame, origins: dict, counties: gpd.GeoDataFrame):
    """Park boundaries (drawn) with their catalogue attributes (real)."""
    rows = []
    for plan in PLANS:
        entry = catalogue.loc[plan.park_id]
        rows.append(
            {
                "park_id": plan.park_id,
                "name": entry["开发区名称"],
                "level": LEVELS[entry["批准级别"]],
                "county": plan.county,
                "approved_area_ha": float(entry["核准面积_公顷"]),
                "leading_industry": entry["主导产业"],
                "approval_date": entry["批准时间"],
                "zone_type": entry["开发区类型"],
                "source": SOURCE_PARKS,
                "synthetic": True,
                "geometry": park_outline(plan, origins[plan.park_id]),
            }
        )
    parks = gpd.GeoDataFrame(rows, crs=CRS)
    inside = gpd.sjoin(parks, counties[["name", "geometry"]], predicate="within")
    if list(inside["name_right"]) != list(parks["county"]):
        raise RuntimeError("a park is not drawn wholly inside the district the catalogue names")
    return parks


def _shift(coords, origin) -> list[tuple[float, float]]:
    return [(x + origin[0], y + origin[1]) for x, y in coords]


def make_lines(origins: dict, parks: gpd.GeoDataFrame) -> dict[str, gpd.GeoDataFrame]:
    """Red line, basic farmland and urban boundary, drawn around the cases."""
    wuhua, jinning, chenggong = origins["S539016"], origins["S539019"], origins["S539018"]
    ring = _shift(
        [(772, 692), (1230, 692), (1600, 560), (1750, 1300), (1100, 1450), (772, 1250)], wuhua
    )
    hole = _shift([(792, 712), (1148, 712), (1148, 1028), (792, 1028)], wuhua)
    ridge = _shift(
        [(1040, 430), (1300, 300), (1900, 380), (1850, 900), (1400, 950), (1190, 700), (1040, 660)],
        wuhua,
    )
    redline = gpd.GeoDataFrame(
        {
            "HXBM": ["530102-STHX-0007", "530102-STHX-0011"],
            "HXMC": [
                "五华区西北山地水源涵养生态保护红线（示意）",
                "五华区北部生物多样性维护生态保护红线（示意）",
            ],
            "HXLX": ["水源涵养", "生物多样性维护"],
            "XZQDM": ["530102", "530102"],
            "synthetic": [True, True],
        },
        geometry=[Polygon(ridge), Polygon(ring, [hole])],
        crs=CRS,
    )
    farmland = gpd.GeoDataFrame(
        {
            "JBNTTBBH": ["5301150012", "5301150013"],
            "DLBM": ["0101", "0103"],
            "DLMC": ["水田", "旱地"],
            "ZLDWMC": ["晋城街道", "晋城街道"],
            "XZQDM": ["530115", "530115"],
            "synthetic": [True, True],
        },
        geometry=[
            Polygon(
                _shift([(700, -600), (960, -620), (955, 110), (830, 115), (700, -40)], jinning)
            ),
            Polygon(_shift([(-900, -900), (-300, -950), (-250, -400), (-850, -350)], jinning)),
        ],
        crs=CRS,
    )
    shapes = []
    for park in parks.itertuples():
        outline = park.geometry.buffer(600, join_style="mitre")
        if park.park_id == "S539018":
            notch = _shift([(-700, 450), (120, 620)], chenggong)
            outline = outline.difference(box(*notch[0], *notch[1]))
        shapes.append(outline)
    codes = {"官渡区": "530111", "呈贡区": "530114", "晋宁区": "530115", "五华区": "530102"}
    urban = gpd.GeoDataFrame(
        {
            "BSM": [f"{codes[c]}2100{i:04d}" for i, c in enumerate(parks["county"], start=1)],
            "YSDM": "2090020100",
            "XZQDM": [codes[c] for c in parks["county"]],
            "XZQMC": list(parks["county"]),
            "synthetic": True,
        },
        geometry=shapes,
        crs=CRS,
    )
    return {"ecological_redline": redline, "basic_farmland": farmland, "urban_boundary": urban}


def _road(name: str, road_class: str, coords) -> dict:
    width = {"主干路": 24.0, "次干路": 20.0, "支路": 16.0}[road_class]
    return {"name": name, "road_class": road_class, "width_m": width,
            "geometry": LineString(coords)}  # fmt: skip


def boundary_roads(plan: ParkPlan, outline: Polygon) -> list[dict]:
    """A road just outside each side of the park that has no river along it."""
    x0, y0, x1, y1 = outline.bounds
    off, run = 25.0, 300.0  # distance from the boundary, reach past the corners
    sides = {
        "east": [(x1 + off, y0 - run), (x1 + off, y1 + run)],
        "south": [(x0 - run, y0 - off), (x1 + run, y0 - off)],
        "west": [(x0 - off, y0 - run), (x0 - off, y1 + run)],
        "north": [(x0 - run, y1 + off), (x1 + run, y1 + off)],
    }
    names = {"east": "东环路", "south": "南环路", "west": "西环路", "north": "北环路"}
    return [
        _road(f"{plan.short}{names[side]}", "次干路", coords)
        for side, coords in sides.items()
        if side != plan.river_side
    ]


def make_roads_and_rivers(origins: dict) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Named roads along the block gaps and around each park, and a named river beside it."""
    roads, rivers = [], []
    for plan in PLANS:
        ox, oy = origins[plan.park_id]
        width, height = park_size(plan)
        for c in range(plan.cols + 1):
            x = ox + GAP / 2 + c * (BLOCK_W + GAP)
            reach = 500.0 if c == plan.cols // 2 else 0.0
            roads.append(
                _road(
                    f"{plan.short}纵{CN_NUMERALS[c]}路",
                    "主干路" if reach else "支路",
                    [(x, oy - reach), (x, oy + height + reach)],
                )
            )
        for r in range(plan.rows + 1):
            y = oy + GAP / 2 + r * (BLOCK_H + GAP)
            reach = 500.0 if r == plan.rows // 2 else 0.0
            roads.append(
                _road(
                    f"{plan.short}横{CN_NUMERALS[r]}路",
                    "主干路" if reach else "支路",
                    [(ox - reach, y), (ox + width + reach, y)],
                )
            )
        roads.extend(boundary_roads(plan, park_outline(plan, (ox, oy))))
        along = np.arange(-1000.0, max(width, height) + 1001.0, 100.0)
        wiggle = 25.0 * np.sin(along / 170.0)
        if plan.river_side in {"south", "north"}:
            y0 = oy - 120.0 if plan.river_side == "south" else oy + height + 120.0
            line = LineString(zip(ox + along, y0 + wiggle, strict=True))
        else:
            x0 = ox - 120.0 if plan.river_side == "west" else ox + width + 120.0
            line = LineString(zip(x0 + wiggle, oy + along, strict=True))
        rivers.append({"name": plan.river, "geometry": line})
    roads_gdf = gpd.GeoDataFrame(roads, crs=CRS).assign(synthetic=True)
    rivers_gdf = gpd.GeoDataFrame(rivers, crs=CRS).assign(synthetic=True)
    return roads_gdf, rivers_gdf


# ------------------------------------------------------------------------ tables

# fmt: off
# 2025 values of the intensive-use indicators per park (fractions, ratios, 万元/公顷),
# then 总产值, 税收 and 固定资产投资 (万元) and the number of enterprises.
HISTORY_2025 = {
    "G531042": (0.91, 0.93, 0.92, 0.52, 1.05, 0.36, 0.98, 0.47, 7800, 520, 430, 0.006,
                3_850_000, 231_000, 1_150_000, 612),
    "G533124": (0.88, 0.90, 0.86, 0.58, 0.92, 0.34, 0.90, 0.49, 6900, 610, 480, 0.0,
                1_200_000, 84_000, 360_000, 145),
    "S539018": (0.84, 0.88, 0.87, 0.41, 0.95, 0.31, 0.88, 0.43, 6100, 380, 350, 0.012,
                960_000, 57_600, 420_000, 208),
    "S539019": (0.63, 0.71, 0.66, 0.44, 0.56, 0.22, 0.57, 0.31, 2300, 95, 80, 0.074,
                410_000, 16_400, 95_000, 87),
    "S539016": (0.80, 0.86, 0.83, 0.47, 0.86, 0.30, 0.82, 0.41, 5200, 330, 300, 0.018,
                780_000, 42_900, 210_000, 176),
}
HISTORY_COLUMNS = (
    "land_development_rate", "land_supply_rate", "land_built_rate", "industrial_land_rate",
    "composite_plot_ratio", "building_density", "industrial_plot_ratio",
    "industrial_building_coefficient", "industrial_investment_intensity_wan_yuan_per_ha",
    "industrial_tax_per_ha_wan_yuan", "composite_tax_per_ha_wan_yuan", "idle_land_rate",
    "output_wan_yuan", "tax_wan_yuan", "fixed_asset_investment_wan_yuan", "enterprise_count",
)

# fmt: on


def make_history() -> pd.DataFrame:
    """Three years per park; each year the earlier values are a few per cent lower."""
    rows = []
    for park_id, values in HISTORY_2025.items():
        for year in (2023, 2024, 2025):
            back = 2025 - year
            row = {"park_id": park_id, "year": year}
            for column, value in zip(HISTORY_COLUMNS, values, strict=True):
                if column == "idle_land_rate":
                    value = value * (1 + 0.25 * back)
                elif column == "enterprise_count":
                    value = round(value * (1 - 0.05 * back))
                elif column.endswith("_rate") or column in {
                    "building_density",
                    "industrial_building_coefficient",
                }:
                    value = min(value * (1 - 0.02 * back), 1.0)
                else:
                    value = value * (1 - 0.06 * back)
                row[column] = round(value, 4) if abs(value) < 10 else round(value)
            rows.append(row)
    history = pd.DataFrame(rows)
    history["enterprise_count"] = history["enterprise_count"].astype("int64")
    return history.assign(synthetic=True)


def make_enterprises(parcels: gpd.GeoDataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """One enterprise per producing parcel, and a few tenants of rented plants per park."""
    leading = {plan.park_id: set(plan.industries) for plan in PLANS}
    producing = parcels[parcels["output_wan_yuan"].notna()]
    rows = [
        {
            "park_id": p.park_id,
            "parcel_id": p.parcel_id,
            "name": p.name,
            "industry_code": p.industry_code if p.industry_code else "59",
            "output_wan_yuan": p.output_wan_yuan,
            "tax_wan_yuan": p.tax_wan_yuan,
        }
        for p in producing.itertuples()
    ]
    names = NameBook(rng)
    names.used.update(parcels["name"])
    for plan in PLANS:
        weak = plan.park_id == WEAK_PARK
        choices = ("29", "30", "33") if weak else (*plan.industries, "29", "30", "33")
        for _ in range(3):
            code = str(rng.choice(choices))
            output = float(rng.uniform(3000, 8000) if weak else rng.uniform(500, 3000))
            rows.append(
                {
                    "park_id": plan.park_id,
                    "parcel_id": None,
                    "name": names.company(INDUSTRY_WORDS[code]),
                    "industry_code": code,
                    "output_wan_yuan": round(output, 1),
                    "tax_wan_yuan": round(output * float(rng.uniform(0.03, 0.07)), 1),
                }
            )
    table = pd.DataFrame(rows).sort_values(
        ["park_id", "parcel_id"], na_position="last", kind="stable", ignore_index=True
    )
    table.insert(0, "enterprise_id", [f"E{i:03d}" for i in range(1, len(table) + 1)])
    table["is_emerging"] = table["industry_code"].isin(EMERGING)
    table["in_leading_industry"] = [
        code in leading[park]
        for park, code in zip(table["park_id"], table["industry_code"], strict=True)
    ]
    table["industry_code_edition"] = 2017
    table["stat_year"] = 2025
    return table.assign(synthetic=True)


# ----------------------------------------------------------------------- rasters

LOOK_VALUE = {"bare": 0.03, "construction": 0.30, "built": 0.62, "green": 0.32}
BACKGROUND, ROAD, ROOF = 0.06, 0.90, 0.97


def look_in(parcel: pd.Series, build: dict, when: dt.date) -> str:
    """How a parcel looks from above on ``when``."""
    started = parcel["actual_start_date"]
    if build["look"] in {"bare", "built", "green"}:
        return build["look"]
    if pd.isna(started) or started.date() > when:
        return "bare"
    if build["look"] == "construction" or started.date() + dt.timedelta(days=540) > when:
        return "construction"
    return "built"


def write_rasters(out: Path, parcels, builds, buildings, roads, parks, rng) -> list[Path]:
    """``builtup_<year>.tif``: built-up fraction 0–1 on a 10 m grid over the parks."""
    windows = [park.buffer(200, join_style="mitre").bounds for park in parks.geometry]
    left = min(w[0] for w in windows)
    top = max(w[3] for w in windows)
    width = round((max(w[2] for w in windows) - left) / PIXEL)
    height = round((top - min(w[1] for w in windows)) / PIXEL)
    transform = from_origin(left, top, PIXEL, PIXEL)
    road_shapes = [(g.buffer(12, cap_style="flat"), ROAD) for g in roads.geometry]
    paths = []
    for year, when in IMAGE_DATES.items():
        looks = [look_in(p, b, when) for (_, p), b in zip(parcels.iterrows(), builds, strict=True)]
        parcel_shapes = [
            (g, LOOK_VALUE[look]) for g, look in zip(parcels.geometry, looks, strict=True)
        ]
        visible = {
            pid
            for pid, look in zip(parcels["parcel_id"], looks, strict=True)
            if look in {"construction", "built"}
        }
        roofs = buildings[buildings["parcel_id"].isin(visible) | buildings["parcel_id"].isna()]
        shapes = road_shapes + parcel_shapes + [(g, ROOF) for g in roofs.geometry]
        path = out / f"builtup_{year}.tif"
        profile = {
            "driver": "GTiff",
            "width": width,
            "height": height,
            "count": 1,
            "dtype": "float32",
            "crs": CRS,
            "transform": transform,
            "nodata": -1.0,
            "tiled": True,
            "blockxsize": 256,
            "blockysize": 256,
            "compress": "deflate",
            "predictor": 3,
            "sparse_ok": True,
        }
        with rasterio.open(path, "w", **profile) as dst:
            for bounds in windows:
                col = round((bounds[0] - left) / PIXEL)
                row = round((top - bounds[3]) / PIXEL)
                cols = round((bounds[2] - bounds[0]) / PIXEL)
                rows = round((bounds[3] - bounds[1]) / PIXEL)
                win_transform = from_origin(bounds[0], bounds[3], PIXEL, PIXEL)
                values = features.rasterize(
                    shapes,
                    out_shape=(rows, cols),
                    transform=win_transform,
                    fill=BACKGROUND,
                    dtype="float32",
                )
                values += rng.normal(0.0, 0.03, values.shape).astype("float32")
                values = np.round(np.clip(values, 0.0, 1.0), 2).astype("float32")
                dst.write(values, 1, window=Window(col, row, cols, rows))
            dst.update_tags(
                IMAGE_DATE=when.isoformat(),
                CONTENT="built-up fraction 0-1 (synthetic)",
            )
        paths.append(path)
    return paths


# -------------------------------------------------------------------------- main


def build(out: Path) -> Path:
    """Write ``kunming.gpkg`` and the two rasters into ``out``; return the GeoPackage path."""
    rng = np.random.default_rng(SEED)
    counties = read_counties()
    catalogue = read_catalogue()
    plan_rows, origins = layout(catalogue, rng)
    buildings = draw_buildings(plan_rows, rng)
    parcels = finish_parcels(plan_rows, buildings)
    parks = make_parks(catalogue, origins, counties)
    roads, rivers = make_roads_and_rivers(origins)
    out.mkdir(parents=True, exist_ok=True)
    # GeoPackages stamp each table with the time of writing; a fixed stamp keeps the bytes stable
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": "2026-11-01T00:00:00.000Z"})
    target = out / "kunming.gpkg"
    if target.exists():
        target.unlink()
    write_layers(
        {
            "parks": parks,
            "parcels": parcels,
            "buildings": buildings,
            **make_lines(origins, parks),
            "roads": roads,
            "rivers": rivers,
            "counties": counties,
            "park_history": make_history(),
            "enterprises": make_enterprises(parcels, rng),
        },
        target,
    )
    write_rasters(out, parcels, list(plan_rows["build"]), buildings, roads, parks, rng)
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE, help="folder to write into")
    args = parser.parse_args(argv)
    print(build(args.out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
