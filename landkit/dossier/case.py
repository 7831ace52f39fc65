"""Case dossiers for flagged parcels: from a 初步判定 to a case the land bureau can open.

Under the 闲置土地处置办法 (国土资源部令第53号) a suspected idle parcel starts an
investigation: the bureau checks the facts and serves the land user a
《闲置土地调查通知书》 (arts. 5–6), hears the user, and only then issues a
《闲置土地认定书》 (arts. 9–10) and, after the government's approval, a decision
(art. 14). :func:`case_dossier` writes what an officer would otherwise assemble
by hand, as one Word document per parcel:

1. a cover: parcel id and name, land user, park, the finding (初步判定) and
   the date of the check;
2. the location map (:func:`landkit.maps.static_map`, the parcel outlined in
   its park with the three lines) and the 宗地图 (:func:`landkit.parcel_map`);
3. image evidence: per imagery date a chip of the parcel, the same extent and
   scale on every date, with the built-up fraction
   (:func:`landkit.raster.builtup_fraction`) under it;
4. the facts (each with its source column) and the timeline of deadlines,
   saying plainly where a record is missing or a day is assumed;
5. the rule and its legal basis as the standards tables give them, the
   evidence grade (records, raster, conflict) and what remains to be verified;
6. a draft 《闲置土地调查通知书》 with the six contents of art. 6, marked 草稿,
   with blanks for the document number, seal, contact and signature;
7. the provenance (inputs, rule tables, landkit version), also in the
   document's core properties.

Nothing is invented: a missing record leaves a visible blank (＿＿＿＿＿＿).
The same inputs and as-of date give the same document text; the document's
created and modified dates are the as-of date. Only ``idle``, ``recoverable``
and ``suspected_idle`` findings get a dossier (:data:`DOSSIER_STATUSES`).
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

import geopandas as gpd
import pandas as pd

from .. import standards
from ..boundary import boundary_points, four_boundaries_sentence
from ..crs import SQM_PER_MU
from ..errors import InputError, SchemaError
from ..idle import as_date
from ..io import atomic_path
from ..labels import value_label
from ..maps.parcel import neighbour_layers, parcel_map
from ..provenance import provenance
from ..schema import label, prepare_layer
from .document import DocxWriter
from .evidence import imagery_chips, location_map, png

__all__ = ["DOSSIER_STATUSES", "case_dossier"]

DOSSIER_STATUSES = ("idle", "recoverable", "suspected_idle")
"""The ``idle_status`` values a dossier is written for."""

BLANK = "＿＿＿＿＿＿"
_TABLES = ("idle", "idle_actions", "idle_delay_causes", "idle_procedure")
_STATUS_ZH = {"verified": "已核实", "unconfirmed": "待核实", "example": "示例值（无法定来源）"}
_EVIDENCE_ZH = {
    "records": "土地管理记录",
    "raster": "遥感建成区栅格（无动工记录）",
    "conflict": "记录与遥感影像不一致",
}
_RULE_KEYS = {  # the rule row of idle.csv behind each finding
    "not_started_1y": "not_started_idle_years",
    "not_started_2y": "not_started_recovery_years",
    "halted_1y": "halted_idle_years",
}
_BASIS_KEYS = {  # the idle.csv row whose clause defines the suspicion (art. 2)
    "idle": "not_started_idle_years",
    "recoverable": "not_started_idle_years",
    "suspected_idle": "halted_idle_years",
}
_SHARE_OF = {  # Rule B's two shortfalls, shown as shares
    "invested_wan_yuan": "planned_investment_wan_yuan",
    "developed_area_m2": "planned_footprint_area_m2",
}
_FACTS = (  # (column, kind) in the order of the facts table
    ("grant_date", "date"),
    ("delivery_date", "date"),
    ("agreed_start_date", "date"),
    ("start_status", "start"),
    ("actual_start_date", "date"),
    ("halted_since", "date"),
    ("planned_investment_wan_yuan", "money"),
    ("invested_wan_yuan", "money"),
    ("land_price_wan_yuan", "money"),
    ("floor_area_m2", "area"),
    ("footprint_area_m2", "area"),
    ("developed_area_m2", "area"),
    ("planned_footprint_area_m2", "area"),
    ("delay_cause", "text"),
)


# ------------------------------------------------------------------ values


def _value(row: pd.Series, column: str):
    value = row.get(column)
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return None if isinstance(value, str) and not value.strip() else value


def _text(row: pd.Series, column: str) -> str:
    value = _value(row, column)
    return BLANK if value is None else str(value)


def cn_date(value) -> str:
    """A date as 2026年6月16日; a blank for none."""
    if value is None or pd.isna(value):
        return BLANK
    day = pd.Timestamp(value)
    return f"{day.year}年{day.month}月{day.day}日"


def _month_only(row: pd.Series, column: str) -> bool:
    return str(row.get(f"{column}_precision", "")) == "month"


def _fact_text(row: pd.Series, column: str, kind: str) -> str:
    value = _value(row, column)
    if value is None:
        return f"无记录（{BLANK}）"
    if kind == "date":
        day = pd.Timestamp(value)
        return f"{day.year}年{day.month}月（日不详）" if _month_only(row, column) else cn_date(day)
    if kind in ("money", "area"):
        text = f"{float(value):,.2f} {'万元' if kind == 'money' else 'm²'}"
        whole = _value(row, _SHARE_OF.get(column, ""))
        if whole is not None and float(whole) > 0:
            text += f"（占{_name(_SHARE_OF[column])}的{float(value) / float(whole):.1%}）"
        return text
    if kind == "start":
        return {"started": "已动工", "not_started": "未动工"}.get(str(value), str(value))
    if column == "delay_cause":
        table = standards.load_table("idle_delay_causes").set_index("code")
        return table.at[value, "label_zh"] if value in table.index else str(value)
    return str(value)


def _name(column: str) -> str:
    """The Chinese label of a column without its unit."""
    return re.sub(r"（[^）]*）$", "", label(column))


def _start_used(case: _Case) -> str:
    """The start status the finding rests on, and where it came from."""
    row = case.row
    started = case.status == "suspected_idle"  # rule B is about started land
    grade = _evidence_grade(row)
    text = f"{'已动工' if started else '未动工'}（依据：{_EVIDENCE_ZH.get(grade, grade)}）"
    blank = all(_value(row, c) is None for c in ("start_status", "actual_start_date"))
    if not started and grade in ("records", "conflict") and blank:
        text += "；记录中动工状态和实际动工日期均为空，按未动工计，须核实"
    return text


def _evidence_grade(row: pd.Series) -> str:
    if bool(row.get("evidence_conflict", False)):
        return "conflict"
    return str(row.get("start_evidence") or "records")


# ---------------------------------------------------------------- the case


class _Case:
    """One finding with everything the document says about it."""

    def __init__(self, finding, parcels, parks, as_of):
        row, attrs = _one_row(finding)
        self.row = row
        self.parcel_id = str(row.get("parcel_id", row.name))
        status = row.get("idle_status")
        if status not in DOSSIER_STATUSES:
            msg = (
                f"finding: parcel {self.parcel_id} has idle_status {status!r}; a dossier is "
                f"written for {', '.join(DOSSIER_STATUSES)} only. Fix: pass a flagged row, e.g. "
                f"result[result['idle_status'].isin(landkit.dossier.DOSSIER_STATUSES)]."
            )
            raise InputError(msg)
        self.status = status
        record = attrs.get("landkit_provenance") or {}
        if as_of is None and not record.get("as_of"):
            msg = "case_dossier: as_of is required (the finding carries none). Fix: as_of='2026-11-01'."
            raise InputError(msg)
        self.as_of = as_date(as_of if as_of is not None else record["as_of"], name="as_of")
        self.detection = record
        self.parcels = prepare_layer(parcels, "parcels", layer="parcels")
        self.feature = self._feature(finding)
        # the area of the 界址点 coordinates, as the 宗地图 and the 界址点成果表 state it
        self.area_m2 = float(boundary_points(self.feature).attrs["area_m2"])
        self.park_name = None
        if parks is not None and _value(row, "park_id") is not None:
            match = parks[parks["park_id"].astype(str) == str(row["park_id"])]
            if len(match) and "name" in match.columns:
                self.park_name = str(match["name"].iloc[0])

    def _feature(self, finding) -> gpd.GeoDataFrame:
        if isinstance(finding, gpd.GeoDataFrame) and finding.geometry.notna().all():
            return finding
        if "parcel_id" not in self.parcels.columns:
            raise SchemaError("parcels: no parcel_id column. Fix: pass the parcels layer.")
        match = self.parcels[self.parcels["parcel_id"] == self.parcel_id]
        if len(match) != 1 or not isinstance(match, gpd.GeoDataFrame):
            msg = (
                f"parcels: parcel {self.parcel_id} is found {len(match)} times with a geometry "
                f"(expected once). Fix: pass the parcels layer the finding came from."
            )
            raise InputError(msg)
        return match.assign(**{k: v for k, v in self.row.items() if k not in match.columns})

    @property
    def name(self) -> str:
        return _text(self.row, "name")

    @property
    def park(self) -> str:
        park_id = _value(self.row, "park_id")
        if park_id is None:
            return BLANK
        return f"{self.park_name}（{park_id}）" if self.park_name else str(park_id)

    @property
    def finding_text(self) -> str:
        return f"{value_label('idle_status', self.status)}：{_text(self.row, 'idle_reason')}"

    @property
    def rule_row(self) -> pd.Series | None:
        key = _RULE_KEYS.get(str(self.row.get("idle_rule")))
        return standards.rule_row("idle", key) if key else None

    def timeline(self) -> list[tuple[str, str]]:
        """(item, date or text) rows of the deadlines, from the finding's own dates."""
        row = self.row
        halted = self.status == "suspected_idle"
        start_col = "halted_since" if halted else "agreed_start_date"
        start = _value(row, start_col)
        years = int(standards.rule("idle", "halted_idle_years" if halted else "not_started_idle_years"))
        rows = [(f"起算日（{label(start_col)}）", _fact_text(row, start_col, "date"))]
        if _month_only(row, start_col):
            rows.append(("日期精度", f"{label(start_col)}仅记录到月，期限按检测结果计算，日为推定，须以合同原件核对"))
        if start is not None:
            day = pd.Timestamp(start)
            rows.append((f"满{_cn_number(years)}年之日", cn_date(day + pd.DateOffset(years=years))))
            if not halted:
                two = int(standards.rule("idle", "not_started_recovery_years"))
                rows.append((f"满{_cn_number(two)}年之日", cn_date(day + pd.DateOffset(years=two))))
        rows.append(("闲置起算日（期满次日）", cn_date(_value(row, "idle_since"))))
        overdue = _value(row, "days_overdue")
        rows.append(("截至核查日已逾期", BLANK if overdue is None else f"{int(overdue)} 日"))
        deadline = _value(row, "next_deadline")
        rows.append(
            (
                "下一期限",
                cn_date(deadline) + "（届满两年，可无偿收回）"
                if deadline is not None
                else "无（已达本规则最重情形）",
            )
        )
        rows.append(("核查日（as-of）", cn_date(self.as_of)))
        return rows

    def to_verify(self) -> list[str]:
        """What the investigation still has to establish (art. 7 measures)."""
        row, items = self.row, []
        grade = _evidence_grade(row)
        items.append("现场核查宗地开发利用现状，拍照、录像取证（第七条）")
        items.append("核对国有建设用地使用权出让合同或划拨决定书约定、规定的动工开发日期")
        if grade == "raster":
            items.append("动工状态仅据遥感影像判断，无土地管理记录：须核实施工许可及基坑、桩基等动工开发情况")
        if grade == "conflict":
            items.append("土地管理记录与遥感影像不一致：须现场核实实际动工开发情况，并更正记录")
        if self.status == "suspected_idle":
            items.append("核实已开发面积、已投资额（不含土地价款和税费）与总投资额，以及中止开发建设的起止日期")
            items.append("第二条第二款情形“也可以认定为闲置土地”，是否认定须结合调查结果依法裁量")
        if self.status == "idle":
            fee = _value(row, "idle_fee_wan_yuan")
            share = float(standards.rule("idle", "idle_fee_share"))
            estimate = f"测算约 {float(fee):,.2f} 万元" if fee is not None else "土地价款无记录，无法测算"
            items.append(f"土地闲置费按土地价款的{share:.0%}测算（{estimate}），以认定书和决定书为准")
        if self.status == "recoverable":
            items.append("无偿收回须报经有批准权的人民政府批准（第十四条）")
        items.append("听取土地使用权人陈述，核实闲置是否因政府、政府有关部门的行为或不可抗力造成（第八条）")
        for column in ("land_user", "land_user_address", "contract_no", "delivery_date"):
            if _value(row, column) is None:
                items.append(f"{label(column)}无记录，须从档案补充")
        for column in ("agreed_start_date", "halted_since", "delivery_date"):
            if _month_only(row, column):
                items.append(f"{label(column)}仅记录到月，须以合同或档案核对具体日期")
        return items


