"""The warm-up runs the notebooks' own imports, and only those: not the parameters cell, not magics."""

from __future__ import annotations

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from analysis.batch import kernel


def test_the_warm_up_is_the_notebooks_top_level_imports_once_each(tmp_path):
    params = new_code_cell("import os\nunit: str = ''")
    params.metadata["tags"] = ["parameters"]
    first = new_notebook(
        cells=[
            params,
            new_markdown_cell("import this_is_text"),
            new_code_cell("import pandas as pd\nfrom analysis.report import context\nx = 1"),
            new_code_cell("%matplotlib inline\nimport numpy"),  # a magic: not Python, left to the notebook
            new_code_cell("def f():\n    import json\n    return json"),  # not at top level
        ]
    )
    second = new_notebook(cells=[new_code_cell("import pandas as pd\nfrom analysis import fmt")])
    paths = []
    for name, nb in (("a.ipynb", first), ("b.ipynb", second)):
        nbformat.write(nb, tmp_path / name)
        paths.append(tmp_path / name)
    assert kernel.imports_of(paths).splitlines() == [
        "import pandas as pd",
        "from analysis.report import context",
        "from analysis import fmt",
    ]
