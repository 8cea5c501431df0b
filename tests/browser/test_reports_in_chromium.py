"""Every report kind opened as a reader would: offline in Chromium, on screen and printed on A4."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.e2e  # a demo batch and a browser: left out of `make test-fast`

# Every report kind the batch writes, as (folder, file): the unit's six reports, the city's three, the index.
REPORTS = [
    ("thanh-pho", "00_data_quality.html"),
    ("ninh-thanh", "05_plan_scorecard.html"),
    ("ninh-thanh", "10_service_index.html"),
    ("ninh-thanh", "20_sipas.html"),
    ("ninh-thanh", "30_papi.html"),
    ("thanh-pho", "30_papi.html"),
    ("ninh-thanh", "40_par_index.html"),
    ("thanh-pho", "90_overview.html"),
    ("", "index.html"),
]
A4_POINTS = (595.28, 841.89)
# The width of an A4 page inside the stylesheet's 12 mm side margins, in CSS pixels (96 per inch).
A4_CONTENT_PX = int((210 - 24) / 25.4 * 96)
MAX_PAGES = 20

# Elements whose right edge runs past the page's content box (a clipped column or picture on paper).
OVERFLOW_JS = """() => {
  const width = document.documentElement.clientWidth;
  const out = [];
  for (const el of document.querySelectorAll('table, img')) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || getComputedStyle(el).display === 'none') continue;
    if (box.right > width + 1 || el.scrollWidth > el.clientWidth + 1) {
      const what = (el.textContent || el.alt || '').trim().slice(0, 60);
      out.push(el.tagName + ' ' + what + ' right=' + Math.round(box.right));
    }
  }
  return out;
}"""


def _open(browser, path, viewport_width=1280):
    """A page on ``path`` with every non-file request refused; returns (page, console errors, refused URLs)."""
    context = browser.new_context(viewport={"width": viewport_width, "height": 900})
    errors: list[str] = []
    refused: list[str] = []

    def route(request_route):
        if request_route.request.url.startswith(("file:", "data:")):
            request_route.continue_()
        else:
            refused.append(request_route.request.url)
            request_route.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(path.as_uri(), wait_until="load")
    return page, errors, refused


@pytest.mark.parametrize("folder,name", REPORTS, ids=[f"{f or 'period'}/{n}" for f, n in REPORTS])
def test_report_opens_offline_and_is_not_blank(browser, demo_reports, folder, name):
    page, errors, refused = _open(browser, demo_reports / folder / name)
    text = page.inner_text("body")
    assert errors == [], f"console errors in {folder}/{name}: {errors}"
    assert refused == [], f"{folder}/{name} asked for remote resources: {refused}"
    assert len(text) > 300 and page.locator("h1").count() >= 1, f"{folder}/{name} looks blank"
    assert "No description has been provided" not in page.content()
    page.context.close()


@pytest.mark.parametrize("folder,name", [r for r in REPORTS if r[0]], ids=[f"{f}/{n}" for f, n in REPORTS if f])
def test_report_links_back_to_the_index_and_the_units_reports(browser, demo_reports, folder, name):
    page, _, _ = _open(browser, demo_reports / folder / name)
    hrefs = page.eval_on_selector_all("nav.chiso-nav a", "links => links.map(a => a.getAttribute('href'))")
    assert "../index.html" in hrefs
    siblings = sorted(p.name for p in (demo_reports / folder).glob("*.html") if p.name != name)
    assert set(siblings) <= set(hrefs), f"{folder}/{name} does not link to {siblings}: {hrefs}"
    for href in hrefs:  # every link leads to a file the batch wrote
        assert (demo_reports / folder / href).resolve().exists(), href
    page.context.close()


@pytest.mark.parametrize("folder,name", REPORTS, ids=[f"{f or 'period'}/{n}" for f, n in REPORTS])
def test_report_prints_on_a4_without_clipping(browser, demo_reports, folder, name, tmp_path):
    page, _, _ = _open(browser, demo_reports / folder / name, viewport_width=A4_CONTENT_PX)
    page.emulate_media(media="print")
    clipped = page.evaluate(OVERFLOW_JS)
    assert clipped == [], f"{folder}/{name}: runs past the A4 page edge in print: {clipped}"
    pdf = tmp_path / "printed.pdf"
    page.pdf(path=str(pdf), prefer_css_page_size=True)
    data = pdf.read_bytes()
    boxes = {
        tuple(round(float(v), 0) for v in m.groups())
        for m in re.finditer(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", data)
    }
    assert boxes == {tuple(round(v, 0) for v in A4_POINTS)}, f"{folder}/{name} printed on {boxes}, not A4"
    pages = len(re.findall(rb"/Type\s*/Page\b(?!s)", data))
    assert 1 <= pages <= MAX_PAGES, f"{folder}/{name} prints on {pages} pages"
    page.context.close()