def _cn_number(n: int) -> str:
    return "零一两三四五六七八九十"[n] if 0 <= n <= 10 else str(n)


def _one_row(finding) -> tuple[pd.Series, dict]:
    if isinstance(finding, pd.Series):
        return finding, dict(finding.attrs)
    if isinstance(finding, pd.DataFrame):
        if len(finding) != 1:
            msg = (
                f"finding: takes one row of a detect_idle result, got {len(finding)} rows. "
                f"Fix: select one, or use write_dossiers for many."
            )
            raise InputError(msg)
        if "idle_status" not in finding.columns:
            raise SchemaError("finding: no idle_status column. Fix: pass a detect_idle result row.")
        return finding.iloc[0], dict(finding.attrs)
    raise InputError(f"finding: expected a detect_idle result row, got {type(finding).__name__}")


# ---------------------------------------------------------------- document


def _cover(w: DocxWriter, case: _Case) -> None:
    w.para("草　稿", bold=True, size=22, centre=True, red=True)
    w.para("闲置土地调查案卷", bold=True, size=22, centre=True)
    w.para("（初步判定，供调查核实使用）", size=12, centre=True)
    rows = [
        ("宗地编号", case.parcel_id),
        ("宗地名称（项目）", case.name),
        ("土地使用权人", _text(case.row, "land_user")),
        ("所在园区", case.park),
        ("初步判定", case.finding_text),
        ("核查日期", cn_date(case.as_of)),
    ]
    w.table(rows, widths=(4, 12.5))
    w.para()
    w.para(
        "说明：本案卷所载为依据《闲置土地处置办法》（国土资源部令第53号）第二条所作的初步判定及调查准备材料，"
        "不构成闲置土地认定。是否构成闲置土地，须经调查核实、向土地使用权人送达《闲置土地调查通知书》"
        "并听取其陈述（第五条至第八条）后，依法下达《闲置土地认定书》（第九条、第十条）；征缴土地闲置费或者"
        "无偿收回，须报经本级人民政府批准（第十四条）。",
        indent=True,
    )


