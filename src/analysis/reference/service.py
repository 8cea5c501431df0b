"""The service index's settings: plan targets and owners, QĐ 766 scoring, how certification is recognised.

The indicator functions take a ``ServiceSettings`` (a plain object) so they stay pure; ``from_reference()``
reads and checks the committed files in data/reference/ (configuration, never data) — a typo is a
``ReferenceFileError`` naming file, row and column — and ``describe()`` says in Vietnamese which settings a
report used.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from analysis import fmt, paths
from analysis.reference import checks, plan
from analysis.store.schemas import ONE_STOP

INDEX = "service"
SCORING_FILE = ("service", "scoring.csv")
CERTIFICATION_FILE = ("service", "certification.csv")


@dataclass(frozen=True)
class ServiceSettings:
    targets: pd.DataFrame  # code, target, comparison[, counted] (plan/targets.csv, index "service")
    owners: dict[str, str]  # code -> officials named by the plan
    scoring: pd.DataFrame  # code, max_points, full_at_pct
    certification: pd.DataFrame  # column, contains: how a certification dossier is recognised

    @classmethod
    def from_reference(cls, reference: Path | None = None) -> ServiceSettings:
        return _load(reference or paths.REFERENCE)

    def describe(self) -> list[str]:
        """The settings in the words of the report's notes on method."""
        rules = "; ".join(
            f"{_COLUMN_VI.get(c, c)} chứa “{t}”"
            for c, t in zip(self.certification["column"], self.certification["contains"])
        )
        scored = ", ".join(
            f"{c}: tối đa {fmt.compact(m)} điểm, đủ điểm từ {fmt.compact(p)} %"
            for c, m, p in zip(self.scoring["code"], self.scoring["max_points"], self.scoring["full_at_pct"])
        )
        return [
            f"Hồ sơ chứng thực được nhận diện khi {rules} (thiết lập của Chỉ số, không phải quy định chính thức).",
            f"Điểm các chỉ số thành phần ({scored}): tỷ lệ và mức đủ "
            "điểm của 2.1, 4.2, 4.3, 5.4 theo công thức kỹ thuật của Cổng Dịch vụ công quốc gia; 3.6 và 4.1 tính "
            "điểm tỷ lệ thuận (đủ điểm ở 100 %) là cách đọc của dự án, vì công thức của Cổng không công bố mức đủ "
            "điểm.",
            *PROJECT_READINGS_VI,
            "Chỉ tiêu và người phụ trách theo Kế hoạch 23/KH-UBND.",
        ]


# Where the project reads a source that leaves the rule open: said as the project's reading, not the portal's.
PROJECT_READINGS_VI = [
    "Mẫu số của 4.1 là hồ sơ có kết quả (trạng thái 9/10) trong kỳ: cách đọc của dự án — Cổng DVCQG tính trên "
    "hồ sơ của các thủ tục có trả kết quả, danh mục này không có trong tệp xuất.",
    "“Tỷ lệ dịch vụ công trực tuyến” của Kế hoạch 23 được đối chiếu với chỉ số 3.3 (tỷ lệ hồ sơ nộp trực tuyến), "
    "và “chứng thực điện tử” với tỷ lệ hồ sơ chứng thực nộp trực tuyến: cách đọc của dự án, kế hoạch không nêu "
    "công thức.",
]
_COLUMN_VI = {"field": "lĩnh vực", "procedure_name": "tên thủ tục"}


@lru_cache(maxsize=4)
def _load(reference: Path) -> ServiceSettings:
    targets = plan.targets(reference / "plan" / "targets.csv")
    if "counted" not in targets:
        targets = targets.assign(counted=1)
    columns = ["code", "target", "comparison", "counted"]
    targets = targets.loc[targets["index"] == INDEX, columns].reset_index(drop=True)
    owners = plan.owners(INDEX, reference / "plan" / "tasks.csv")
    path = reference.joinpath(*SCORING_FILE)
    scoring = checks.read_csv(path, ("code", "max_points", "full_at_pct"))
    checks.unique(scoring, ["code"], path)
    scoring = scoring.assign(
        max_points=checks.numbers(scoring, "max_points", path), full_at_pct=checks.numbers(scoring, "full_at_pct", path)
    )
    path = reference.joinpath(*CERTIFICATION_FILE)
    certification = checks.read_csv(path, ("column", "contains")).dropna()
    checks.one_of(certification, "column", [c for c, t in ONE_STOP.columns.items() if t == "string"], path)
    return ServiceSettings(
        targets,
        owners,
        scoring.drop(columns=checks.LINE),
        certification.drop(columns=checks.LINE).reset_index(drop=True),
    )
