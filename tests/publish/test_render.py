"""The HTML contract of notebook-practice.md, checked on a notebook built here."""

import copy
import re

from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from analysis.publish.render import report_title, to_html
from analysis.report import html

ONE_PIXEL_PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="


def _executed_notebook():
    nb = new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    params = new_code_cell('unit: str = "Ninh Thạnh"')
    params.metadata["tags"] = ["parameters"]
    injected = new_code_cell(
        'unit = "SECRET_INJECTED"', outputs=[new_output("stream", name="stdout", text="SECRET_INJECTED\n")]
    )
    injected.metadata["tags"] = ["injected-parameters"]
    header = new_code_cell(
        "ctx = context.start(...)  # CODE_MARKER",
        execution_count=2,
        outputs=[
            new_output(
                "display_data",
                data={"text/html": html.header("Báo cáo <thử>", "phường Ninh Thạnh", "Quý I/2024", demo=True)},
            )
        ],
    )
    table = new_code_cell(
        "show()",
        execution_count=3,
        outputs=[
            new_output(
                "display_data",
                data={
                    "text/html": html.table(
                        __import__("pandas").DataFrame({"x": ["<script>alert(1)</script>"]}), {"x": "Cột"}
                    )
                },
            )
        ],
    )
    image = new_code_cell(
        "plot()", execution_count=4, outputs=[new_output("display_data", data={"image/png": ONE_PIXEL_PNG})]
    )
    nb.cells = [params, injected, header, new_markdown_cell("## Phần một"), table, image]
    return nb


def test_report_has_no_code_no_prompts_no_parameters_and_no_remote_reference():
    page = to_html(_executed_notebook(), "Báo cáo thử")
    assert "CODE_MARKER" not in page and "SECRET_INJECTED" not in page
    assert "In&nbsp;[" not in page and "Out&nbsp;[" not in page
    assert not re.search(r'class="[^"]*jp-(?:Input|Output)Prompt', page)
    assert not re.search(r'(?:src|href)\s*=\s*["\']?(?:https?:)?//', page)
    assert not re.search(r"@import|url\(\s*['\"]?(?:https?:)?//", page)
    assert "<script" not in page
    assert '<html lang="vi">' in page
    assert "<title>Báo cáo thử</title>" in page
    assert 'src="data:image/png;base64,' in page  # image embedded


def test_data_text_is_escaped_and_demo_banner_present():
    page = to_html(_executed_notebook(), "Báo cáo thử")
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert 'class="chiso-demo"' in page and "position: fixed" in page  # repeated on every printed page


def test_same_notebook_renders_to_identical_bytes_and_title_comes_from_header():
    nb = _executed_notebook()
    assert to_html(copy.deepcopy(nb), "T") == to_html(copy.deepcopy(nb), "T")
    assert report_title(nb, "fallback") == "Báo cáo <thử>"


def test_demo_banner_is_a_repeating_print_header_and_absent_from_real_reports():
    demo_page = to_html(_executed_notebook(), "Báo cáo thử")
    assert re.search(r'<table class="chiso-page"><thead><tr><td><div class="chiso-demo-print">DỮ LIỆU MẪU', demo_page)
    real = _executed_notebook()
    real.cells[2].outputs[0]["data"]["text/html"] = html.header(
        "Báo cáo", "phường Ninh Thạnh", "Quý I/2024", demo=False
    )
    real_page = to_html(real, "Báo cáo thật")
    assert '<table class="chiso-page">' not in real_page and "DỮ LIỆU MẪU" not in real_page