def _facts(w: DocxWriter, case: _Case) -> None:
    w.heading("三、基本事实与期限")
    rows = [
        (_name(column), _fact_text(case.row, column, kind), f"parcels.{column}")
        for column, kind in _FACTS
    ]
    rows.insert(0, ("宗地面积", f"{case.area_m2:,.2f} m²（{case.area_m2 / SQM_PER_MU:,.2f} 亩）",
                    "由界址点坐标计算（高斯-克吕格投影平面面积）"))  # fmt: skip
    rows.insert(1, (_name("contract_no"), _fact_text(case.row, "contract_no", "text"), "parcels.contract_no"))
    fraction = _value(case.row, "builtup_fraction")
    evidence_day = case.detection.get("builtup_evidence_date") or ""
    rows.append(
        (
            "建成区比例（遥感）",
            f"{float(fraction):.1%}" + (f"（{evidence_day}影像）" if evidence_day else "")
            if fraction is not None
            else f"无影像（{BLANK}）",
            "detect_idle 结果 builtup_fraction",
        )
    )
    rows.append(("检测采用的动工状态", _start_used(case), "detect_idle 结果 start_evidence"))
    w.table(rows, header=("事项", "记录", "来源字段"), widths=(4, 6.5, 6))
    missing = [_name(c) for c, _ in _FACTS if _value(case.row, c) is None]
    if missing:
        w.para(f"无记录的事项：{'、'.join(missing)}。表中空白处须从供地档案补充，本案卷不作推定。", size=9)
    w.heading("期限", level=2)
    w.table(case.timeline(), header=("期限", "日期"), widths=(6, 10.5))
    w.para(
        "期限按《中华人民共和国民法典》第二百零一条、第二百零二条计算：开始的当日不计入，"
        "按年计算的期间到期满之年的对应日届满，次日起构成闲置。",
        size=9,
    )


