"""Every reference file under data/reference/, broken the way an analyst typically breaks it, gives one message
naming the file, the row and the column — and the CLI prints it as one line with exit status 2."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from analysis import paths
from analysis.collect import sipas as collect_sipas
from analysis.errors import UserError
from analysis.ingest.one_stop_values import Vocabulary
from analysis.reference import aliases, papi_subdimensions, par, plan, service, sipas, units
from analysis.reference import papi as papi_ref
from analysis.reference import papi_official as papi

SHIPPED = Path(__file__).resolve().parents[2] / "data" / "reference"
NOT_READ = {
    "papi/subdimension_scores_template.csv",  # a blank form for the analyst, read once filled in
    "plan/tasks.csv",  # checked by reference.plan, which the helper "plan" rewrites with its own tests
}


def replace(old: str, new: str) -> Callable[[str], str]:
    def edit(text: str) -> str:
        assert old in text, old
        return text.replace(old, new, 1)

    return edit


def append(line: str) -> Callable[[str], str]:
    return lambda text: text.rstrip("\n") + "\n" + line + "\n"


def line_of(text: str, fragment: str) -> int:
    """The 1-based line of the file holding ``fragment`` (found independently of the readers)."""
    return next(n for n, line in enumerate(text.splitlines(), 1) if fragment in line)


# file -> (how it is broken, the fragment on the broken line (None: no line), who reads it, the message's pattern)
# "{row}" in the pattern is the broken line's number, counted from the broken file itself.
CASES: dict[str, tuple[Callable[[str], str], str | None, Callable[[Path], object], str]] = {
    "units.csv": (
        replace("unit,kind,display,aliases", "unit,kind,display,alias"),
        None,
        lambda ref: units.all_units(ref / "units.csv"),
        r"^units.csv: required column\(s\) missing: aliases",
    ),
    "one_stop/aliases.csv": (
        append("dossier_id,"),
        "dossier_id,\n",
        lambda ref: aliases.read(ref / "one_stop" / "aliases.csv"),
        r"^one_stop/aliases.csv: row {row}, column 'alias': blank",
    ),
    "one_stop/values.csv": (
        append("status,exakt,Đã xong,10"),
        "exakt",
        lambda ref: Vocabulary.from_csv(ref / "one_stop" / "values.csv"),
        r"^one_stop/values.csv: row {row}, column 'match': match must be 'exact' or 'contains'",
    ),
    "plan/targets.csv": (
        replace("service,1,80,>", "service,1,80%,>"),
        "80%",
        lambda ref: plan.targets(ref / "plan" / "targets.csv"),
        r"^plan/targets.csv: row {row}, column 'target': '80%' is not a number",
    ),
    "plan/owners.csv": (
        append("vp-tk,Văn phòng – Thống kê,VP"),
        "vp-tk,Văn phòng – Thống kê,VP\n",
        lambda ref: plan.owners_table(ref / "plan" / "owners.csv"),
        r"^plan/owners.csv: row {row}, column 'id': id 'vp-tk' appears twice",
    ),
    "plan/public_holidays.csv": (
        replace("2024-01-01,", "01/01/2024,"),
        "01/01/2024",
        lambda ref: plan.public_holidays(ref / "plan" / "public_holidays.csv"),
        r"^plan/public_holidays.csv: row {row}, column 'date': date '01/01/2024' is not "
        r"YYYY-MM-DD",
    ),
    "plan/settings.yaml": (
        replace("baseline_year: 2023", "baseline_year: năm 2023"),
        None,
        lambda ref: plan.baseline_year(ref / "plan" / "settings.yaml"),
        r"settings.yaml: baseline_year must be a year such as 2023, not 'năm 2023'",
    ),
    "service/scoring.csv": (
        replace("2.1,20,100", "2.1,hai mươi,100"),
        "hai mươi",
        lambda ref: service.ServiceSettings.from_reference(ref),
        r"^service/scoring.csv: row {row}, column 'max_points': 'hai mươi' is not a number",
    ),
    "service/certification.csv": (
        replace("field,chứng thực", "linh_vuc,chứng thực"),
        "linh_vuc",
        lambda ref: service.ServiceSettings.from_reference(ref),
        r"^service/certification.csv: row {row}, column 'column': 'linh_vuc' is not one of",
    ),
    "sipas/questionnaire.csv": (
        replace("\nE1.2,", "\nE1.1,"),
        "E1.1,E1,Tiếp cận dịch vụ hành chính công,Trang",
        lambda ref: sipas.questionnaire(ref / "sipas" / "questionnaire.csv"),
        r"^sipas/questionnaire.csv: row {row}, column 'code': E1.1 appears more than once",
    ),
    "sipas/answers.csv": (
        replace("\n5,5\n", "\n5,55\n"),
        "5,55",
        lambda ref: sipas.answer_scores(ref / "sipas" / "answers.csv"),
        r"^sipas/answers.csv: row {row}, column 'score': score 55 is not 1-5",
    ),
    "sipas/respondent_columns.csv": (
        append(",Mã số phiếu"),
        ",Mã số phiếu",
        lambda ref: aliases.read(ref / "sipas" / "respondent_columns.csv"),
        r"^sipas/respondent_columns.csv: row {row}, column 'field': blank",
    ),
    "sipas/settings.yaml": (
        replace("target_code: overall", "target_code: overal"),
        None,
        lambda ref: collect_sipas.settings(ref / "sipas" / "settings.yaml", plan.targets(ref / "plan" / "targets.csv")),
        r"^sipas/settings.yaml: column 'target_code': plan/targets.csv has no sipas target "
        r"'overal' \(its sipas codes: overall\)",
    ),
    "sipas/baseline_2023_demo.csv": (
        replace("Phường 1,E1.1,72.9", "Phường 1,E1.1,khoảng 73"),
        "khoảng 73",
        lambda ref: sipas.baseline(),
        r"^sipas/baseline_2023_demo.csv: row {row}, column 'value': 'khoảng 73' is not",
    ),
    "sipas/published.csv": (
        replace("Cả nước,2019,84.45", "Cả nước,2019,84.45%"),
        "84.45%",
        lambda ref: sipas.published(ref / "sipas" / "published.csv"),
        r"^sipas/published.csv: row {row}, column 'value': '84.45%' is not a number",
    ),
    "papi/dimensions.csv": (
        replace(
            "Participation at local levels,Tham gia của người dân,2009",
            "Participation at local levels,Tham gia của người dân,từ 2009",
        ),
        "từ 2009",
        lambda ref: papi_ref.dimensions(ref / "papi" / "dimensions.csv"),
        r"^papi/dimensions.csv: row {row}, column 'first_year': 'từ 2009' is not a number",
    ),
    "papi/subdimensions.csv": (
        replace("Civic knowledge,2021", "Civic knowledge,2021a"),
        "2021a",
        lambda ref: papi_ref.subdimensions(ref / "papi" / "subdimensions.csv"),
        r"^papi/subdimensions.csv: row {row}, column 'since': '2021a' is not a number",
    ),
    "papi/settings.csv": (
        replace("target_rule,median", "target_rule,trung vị"),
        "trung vị",
        lambda ref: papi_ref.settings(ref / "papi" / "settings.csv"),
        r"^papi/settings.csv: row {row}, column 'value': target_rule 'trung vị' is not one of",
    ),
    "papi/survey_map.csv": (
        replace(",yes_no,1,D1.2.1,", ",yes_no,2,D1.2.1,"),
        ",yes_no,2,D1.2.1,",
        lambda ref: papi_ref.survey_map(ref / "papi" / "survey_map.csv"),
        r"^papi/survey_map.csv: row {row}, column 'direction': question q02: direction must be "
        r"1 or -1, not '2'",
    ),
    "papi/survey_scales.csv": (
        replace("yes_no,Có,1", "yes_no,Có,một"),
        "yes_no,Có,một",
        lambda ref: papi_ref.survey_scales(ref / "papi" / "survey_scales.csv"),
        r"^papi/survey_scales.csv: row {row}, column 'value': 'một' is not a number",
    ),
    "papi/survey_aliases.csv": (
        append("respondent_id,"),
        "respondent_id,\n",
        lambda ref: aliases.read(ref / "papi" / "survey_aliases.csv"),
        r"^papi/survey_aliases.csv: row {row}, column 'alias': blank",
    ),
    "papi/papi_provincial_dimensions.csv": (
        replace(
            "Hà Giang,Trung du và miền núi phía Bắc,2011,4.876205", "Hà Giang,Trung du và miền núi phía Bắc,2011,bốn"
        ),
        None,
        lambda ref: papi.read_official(ref / "papi" / "papi_provincial_dimensions.csv"),
        r"papi_provincial_dimensions.csv.*row \d+.*Hà Giang",
    ),
    "papi/demo_subdimension_scores_tay_ninh.csv": (
        replace("Tây Ninh,2022,D1.1,1.2469", "Tây Ninh,2022,D1.1,cao"),
        None,
        lambda ref: papi_subdimensions.read_subdimensions(
            ref / "papi" / "demo_subdimension_scores_tay_ninh.csv", papi.read_official()
        ),
        r"demo_subdimension_scores_tay_ninh.csv.*row \d+.*D1\.1.*score",
    ),
    "par/criteria_sets.csv": (
        replace("2023,criteria_2023.csv,100,sample", "2023,criteria_2023.csv,100,mẫu"),
        "mẫu",
        lambda ref: par.read_index(ref / "par"),
        r"^par/criteria_sets.csv: row {row}, column 'status': 'mẫu' is not one of sample, "
        r"official",
    ),
    "par/criteria_2023.csv": (
        replace("1.1,1,Kế hoạch CCHC năm,2.5,", "1.1,1,Kế hoạch CCHC năm,2.5đ,"),
        "2.5đ",
        lambda ref: par.read_set(2023, ref / "par"),
        r"^par/criteria_2023.csv: line {row}: max_points '2.5đ' is not a number",
    ),
    "par/criteria_2024.csv": (
        replace("1.1,1,Kế hoạch CCHC năm,2.5,", "1.1,1,Kế hoạch CCHC năm,3,"),
        "1.1,1,Kế hoạch CCHC năm,3,",
        lambda ref: par.read_set(2024, ref / "par"),
        r"^par/criteria_2024.csv: .*line {row}, code 1.1: max_points 3 ≠ sum of its "
        r"children's 2.5",
    ),
    "par/mapping_2023_2024.csv": (
        replace("3.4.3,7.4.3,moved", "3.4.9,7.4.3,moved"),
        None,
        lambda ref: par.read_mapping(2023, 2024, par.read_sets(ref / "par"), ref / "par"),
        r"^par/mapping_2023_2024.csv: code 3.4.9 is not in the first year's set",
    ),
    "par/owners.csv": (
        replace("2,tp-ht,II.2.4", "2,tu-phap,II.2.4"),
        "2,tu-phap,II.2.4",
        lambda ref: par.read_owners(ref / "par", ref / "plan" / "owners.csv"),
        r"^par/owners.csv: row {row}, column 'owners': owner id 'tu-phap' is not in plan/owners.csv",
    ),
    "par/ratings.csv": (
        replace("Tốt,80,", "Tốt,từ 80,"),
        "Tốt,từ 80,",
        lambda ref: par.read_ratings(ref / "par"),
        r"^par/ratings.csv: row {row}, column 'min_percent': 'từ 80' is not a number",
    ),
    "par/score_aliases.csv": (
        append(",Điểm TĐG"),
        ",Điểm TĐG",
        lambda ref: par.score_aliases(ref / "par" / "score_aliases.csv"),
        r"^par/score_aliases.csv: row {row}, column 'field': blank",
    ),
    "par/tay-ninh-cchc-2023-qd2729.csv": (
        replace("department,71.5,69.25,96.85", "department,71.5,69.25,96.85%"),
        "96.85%",
        lambda ref: par.province_results(ref / "par"),
        r"^par/tay-ninh-cchc-2023-qd2729.csv: row {row}, column 'ratio_percent': "
        r"'96.85%' is not a number",
    ),
}


def reference_files() -> set[str]:
    return {p.relative_to(SHIPPED).as_posix() for p in SHIPPED.rglob("*") if p.suffix in (".csv", ".yaml")}


def test_every_reference_file_has_a_case():
    assert reference_files() - NOT_READ == set(CASES)


@pytest.fixture
def reference(tmp_path, monkeypatch):
    folder = tmp_path / "reference"
    shutil.copytree(SHIPPED, folder)
    monkeypatch.setattr(paths, "REFERENCE", folder)
    return folder


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_broken_file_is_named_with_row_and_column(reference, name):
    edit, fragment, read, pattern = CASES[name]
    read(reference)  # the shipped file is fine
    units._load.cache_clear()  # readers that cache by path must see the broken copy
    service._load.cache_clear()
    path = reference / name
    text = edit(path.read_text(encoding="utf-8"))
    path.write_text(text, encoding="utf-8")
    row = line_of(text, fragment.rstrip("\n")) if fragment else None
    if fragment and fragment.endswith("\n"):  # an appended row: the last line holding it
        row = max(n for n, line in enumerate(text.splitlines(), 1) if line == fragment.rstrip("\n"))
    with pytest.raises(UserError) as caught:
        read(reference)
    assert re.search(pattern.format(row=row), str(caught.value)), str(caught.value)


@pytest.mark.parametrize("name", ["plan/targets.csv", "sipas/settings.yaml"])
def test_the_cli_prints_one_line_and_exits_2(tmp_path, name):
    """Run as an analyst would, on a copy of the project whose reference file has the typo."""
    root = tmp_path / "project"
    shutil.copytree(SHIPPED, root / "data" / "reference")
    edit = CASES[name][0]
    path = root / "data" / "reference" / name
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    (root / "data" / "processed").mkdir()
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "analysis",
            "indicators",
            "--period",
            "2024Q4",
            "--out",
            str(tmp_path / "out.csv"),
            "--processed",
            str(root / "data" / "processed"),
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "CHISO_ROOT": str(root)},
        timeout=300,
    )
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    assert name in lines[0]
