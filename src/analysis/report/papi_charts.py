"""Charts of the PAPI report: Vietnamese titles and axes, the shared colours, one figure per call.

Each function draws from a collect.papi.PapiView and returns the figure (None when there is nothing to draw),
so a notebook cell is the call and ``plt.show()``.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from analysis.collect.papi import PapiView
from analysis.indicators import papi
from analysis.report import charts

FOCUS = "#1565c0"
OTHER = "#b0bec5"


def _short(view: PapiView) -> dict[str, str]:
    return dict(zip(view.ref.dims["code"], view.ref.dims["short_vi"]))


def dimensions(view: PapiView):
    """Each dimension: the province in the baseline year and the latest year, the national median and the best."""
    now = view.profile[(view.profile["year"] == view.latest) & view.profile["code"].isin(papi.DIMENSIONS)]
    if now.empty:
        return None
    base = view.profile[view.profile["year"] == view.baseline_year].set_index("code")["value"]
    now = now.set_index("code").reindex(papi.DIMENSIONS)
    y = np.arange(len(papi.DIMENSIONS))[::-1]
    fig, ax = plt.subplots(figsize=(8.5, 4.8))
    ax.hlines(
        y,
        now["median"].astype(float),
        now["best"].astype(float),
        color=OTHER,
        linewidth=6,
        alpha=0.5,
        label="Từ trung vị đến tỉnh cao nhất",
    )
    ax.scatter(now["median"].astype(float), y, marker="|", s=300, color=charts.NEUTRAL, label="Trung vị toàn quốc")
    ax.scatter(now["best"].astype(float), y, marker="|", s=300, color=charts.GOOD, label="Tỉnh cao nhất")
    if view.latest != view.baseline_year:
        ax.scatter(
            base.reindex(papi.DIMENSIONS).astype(float),
            y,
            color=charts.BASELINE,
            s=45,
            zorder=3,
            label=f"{view.province} {view.baseline_year}",
        )
    ax.scatter(now["value"].astype(float), y, color=FOCUS, s=60, zorder=4, label=f"{view.province} {view.latest}")
    short = _short(view)
    ax.set_yticks(y, [f"{code} {short.get(code, '')}" for code in papi.DIMENSIONS])
    ax.set_xlim(1, 10)
    ax.set_xlabel("Điểm (thang 1–10)")
    ax.set_title(
        f"{view.province}: tám nội dung PAPI {view.latest} so với {view.baseline_year}, trung vị và tỉnh cao nhất"
    )
    ax.legend(loc="upper center", bbox_to_anchor=(0.45, -0.13), ncol=3, fontsize=8, frameon=False)
    return fig


def total_trend(view: PapiView):
    """The total since 2011 with the national median and the P25–P75 band; the 6- and 8-dimension periods
    are drawn apart (their totals are on different scales and are not compared)."""
    mine = view.profile[view.profile["code"] == papi.TOTAL].sort_values("year")
    if mine.empty:
        return None
    fig, ax = plt.subplots(figsize=(8.5, 4))
    for first, (_, part) in enumerate(mine.groupby("scale_dims")):  # one line per scale, never joined
        years, labelled = part["year"].to_numpy(), first == 0
        ax.fill_between(
            years,
            part["p25"].astype(float),
            part["p75"].astype(float),
            color=OTHER,
            alpha=0.35,
            label="25–75 % các tỉnh" if labelled else None,
        )
        ax.plot(
            years,
            part["median"].astype(float),
            color=charts.NEUTRAL,
            linestyle="--",
            label="Trung vị toàn quốc" if labelled else None,
        )
        ax.plot(years, part["value"].astype(float), color=FOCUS, marker="o", label=view.province if labelled else None)
    if mine["scale_dims"].nunique() > 1:
        ax.axvline(2017.5, color="#455a64", linewidth=0.8)
        top = ax.get_ylim()[1]
        ax.text(2017.4, top, "6 nội dung (6–60)", ha="right", va="top", fontsize=8)
        ax.text(2017.6, top, "8 nội dung (8–80)", ha="left", va="top", fontsize=8)
    ax.set_xticks(mine["year"].to_numpy())
    ax.tick_params(axis="x", labelrotation=45)
    ax.set_xlabel("Năm khảo sát PAPI")
    ax.set_ylabel("Tổng điểm")
    ax.set_title(f"Tổng điểm PAPI của {view.province}, {int(mine['year'].min())}–{int(mine['year'].max())}")
    ax.legend(loc="lower right", fontsize=8, frameon=False)
    return fig


def dimension_trends(view: PapiView):
    """Small multiples: each dimension of the province against the national median, every year."""
    frame = view.profile[view.profile["code"].isin(papi.DIMENSIONS)]
    if frame.empty:
        return None
    fig, axes = plt.subplots(2, 4, figsize=(11, 5), sharex=True, sharey=True)
    first, last = int(frame["year"].min()), int(frame["year"].max())
    years = sorted({first, last, *range(2018, last + 1, 3)})  # 2018: D7 and D8 begin
    short = _short(view)
    for ax, code in zip(axes.flat, papi.DIMENSIONS):
        part = frame[frame["code"] == code].sort_values("year")
        ax.plot(part["year"], part["median"].astype(float), color=charts.NEUTRAL, linestyle="--", linewidth=1)
        ax.plot(part["year"], part["value"].astype(float), color=FOCUS, marker="o", markersize=3)
        ax.set_title(f"{code} {short.get(code, '')}", fontsize=9)
        ax.set_xticks(years, [str(y) for y in years])
        ax.tick_params(labelsize=8)
    fig.supxlabel("Năm khảo sát (D7, D8 từ 2018)", fontsize=9)
    fig.supylabel("Điểm (1–10)", fontsize=9)
    fig.suptitle(f"Từng nội dung của {view.province} (xanh) và trung vị toàn quốc (nét đứt)", fontweight="bold")
    fig.tight_layout()
    return fig


def region(view: PapiView):
    """Each dimension: every province of the region as a dot, the focus province highlighted."""
    peers = papi.region_view(view.standing, view.province, view.latest, view.region)
    peers = peers[peers["code"].isin(papi.DIMENSIONS)]
    if peers.empty:
        return None
    position = {code: i for i, code in enumerate(reversed(papi.DIMENSIONS))}
    fig, ax = plt.subplots(figsize=(8.5, 4.8))
    others = peers[peers["province"] != view.province]
    mine = peers[peers["province"] == view.province]
    ax.scatter(
        others["value"].astype(float), others["code"].map(position), color=OTHER, s=40, label="Các tỉnh khác trong vùng"
    )
    medians = peers.drop_duplicates("code")
    ax.scatter(
        medians["median"].astype(float),
        medians["code"].map(position),
        marker="|",
        s=300,
        color=charts.NEUTRAL,
        label="Trung vị toàn quốc",
    )
    ax.scatter(
        mine["value"].astype(float), mine["code"].map(position), color=FOCUS, s=70, zorder=3, label=view.province
    )
    short = _short(view)
    ax.set_yticks(list(position.values()), [f"{c} {short.get(c, '')}" for c in position])
    ax.set_xlabel("Điểm (thang 1–10)")
    ax.set_title(f"Vùng {view.region}, PAPI {view.latest}: {view.province} so với các tỉnh trong vùng")
    ax.legend(loc="lower right", fontsize=8, frameon=False)
    return fig


def subdimensions(view: PapiView):
    """Sub-dimensions of the latest year against the baseline, as a share of each one's maximum (10/k)."""
    if view.sub_profile is None:
        return None
    frame = view.ref.subs.merge(view.sub_profile, on="code")
    now = frame[frame["year"] == view.latest].set_index("code")
    if now.empty:
        return None
    base = frame[frame["year"] == view.baseline_year].set_index("code")
    codes = list(now.index)[::-1]
    scale = (now["k"] / 10 * 100).reindex(codes).astype(float)
    fig, ax = plt.subplots(figsize=(8.5, 7))
    y = np.arange(len(codes))
    ax.barh(y, now["value"].reindex(codes).astype(float) * scale, color=FOCUS, height=0.6, label=str(view.latest))
    if view.latest != view.baseline_year and len(base):
        ax.scatter(
            base["value"].reindex(codes).astype(float) * scale,
            y,
            color=charts.TARGET,
            zorder=3,
            label=str(view.baseline_year),
        )
    ax.set_yticks(y, [f"{c} {n}" for c, n in zip(codes, now["name_vi"].reindex(codes))], fontsize=7)
    ax.set_xlim(0, 100)
    ax.set_xlabel("Điểm, % của mức tối đa (10/k)")
    demo = " — DỮ LIỆU MẪU (DEMO)" if view.sub_file.demo else ""
    ax.set_title(f"Nội dung thành phần của {view.province}{demo}")
    ax.legend(loc="lower right", fontsize=8, frameon=False)
    return fig