def _rule(w: DocxWriter, case: _Case) -> None:
    w.heading("四、认定规则、法律依据与证据")
    row = case.row
    w.para(f"判定：{case.finding_text}", bold=True)
    w.para(f"法律依据：{_text(row, 'legal_basis')}", indent=True)
    w.para(f"处置措施（经调查认定后）：{_text(row, 'recommended_action')}", indent=True)
    rule_rows = []
    rule = case.rule_row
    keys = [rule["key"]] if rule is not None else []
    keys += ["developed_share_min", "invested_share_min"] if case.status == "suspected_idle" else []
    keys += ["idle_fee_share"] if case.status == "idle" else []
    for key in keys:
        r = standards.rule_row("idle", key)
        rule_rows.append((label(key), r["value"], f"{r['document']}{r['clause']}",
                          _STATUS_ZH[r["status"]]))  # fmt: skip
    if rule_rows:
        w.para("规则参数（摘自 landkit/standards/idle.csv）：", size=9)
        w.table(rule_rows, header=("规则", "取值", "依据", "核实状态"), widths=(4.2, 3.3, 6.5, 2.5))
    grade = _evidence_grade(row)
    w.para(f"证据等级：{grade}（{_EVIDENCE_ZH.get(grade, grade)}）", bold=True)
    threshold = standards.rule_row("idle", "not_started_max_builtup")
    w.para(
        f"遥感判读：平均建成区比例低于{float(threshold['value']):.0%}视为未动工（{threshold['document']}，"
        f"{_STATUS_ZH[threshold['status']]}）。遥感只是动工开发的旁证，不能替代现场核查。",
        size=9,
    )
    w.heading("尚待核实的事项", level=2)
    for number, item in enumerate(case.to_verify(), start=1):
        w.para(f"{number}. {item}")


