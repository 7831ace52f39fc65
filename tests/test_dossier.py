"""Case dossiers: one Word document per flagged parcel, with maps, chips, facts and a draft notice."""

import datetime as dt
import warnings

import docx
import numpy as np
import pandas as pd
import pytest
import rasterio
from rasterio.enums import ColorInterp

import landkit as lk
from landkit.dossier import BLANK, DOSSIER_STATUSES, case_dossier, write_dossiers

pytestmark = pytest.mark.slow  # runs in the full suite (the README test command)

AS_OF = "2026-11-01"
NOTICE_PARTS = (
    "一、国有建设用地使用权人",
    "二、宗地基本情况",
    "三、涉嫌闲置土地的事实和依据",
    "四、调查的主要内容和提交材料的期限",
    "五、权利和义务",
    "六、其他事项",
)


@pytest.fixture(scope="module")
def sample():
    path = lk.sample_data_path()
    imagery = {
        "2023-06-01": path.parent / "builtup_2023.tif",
        "2025-06-01": path.parent / "builtup_2025.tif",
    }
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        parcels = lk.read_layer(path, "parcels")
        return {
            "path": path,
            "parcels": parcels,
            "parks": lk.read_layer(path, "parks"),
            "roads": lk.read_layer(path, "roads"),
            "imagery": imagery,
            "result": lk.detect_idle(parcels, as_of=AS_OF, builtup=imagery),
        }


def _options(sample) -> dict:
    return {
        "parcels": sample["parcels"],
        "parks": sample["parks"],
        "lines": sample["path"],
        "imagery": sample["imagery"],
        "neighbours": [sample["roads"]],
    }


@pytest.fixture(scope="module")
def written(sample, tmp_path_factory):
    out = tmp_path_factory.mktemp("dossiers")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        index = write_dossiers(sample["result"], out, **_options(sample))
    return out, index


def _text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    parts += [p.text for s in document.sections for p in s.header.paragraphs]
    return "\n".join(parts)


def _dossier(sample, parcel_id, finding=None, **options):
    result = sample["result"] if finding is None else finding
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return case_dossier(
            result[result["parcel_id"] == parcel_id], **(_options(sample) | options)
        )


def test_one_dossier_per_flagged_parcel_and_none_for_active(sample, written):
    out, index = written
    result = sample["result"]
    flagged = result[result["idle_status"].isin(DOSSIER_STATUSES)]
    assert len(flagged) >= 3
    files = sorted(p.name for p in out.glob("*.docx"))
    assert files == sorted(index["file"])
    assert sorted(index["parcel_id"]) == sorted(flagged["parcel_id"])
    others = result.loc[~result["idle_status"].isin(DOSSIER_STATUSES), "parcel_id"]
    assert not any(name.startswith(f"{pid}_") for pid in others for name in files)
    assert index["written"].all() and set(index["change"]) == {"新增"}
    sheet = pd.read_excel(out / "dossiers.xlsx", sheet_name="调查案卷索引", header=2)
    assert list(sheet.columns[:3]) == ["宗地编号", "宗地名称", "初步判定"]
    assert set(sheet["本次写出"]) == {"是"} and set(sheet["初步判定"]) <= {"闲置", "可收回", "疑似闲置"}


def test_each_dossier_holds_the_case(sample, written):
    out, index = written
    result = sample["result"].set_index("parcel_id")
    for entry in index.itertuples():
        document = docx.Document(out / entry.file)
        text = _text(document)
        finding = result.loc[entry.parcel_id]
        assert entry.parcel_id in text and finding["name"] in text
        assert finding["idle_reason"] in text  # the rule that fired
        assert f"法律依据：{finding['legal_basis']}" in text  # quoted from the standards tables
        # location map, 宗地图 and one chip per imagery date
        assert len(document.inline_shapes) == 2 + len(sample["imagery"])
        headers = [tuple(c.text for c in t.rows[0].cells) for t in document.tables]
        assert ("事项", "记录", "来源字段") in headers and ("期限", "日期") in headers
        for date in sample["imagery"]:
            assert f"{date}　建成区比例：" in text
        assert "草　稿（未经审核、未加盖印章，不得送达）" in text and "闲置土地调查通知书" in text
        notice = text[text.index("闲置土地调查通知书\n") :]
        positions = [notice.index(part) for part in NOTICE_PARTS]
        assert positions == sorted(positions)
        assert "自收到本通知书之日起30日内" in notice
        assert f"{BLANK}〔{BLANK}〕{BLANK}号" in notice  # 文号
        assert f"（印章）{BLANK}" in notice and f"联系人：{BLANK}" in notice
        assert f"联系电话：{BLANK}" in notice
        assert "初步判定" in text and "草稿" in document.sections[0].header.paragraphs[0].text
        props = document.core_properties
        assert props.created.date() == props.modified.date() == dt.date(2026, 11, 1)
        assert f"landkit {lk.__version__}" in props.comments and "idle_procedure" in props.comments
        last_page = text[text.index("附：数据来源与可重复性") :]
        assert "landkit_version" in last_page and "builtup_2025.tif" in last_page