def survey(view: PapiView):
    """PAPI-like sub-dimension scores of the unit's survey on a 1–10 equivalent scale, with their intervals."""
    if view.survey is None:
        return None
    subs = view.survey[(view.survey["level"] == "subdimension") & view.survey["value"].notna()]
    if subs.empty:
        return None
    k = subs["code"].map(view.ref.subs.set_index("code")["k"]).astype(float)
    value, low, high = (subs[c].astype(float) * k for c in ("value", "ci_low", "ci_high"))
    y = np.arange(len(subs))[::-1]
    fig, ax = plt.subplots(figsize=(8.5, 0.35 * len(subs) + 1.5))
    ax.errorbar(
        value,
        y,
        xerr=[value - low.fillna(value), high.fillna(value) - value],
        fmt="o",
        color=FOCUS,
        ecolor=charts.NEUTRAL,
        capsize=3,
    )
    labels = [f"{c} {n} (n={int(size)})" for c, n, size in zip(subs["code"], subs["name"], subs["n"])]
    ax.set_yticks(y, labels, fontsize=8)
    ax.set_xlim(1, 10)
    confidence = round(view.ref.settings.survey_confidence * 100)
    ax.set_xlabel(f"Điểm khảo sát kiểu PAPI quy về thang 1–10 (điểm × k), khoảng tin cậy {confidence} %")
    demo = " — DỮ LIỆU MẪU (DEMO)" if view.survey_demo else ""
    ax.set_title(f"Khảo sát kiểu PAPI tại {view.unit}, khảo sát {view.survey_year}{demo}")
    return fig