def _notice(w: DocxWriter, case: _Case, sides_sentence: str) -> None:
    row = case.row
    days = int(standards.rule("idle_procedure", "notice_reply_days"))
    rule = standards.rule_row("idle", _BASIS_KEYS[case.status])
    basis = f"《{rule['document'].split('（')[0]}》{rule['clause']}"
    w.para("草　稿（未经审核、未加盖印章，不得送达）", bold=True, size=14, centre=True, red=True)
    w.para("闲置土地调查通知书", bold=True, size=18, centre=True)
    w.para(f"{BLANK}〔{BLANK}〕{BLANK}号", centre=True)
    w.para(f"{_text(row, 'land_user')}：", bold=True)
    w.para(
        "根据《闲置土地处置办法》（国土资源部令第53号）第五条、第六条的规定，经初步核查，你（单位）使用的下列"
        "国有建设用地涉嫌构成闲置土地，我局决定进行调查核实。现将有关事项通知如下：",
        indent=True,
    )
    w.para("一、国有建设用地使用权人", bold=True)
    w.para(f"名称：{_text(row, 'land_user')}；地址：{_text(row, 'land_user_address')}。", indent=True)
    w.para("二、宗地基本情况", bold=True)
    w.para(
        f"宗地编号：{case.parcel_id}；项目名称：{case.name}；所在园区：{case.park}；"
        f"{_name('contract_no')}：{_text(row, 'contract_no')}；四至：{sides_sentence}；"
        f"面积：{case.area_m2:,.2f}平方米；约定动工开发日期：{_fact_text(row, 'agreed_start_date', 'date')}；"
        f"交地日期：{_fact_text(row, 'delivery_date', 'date')}。",
        indent=True,
    )
    w.para("三、涉嫌闲置土地的事实和依据", bold=True)
    evidence = {
        "records": "土地管理记录",
        "raster": f"遥感影像（{case.detection.get('builtup_evidence_date') or BLANK}）",
        "conflict": "土地管理记录；遥感影像与记录不一致，须现场核实后方可送达",
    }[_evidence_grade(row)]
    w.para(
        f"经初步核查，截至{cn_date(case.as_of)}，该宗地{_text(row, 'idle_reason')}（核查依据：{evidence}）。"
        f"依据{basis}的规定，该宗地涉嫌构成闲置土地。",
        indent=True,
    )
    w.para("四、调查的主要内容和提交材料的期限", bold=True)
    w.para(
        "调查内容：宗地动工开发情况、开发建设面积和已投资额、中止开发建设情况、闲置原因（是否因政府、"
        "政府有关部门的行为或者不可抗力造成）。",
        indent=True,
    )
    w.para(
        f"请你（单位）自收到本通知书之日起{days}日内，向我局提交下列材料：（一）土地权属证明材料（国有建设用地"
        "使用权证书或不动产权证书、出让合同或者划拨决定书等）；（二）项目开发建设情况以及土地是否闲置、闲置原因的"
        "说明和相关证据材料；（三）其他需要提交的材料。",
        indent=True,
    )
    w.para("五、权利和义务", bold=True)
    w.para(
        "你（单位）应当配合调查核实，如实说明情况，提供有关材料，不得拒绝、阻挠。你（单位）有权陈述和申辩；"
        "认为土地闲置系政府、政府有关部门的行为或者不可抗力造成的，可以提交相关证据。拟认定为闲置土地并征缴"
        "土地闲置费或者无偿收回的，你（单位）依法享有要求听证的权利。逾期不提交材料的，我局将依据调查核实的"
        "情况依法认定。",
        indent=True,
    )
    w.para("六、其他事项", bold=True)
    w.para(f"联系人：{BLANK}　　联系电话：{BLANK}　　联系地址：{BLANK}", indent=True)
    w.para("本通知书一式两份，一份送达国有建设用地使用权人，一份存档。", indent=True)
    w.para()
    w.para(f"（印章）{BLANK}（市、县自然资源主管部门）", centre=False).alignment = 2
    w.para(f"{BLANK}年{BLANK}月{BLANK}日").alignment = 2
    w.para()
    w.para(f"送达回证：受送达人签收　{BLANK}　　签收日期　{BLANK}　　送达人　{BLANK}", size=9)


