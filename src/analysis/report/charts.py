"""Chart defaults for every report: readable PNGs at a size that keeps the HTML small, same bytes every run."""
from __future__ import annotations

import matplotlib

# Colours shared by every chart, so "below target" looks the same in every report.
GOOD = "#2e7d32"
BAD = "#c62828"
NEUTRAL = "#546e7a"
TARGET = "#f9a825"
BASELINE = "#90a4ae"


def setup() -> None:
    """DejaVu Sans has every Vietnamese letter; fixed dpi and no metadata keep renders byte-identical."""
    matplotlib.rcParams.update({
        "figure.dpi": 110,
        "savefig.dpi": 110,
        "figure.figsize": (8, 4),
        "font.family": "DejaVu Sans",
        "font.size": 10,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.titleweight": "bold",
        "svg.hashsalt": "chiso",
    })
    try:
        from IPython import get_ipython
        shell = get_ipython()
        if shell is not None:
            shell.run_line_magic("matplotlib", "inline")
            shell.run_line_magic("config", "InlineBackend.print_figure_kwargs = "
                                 "{'bbox_inches': 'tight', 'metadata': {'Software': None}}")
    except ImportError:  # plain Python (tests): nothing to configure
        pass
