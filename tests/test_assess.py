"""Tests of the annual park assessment (landkit.assess)."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import landkit as lk
from landkit import standards
from landkit.assess import assess_parks
from landkit.errors import InputError, SchemaError

# --------------------------------------------------------------- assess_parks
#
# Three years, five parks, scores given (hand-worked outcomes for 2025):
#
#   park  2023  2024  2025   rank 2025  pass ≥ 60   last three   yellow   last place
#   A      90    88    92        1         yes          no          no        -
#   B      80    75    61        3         yes          yes         yes       -
#   C      70    72    58        4         no           yes         yes       -
#   D      65    55    70        2         yes          no          no        -
#   E      50    52    45        5         no           yes         yes    2023, 2024, 2025 → delist
#
SCORES = {
    2023: {"A": 90, "B": 80, "C": 70, "D": 65, "E": 50},
    2024: {"A": 88, "B": 75, "C": 72, "D": 55, "E": 52},
    2025: {"A": 92, "B": 61, "C": 58, "D": 70, "E": 45},
}


def history_frame(scores=SCORES, **extra):
    rows = [
        {"park_id": park, "year": year, "score": score}
        for year, by_park in scores.items()
        for park, score in by_park.items()
    ]
    frame = pd.DataFrame(rows)
    for column, values in extra.items():
        frame[column] = values
    return frame


def test_hand_worked_three_year_history():
    result = assess_parks(history_frame(), year=2025)
    assert list(result.index) == ["A", "B", "C", "D", "E"]
    assert result["score"].tolist() == [92, 61, 58, 70, 45]
    assert result["rank"].tolist() == [1, 3, 4, 2, 5]
    assert result["passed"].tolist() == [True, True, False, True, False]
    assert result["yellow_card"].tolist() == [False, True, True, False, True]
    assert result["last_place_years"].tolist() == [0, 0, 0, 0, 3]
    assert result["delist_recommended"].tolist() == [False, False, False, False, True]
    assert (result["ranked_parks"] == 5).all()
    assert (result["status"] == "evaluated").all()


def test_reasons_name_the_clause_and_the_example_pass_mark():
    result = assess_parks(history_frame(), year=2025)
    assert result.at["A", "reasons"] == ""
    assert result.at["A", "example_values"] == "pass_mark"
    assert "后3名" in result.at["B", "reasons"] and "低于合格分" not in result.at["B", "reasons"]
    assert "低于合格分 60（示例值）" in result.at["C", "reasons"]
    assert "建议摘牌" in result.at["E", "reasons"] and "连续 3 年" in result.at["E", "reasons"]
    assert result.at["E", "legal_basis"] == "昆政办〔2019〕15号（十九）"
    assert "pass_mark" in result.at["E", "example_values"]
    assert "pass_mark=60 (example)" in result.attrs["landkit_provenance"]["rules"]


def test_earlier_year_counts_only_history_up_to_it():
    result = assess_parks(history_frame(), year=2024)
    assert result["rank"].tolist() == [1, 2, 3, 4, 5]
    assert result.at["E", "last_place_years"] == 2
    assert not result["delist_recommended"].any()
    assert result.at["D", "yellow_card"] and result.at["C", "yellow_card"]


def test_delisting_needs_consecutive_years():
    scores = {year: dict(by_park) for year, by_park in SCORES.items()}
    scores[2024]["E"], scores[2024]["D"] = 56, 52  # D last in 2024, E breaks its run
    result = assess_parks(history_frame(scores), year=2025)
    assert result.at["E", "last_place_years"] == 1
    assert not result["delist_recommended"].any()


def test_missing_earlier_year_is_said_not_guessed():
    two_years = {year: SCORES[year] for year in (2024, 2025)}
    result = assess_parks(history_frame(two_years), year=2025)
    assert result.at["E", "last_place_years"] == 2
    assert not result.at["E", "delist_recommended"]
    assert "缺少 2023 年" in result.at["E", "reasons"]


def test_ties_share_rank_and_ties_at_the_edge_of_the_last_three_are_all_carded():
    scores = {2025: {"A": 90, "B": 80, "C": 80, "D": 70, "E": 65}}
    result = assess_parks(history_frame(scores), year=2025)
    assert result["rank"].tolist() == [1, 2, 2, 4, 5]
    # B and C share third place from the bottom: both are in the last three
    assert result["yellow_card"].tolist() == [False, True, True, True, True]


def test_pass_mark_and_rules_are_configurable():
    result = assess_parks(history_frame(), year=2025, rules={"pass_mark": 65})
    assert result["passed"].tolist() == [True, False, False, True, False]
    assert "pass_mark=65 (user)" in result.attrs["landkit_provenance"]["rules"]
    no_bottom = assess_parks(history_frame(), year=2025, rules={"yellow_card_bottom_n": 0})
    assert no_bottom["yellow_card"].tolist() == [False, False, True, False, True]
    with pytest.raises(InputError, match="unknown key"):
        assess_parks(history_frame(), year=2025, rules={"passmark": 65})


def test_scores_computed_from_indicators_by_hand():
    scheme = pd.DataFrame(
        {
            "indicator": ["x", "y"],
            "weight": [3, 1],
            "direction": ["higher", "lower"],
            "ideal": [1.0, 0.0],
            "worst": [None, 0.2],
        }
    )
    history = pd.DataFrame(
        {
            "园区编号": ["P1", "P2", "P3"],
            "年度": [2025, 2025, 2025],
            "x": [0.5, 1.2, 0.8],
            "y": [0.05, 0.3, None],
        }
    )
    result = assess_parks(history, year=2025, scheme=scheme)
    # P1: x 50 points, y 75 points → (3·50 + 75) / 4 = 56.25; P2: x 100, y 0 → 75
    assert result.at["P1", "score"] == pytest.approx(56.25)
    assert result.at["P2", "score"] == pytest.approx(75.0)
    assert result.at["P1", "points_y"] == pytest.approx(75.0)
    assert pd.isna(result.at["P3", "score"]) and result.at["P3", "status"] == "not_evaluated"
    assert pd.isna(result.at["P3", "yellow_card"]) and pd.isna(result.at["P3", "rank"])
    assert "未评估" in result.at["P3", "reasons"]
    assert result["rank"].tolist()[:2] == [2, 1]
    assert result["score_source"].tolist()[:2] == ["computed", "computed"]
    as_mapping = {
        "x": {"weight": 3, "direction": "higher", "ideal": 1.0},
        "y": {"weight": 1, "direction": "lower", "ideal": 0.0, "worst": 0.2},
    }
    again = assess_parks(history, year=2025, scheme=as_mapping)
    assert again["score"].tolist()[:2] == pytest.approx([56.25, 75.0])


def test_default_scheme_scores_national_means_full_marks():
    scheme = standards.load_table("assessment_scheme")
    ideal = {row.key: float(row.ideal) for row in scheme.itertuples()}
    at_ideal = pd.DataFrame([{"park_id": "K1", "year": 2025, **ideal}])
    result = assess_parks(at_ideal, year=2025)
    assert result.at["K1", "score"] == pytest.approx(100.0)
    assert result.at["K1", "example_values"] == "pass_mark; assessment_scheme"
    assert set(scheme["status"]) == {"example"}


def test_given_score_wins_over_indicators():
    history = history_frame({2025: {"A": 70, "B": 50}}, composite_plot_ratio=[0.1, 5.0])
    scheme = pd.DataFrame(
        {"key": ["composite_plot_ratio"], "weight": [1], "direction": ["higher"], "ideal": [1]}
    )
    result = assess_parks(history, year=2025, scheme=scheme)
    assert result["score"].tolist() == [70, 50]
    assert (result["score_source"] == "given").all()


def test_area_reduction_flags_from_idle_and_development():
    idle = {("C", 2024): 0.06, ("C", 2025): 0.08, ("B", 2025): 0.2}
    history = history_frame()
    history["idle_land_rate"] = [
        idle.get((p, y), 0.0) for p, y in zip(history.park_id, history.year, strict=True)
    ]
    history["land_development_rate"] = np.where(history["park_id"] == "D", 0.5, 0.9)
    result = assess_parks(history, year=2025)
    # C idle ≥ 5 % two years running; B only this year; D develops little
    assert result["long_idle"].tolist() == [False, False, True, False, False]
    assert result["low_development"].tolist() == [False, False, False, True, False]
    # the clause's other grounds were not judged: no park is cleared of every ground
    assert result["reduce_or_downgrade"].tolist() == [pd.NA, pd.NA, True, True, pd.NA]
    assert "长期圈占土地" in result.at["C", "reasons"] and "示例值" in result.at["C", "reasons"]
    without = assess_parks(history_frame(), year=2025)
    assert without["reduce_or_downgrade"].isna().all()


def test_every_reduction_ground_of_clause_19_is_listed():
    history = history_frame()
    history["idle_land_rate"] = 0.0
    history["land_development_rate"] = 0.9
    result = assess_parks(history, year=2025)
    grounds = ["violates_plans", "pollution_untreated", "long_idle", "investment_difficulty",
               "low_development"]  # fmt: skip
    assert all(g in result.columns for g in grounds)
    assert (
        result["not_evaluated"] == "violates_plans;pollution_untreated;investment_difficulty"
    ).all()
    assert result["violates_plans"].isna().all() and result["reduce_or_downgrade"].isna().all()
    assert lk.labels.value_label("not_evaluated", result["not_evaluated"].iloc[0]) == (
        "违反相关规划、未按要求开展污染治理、招商引资困难"
    )
    nothing = assess_parks(history_frame(), year=2025)
    assert nothing["not_evaluated"].iloc[0] == ";".join(grounds)
    # the authority's own findings on the other grounds, given as yes/no columns
    judged = history.assign(violates_plans="否", pollution_untreated="否", investment_difficulty="否")
    judged.loc[(judged["park_id"] == "B") & (judged["year"] == 2025), "violates_plans"] = "是"
    result = assess_parks(judged, year=2025)
    assert result["not_evaluated"].isna().all()
    assert result["reduce_or_downgrade"].tolist() == [False, True, False, False, False]
    assert "违反相关规划（依据所给认定）" in result.at["B", "reasons"]


def test_expansion_readiness():
    expansion = pd.DataFrame(
        {
            "key": ["built_share", "composite_plot_ratio"],
            "bound": ["min", "min"],
            "value": [0.9, 1.0],
        }
    )
    history = history_frame(
        {2025: {"A": 90, "B": 85, "C": 80, "D": 70, "E": 65}},
        built_area_ha=[95, 80, 95, 95, 95],
        approved_area_ha=[100, 100, 100, 100, 100],
        composite_plot_ratio=[1.2, 1.2, 0.8, None, 1.2],
    )
    result = assess_parks(history, year=2025, expansion=expansion)
    assert result["built_share"].tolist() == pytest.approx([0.95, 0.8, 0.95, 0.95, 0.95])
    # A ready; B not built up; C plot ratio low (and carded); D lacks a value but is carded; E carded
    assert result["expansion_ready"].tolist() == [True, False, False, False, False]
    assert "十六" in result.at["A", "legal_basis"]
    history.loc[history.park_id == "D", "score"] = 95
    d_unknown = assess_parks(history, year=2025, expansion=expansion)
    assert pd.isna(d_unknown.at["D", "expansion_ready"])
    assert "缺少" in d_unknown.at["D", "expansion_notes"]


def test_history_problems_raise_once():
    history = history_frame()
    history.loc[len(history)] = {"park_id": "A", "year": 2025, "score": 1}
    with pytest.raises(SchemaError, match="A/2025"):
        assess_parks(history, year=2025)
    with pytest.raises(InputError, match="no rows for year 2030"):
        assess_parks(history_frame(), year=2030)
    with pytest.raises(SchemaError, match="year"):
        assess_parks(pd.DataFrame({"park_id": ["A"], "score": [1]}), year=2025)


@pytest.mark.parametrize("index", [None, [10, 11, 12, 13, 14] * 3, list("abcdefghijklmno")])
def test_input_index_and_order_do_not_matter(index):
    history = history_frame()
    if index is not None:
        history.index = index
    shuffled = history.sample(frac=1.0, random_state=3)
    before = shuffled.copy()
    result = assess_parks(shuffled, year=2025)
    pd.testing.assert_frame_equal(shuffled, before)
    expected = assess_parks(history_frame(), year=2025)
    pd.testing.assert_frame_equal(
        result.sort_index().drop(columns=[]), expected.sort_index(), check_like=True
    )


def test_history_read_from_xlsx_with_chinese_headers(tmp_path):
    history = history_frame().rename(
        columns={"park_id": "园区编号", "year": "年度", "score": "综合得分"}
    )
    path = tmp_path / "history.xlsx"
    history.to_excel(path, index=False)
    table = lk.read_table(path, kind="park_history")
    result = assess_parks(table, year=2025)
    assert result["delist_recommended"].tolist() == [False, False, False, False, True]


# ------------------------------------------------------------------------ CLI


def test_cli_assess_writes_workbook_and_exit_codes(tmp_path, capsys):
    from openpyxl import load_workbook

    from landkit.cli import main

    history = tmp_path / "history.csv"
    history_frame().to_csv(history, index=False)
    out = tmp_path / "assessment.xlsx"
    assert main(["assess", str(history), "--year", "2025", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "黄牌警告 3 个" in printed and "建议摘牌 1 个" in printed and "示例值" in printed
    book = load_workbook(out)
    assert "园区考核" in book.sheetnames and "来源" in book.sheetnames
    header = [cell.value for cell in book["园区考核"][3]]  # below the title and date rows
    assert "园区编号" in header
    argv = ["assess", str(history), "--year", "2025", "--out", str(out), "--fail-on-findings"]
    assert main(argv) == 1


def test_cli_assess_bad_input_writes_nothing(tmp_path, capsys):
    from landkit.cli import main

    history = tmp_path / "history.csv"
    history_frame().to_csv(history, index=False)
    out = tmp_path / "assessment.xlsx"
    assert main(["assess", str(history), "--year", "2031", "--out", str(out)]) == 2
    assert "2031" in capsys.readouterr().err
    assert not out.exists()


# ----------------------------------------------------- property: second method


@pytest.mark.slow
@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.lists(st.integers(min_value=30, max_value=100), min_size=3, max_size=3),
        min_size=1,
        max_size=7,
    )
)
def test_outcomes_agree_with_a_plain_second_method(score_lists):
    parks = [f"P{i}" for i in range(len(score_lists))]
    years = (2023, 2024, 2025)
    scores = {
        y: {p: s[k] for p, s in zip(parks, score_lists, strict=True)} for k, y in enumerate(years)
    }
    result = assess_parks(history_frame(scores), year=2025)
    this_year = pd.Series(scores[2025])
    # ranks: 1 + the number of parks with a strictly better score
    expected_rank = [1 + int((this_year > v).sum()) for v in this_year]
    assert result["rank"].tolist() == expected_rank
    # in the last three: fewer than three parks score strictly lower
    in_bottom = [int((this_year < v).sum()) < 3 for v in this_year]
    yellow = [v < 60 or b for v, b in zip(this_year, in_bottom, strict=True)]
    assert result["yellow_card"].tolist() == yellow
    # delisting: the lowest score (ties included) in each of the three years
    # (a park ranked alone is not last)
    last_every_year = [
        len(parks) > 1 and all(scores[y][p] == min(scores[y].values()) for y in years)
        for p in parks
    ]
    assert result["delist_recommended"].tolist() == last_every_year


def test_bad_scheme_is_reported_whole():
    scheme = pd.DataFrame(
        {
            "key": ["x", "y", "z"],
            "weight": [1, 1, 1],
            "direction": ["up", "lower", "higher"],
            "ideal": [1.0, 0.0, None],
        }
    )
    history = pd.DataFrame({"park_id": ["A"], "year": [2025], "x": [1.0], "y": [0.0], "z": [1.0]})
    with pytest.raises(InputError) as info:
        assess_parks(history, year=2025, scheme=scheme)
    message = str(info.value)
    assert "'higher' or 'lower'" in message and "worst" in message and "ideal value" in message