def _provenance(w: DocxWriter, record: Mapping[str, str]) -> None:
    w.heading("附：数据来源与可重复性")
    w.para("同一输入与核查日期生成的案卷文字相同；以下为本案卷所用的输入、规则表和版本。", size=9)
    w.table([(k, v) for k, v in record.items()], header=("项目", "内容"), widths=(5, 11.5))


def _record(case: _Case, parcels, imagery, parks, lines) -> dict[str, str]:
    inputs = {"parcels": parcels}
    if parks is not None:
        inputs["parks"] = parks
    if lines is not None:
        inputs["lines"] = lines if isinstance(lines, str | os.PathLike) else "in memory"
    for date, path in sorted((imagery or {}).items(), key=lambda kv: str(kv[0])):
        inputs[f"imagery.{date}"] = path
    tables = "; ".join(
        f"{name}（{'/'.join(sorted(set(standards.load_table(name)['status'])))}）" for name in _TABLES
    )
    record = provenance(
        inputs=inputs, as_of=case.as_of.date().isoformat(), parcel_id=case.parcel_id,
        idle_status=case.status, rule_tables=tables,
    )  # fmt: skip
    record.pop("run_time")  # the document is the same whenever it is written
    for key, value in case.detection.items():
        record[f"detect_idle.{key}"] = value
    return record


