"""Chart defaults for every report: readable PNGs at a size that keeps the HTML small, same bytes every run."""

from __future__ import annotations

import matplotlib
from matplotlib import scale, ticker

from analysis import fmt

# Colours shared by every chart, so "below target" looks the same in every report.
GOOD = "#2e7d32"
BAD = "#c62828"
NEUTRAL = "#546e7a"
TARGET = "#f9a825"
BASELINE = "#90a4ae"


class VietnameseFormatter(ticker.ScalarFormatter):
    """Axis numbers as in the tables: decimal comma, dot for thousands, true minus sign (0,25; 1.500; −2)."""

    def __init__(self) -> None:
        super().__init__(useOffset=False)
        self.set_scientific(False)

    def __call__(self, x: float, pos: int | None = None) -> str:
        text = super().__call__(x, pos).replace("\u2212", "-")
        digits = len(text.split(".")[1]) if "." in text else 0
        shown = fmt.number(abs(float(text)), digits) if text else ""
        return f"\u2212{shown}" if text.startswith("-") and float(text) != 0 else shown


class VietnameseLinearScale(scale.LinearScale):
    """The linear scale with Vietnamese tick labels, registered under matplotlib's own name "linear" so every
    chart of every report gets them without each chart asking."""

    def __init__(self, *_: object) -> None:  # matplotlib < 3.11 passes the axis, 3.11+ nothing; neither is used
        super().__init__(None)

    def set_default_locators_and_formatters(self, axis) -> None:
        super().set_default_locators_and_formatters(axis)
        axis.set_major_formatter(VietnameseFormatter())


def setup() -> None:
    """DejaVu Sans has every Vietnamese letter; fixed dpi and no metadata keep renders byte-identical."""
    matplotlib.rcParams.update(
        {
            "figure.dpi": 110,
            "savefig.dpi": 110,
            "figure.figsize": (8, 4),
            "font.family": "DejaVu Sans",
            "font.size": 10,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.titleweight": "bold",
            "svg.hashsalt": "chiso",
            "text.parse_math": False,  # names from the data are text: "Lệ phí 5$ - 10$" is no formula
        }
    )
    scale.register_scale(VietnameseLinearScale)
    try:
        from IPython import get_ipython

        shell = get_ipython()
        if shell is not None:
            shell.run_line_magic("matplotlib", "inline")
            shell.run_line_magic(
                "config", "InlineBackend.print_figure_kwargs = {'bbox_inches': 'tight', 'metadata': {'Software': None}}"
            )
    except ImportError:  # plain Python (tests): nothing to configure
        pass