def test_missing_records_leave_blanks_never_invented_text(sample, written):
    out, index = written
    text = _text(docx.Document(out / index["file"].iloc[0]))
    assert "土地使用权人" in text and f"名称：{BLANK}；地址：{BLANK}" in text
    assert f"合同电子监管号或合同编号：{BLANK}" in text
    assert f"交地日期：无记录（{BLANK}）" in text


def test_notice_is_filled_from_the_new_parcel_columns(sample):
    parcels = sample["parcels"].assign(
        土地使用权人名称=None, 土地使用权人地址=None, 合同电子监管号=None, 交地日期=None
    )
    row = parcels["parcel_id"] == "P015"
    parcels.loc[row, "土地使用权人名称"] = "云南普坪食品有限公司"
    parcels.loc[row, "土地使用权人地址"] = "昆明市官渡区经开路1号"
    parcels.loc[row, "合同电子监管号"] = "5301002025B00015"
    parcels.loc[row, "交地日期"] = "2025年3月"  # known only to the month
    result = lk.detect_idle(parcels, as_of=AS_OF)
    text = _text(_dossier(sample, "P015", finding=result, imagery=None))
    assert "云南普坪食品有限公司：" in text
    assert "名称：云南普坪食品有限公司；地址：昆明市官渡区经开路1号。" in text
    assert "合同电子监管号或合同编号：5301002025B00015" in text
    assert "交地日期：2025年3月（日不详）" in text
    assert "交地日期仅记录到月" in text
    assert "未提供影像" in text


def test_second_run_with_previous_writes_none(sample, tmp_path):
    result = sample["result"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        index = write_dossiers(result, tmp_path, **_options(sample), previous=result)
    assert not list(tmp_path.glob("*.docx"))
    assert (tmp_path / "dossiers.xlsx").exists()
    assert not index["written"].any() and set(index["change"]) == {"未变"}


def test_escalated_parcels_get_a_dossier(sample, tmp_path):
    result = sample["result"]
    before = result.copy()
    before.loc[before["parcel_id"] == "P015", "idle_status"] = "at_risk"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        index = write_dossiers(result, tmp_path, parcels=sample["parcels"], previous=before,
                               only=("idle",))  # fmt: skip
    assert [p.name for p in tmp_path.glob("*.docx")] == ["P015_闲置土地调查案卷.docx"]
    row = index.set_index("parcel_id").loc["P015"]
    assert row["change"] == "升级" and row["previous_status"] == "at_risk"
    assert set(index["idle_status"]) == {"idle"}


def test_same_inputs_give_the_same_text(sample):
    first, second = _dossier(sample, "P040"), _dossier(sample, "P040")
    assert _text(first) == _text(second)
    assert first.core_properties.comments == second.core_properties.comments


@pytest.mark.parametrize("status", ["active", "at_risk", "government_delay"])
def test_other_statuses_are_refused(sample, status):
    result = sample["result"]
    pid = result.loc[result["idle_status"] == status, "parcel_id"].iloc[0]
    with pytest.raises(lk.InputError, match="idle, recoverable, suspected_idle"):
        _dossier(sample, pid)
    with pytest.raises(lk.InputError, match="cannot get a dossier"):
        write_dossiers(result, ".", parcels=sample["parcels"], only=(status,))


def test_true_colour_imagery_is_chipped_from_named_bands(sample, tmp_path):
    builtup = sample["imagery"]["2025-06-01"]
    with rasterio.open(builtup) as src:
        profile = src.profile | {"count": 4, "dtype": "uint8", "nodata": None}
        window = rasterio.windows.Window(0, 0, src.width, src.height)
        base = (np.clip(src.read(1, window=window), 0, 1) * 200).astype("uint8")
    tif = tmp_path / "rgbn.tif"
    with rasterio.open(tif, "w", **profile) as dst:  # bands stored as NIR, B, G, R
        for band, (scale, name) in enumerate(((0.3, "nir"), (0.6, "blue"), (0.8, "green"),
                                              (1.0, "red")), start=1):  # fmt: skip
            dst.write((base * scale).astype("uint8"), band)
            dst.set_band_description(band, name)
        dst.colorinterp = [ColorInterp.undefined] * 4
    from landkit.dossier.evidence import _rgb_bands, imagery_chips

    with rasterio.open(tif) as src:
        assert _rgb_bands(src, None) == [4, 3, 2]
    feature = sample["parcels"][sample["parcels"]["parcel_id"] == "P015"]
    chips = imagery_chips(feature, {"2025-06-01": tif, "2023-06-01": sample["imagery"]["2023-06-01"]})
    assert [caption.split("　")[0] for _, caption in chips] == ["2023-06-01", "2025-06-01"]
    assert chips[1][1].endswith("多波段影像，未计算")
    assert chips[0][1].endswith("%") and all(png.startswith(b"\x89PNG") for png, _ in chips)