def case_dossier(
    finding: pd.DataFrame | pd.Series,
    *,
    parcels: gpd.GeoDataFrame,
    imagery: Mapping[object, str | os.PathLike] | None = None,
    parks: gpd.GeoDataFrame | None = None,
    lines=None,
    neighbours: Sequence[gpd.GeoDataFrame] | None = None,
    name_col: str = "name",
    as_of=None,
    path: str | os.PathLike | None = None,
    rgb_bands: Sequence[int] | None = None,
):
    """Write the case dossier of one flagged parcel as a Word document.

    Parameters
    ----------
    finding : one-row DataFrame or Series
        A row of a :func:`landkit.detect_idle` result whose ``idle_status`` is
        one of :data:`DOSSIER_STATUSES`.
    parcels : GeoDataFrame
        The parcels layer: the parcel's geometry (when the finding has none)
        and its neighbours for the 四至.
    imagery : mapping of date → raster path, optional
        A built-up raster (one band: mask, fraction or percent) or imagery
        (three or more bands; red, green and blue found by the band names, else
        ``rgb_bands``) per date; one chip per date.
    parks : GeoDataFrame, optional
        Parks; the location map needs them.
    lines : mapping or path, optional
        The three line layers, drawn on the location map.
    neighbours : list of GeoDataFrames, optional
        Roads, rivers … named in ``name_col``, for the 四至 beside the parcels.
    name_col : str
        Name column of the neighbours and parcels.
    as_of : date or ISO string, optional
        The date of the check; default the finding's own as-of date.
    path : str or Path, optional
        Write the .docx there (whole, then renamed).
    rgb_bands : sequence of three ints, optional
        Band numbers (1-based) of red, green and blue in multi-band imagery.

    Returns
    -------
    docx.document.Document

    Raises
    ------
    InputError
        For a finding that is not ``idle``, ``recoverable`` or ``suspected_idle``,
        more than one row, or no as-of date.

    Examples
    --------
    >>> import landkit as lk, warnings
    >>> sample = lk.sample_data_path()
    >>> parcels = lk.read_layer(sample, "parcels")
    >>> result = lk.detect_idle(parcels, as_of="2026-11-01")
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     doc = case_dossier(result[result["parcel_id"] == "P015"], parcels=parcels,
    ...                        parks=lk.read_layer(sample, "parks"))
    >>> any("闲置土地调查通知书" in p.text for p in doc.paragraphs)
    True
    """
    case = _Case(finding, parcels, parks, as_of)
    layers = [*neighbour_layers(neighbours), *neighbour_layers(case.parcels)]
    fig = parcel_map(case.feature, neighbours=layers, name_col=name_col, date=case.as_of.date())
    sides = fig.landkit["sides"]
    w = DocxWriter(header=f"初步判定，非行政决定　宗地{case.parcel_id}闲置土地调查案卷")
    _cover(w, case)
    w.page_break()
    w.heading("一、宗地位置与宗地图")
    if parks is not None:
        title = f"宗地{case.parcel_id}区位图"
        picture = location_map(case.feature, parcels=parcels, parks=parks, lines=lines, title=title)
        w.picture(picture, 16, f"图1　宗地{case.parcel_id}区位图（{case.park}）")
    else:
        w.para(f"未提供园区图层，区位图从略（{BLANK}）。")
    w.picture(
        png(fig), 16,
        f"图2　宗地{case.parcel_id}宗地图（原图A4、比例尺1:{fig.landkit['scale']}，此处缩印，量距以比例尺线为准）",
    )  # fmt: skip
    w.heading("二、影像证据")
    if imagery:
        chips = imagery_chips(case.feature, imagery, rgb_bands=rgb_bands)
        w.chips(chips)
        w.para("各期影像截图范围、比例尺相同，上方为正北；红线为宗地界线。建成区比例为宗地内像元的平均值（像元中心规则）。", size=9)
    else:
        w.para(f"未提供影像，影像证据从略（{BLANK}）。")
    _facts(w, case)
    _rule(w, case)
    w.page_break()
    _notice(w, case, four_boundaries_sentence(sides, missing=BLANK))
    w.page_break()
    record = _record(case, parcels, imagery, parks, lines)
    _provenance(w, record)
    _core_properties(w.doc, case, record)
    if path is not None:
        with atomic_path(path) as tmp:
            w.doc.save(tmp)
    return w.doc


def _summary(record: Mapping[str, str], limit: int = 255) -> str:
    """The provenance in at most ``limit`` characters (the core properties' limit)."""
    inputs = [Path(v.split(" layer=")[0]).name for k, v in record.items() if k.startswith("input.")]
    text = (
        f"landkit {record['landkit_version']}; as_of {record['as_of']}; "
        f"rules {record['rule_tables']}; inputs {', '.join(dict.fromkeys(inputs))}"
    )
    tail = "…（全文见文末）"
    return text if len(text) <= limit else text[: limit - len(tail)] + tail


def _core_properties(doc, case: _Case, record: Mapping[str, str]) -> None:
    stamp = dt.datetime.combine(case.as_of.date(), dt.time(), tzinfo=dt.UTC)
    props = doc.core_properties
    props.title = f"宗地{case.parcel_id}闲置土地调查案卷（草稿）"
    props.subject = f"初步判定：{value_label('idle_status', case.status)}"
    props.author = props.last_modified_by = "landkit"
    props.keywords = f"闲置土地; 初步判定; 草稿; {case.parcel_id}; {case.status}"
    props.comments = _summary(record)
    props.category = "闲置土地调查案卷"
    props.created = props.modified = stamp
    props.last_printed = stamp
    props.revision = 1
    props.version = record["landkit_version"]
