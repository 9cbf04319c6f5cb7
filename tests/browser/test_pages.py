"""The course page and the handouts, checked in headless Chromium (issues 6 and 7).

With the network blocked except for localhost: every handout loads without a failed
request or console error, its math is typeset, and the in-class questions answer clicks
with the right feedback. The slide decks (test_decks.py) and the RISE slideshows
(test_rise_a.py, test_rise_b.py) have files of their own, so that the two pytest workers of
``make test-browser`` share the browser checks. Screenshots go to build/screenshots/.
"""

from __future__ import annotations

import urllib.request

import pytest
from pagecheck import (
    assert_clean,
    assert_math_typeset,
    check_quizzes,
    load,
    notebook_list,
    open_page,
    quiz_count,
    widget_cells,
)

from lecturekit.toolchain import notebooks

pytestmark = pytest.mark.browser

PATHS = notebook_list()
def test_course_page_lists_every_lecture(context, site):
    page = open_page(context, site + "index.html")
    for path in PATHS:
        entry = page.locator(f'li[id="{path.stem}"]')
        assert entry.count() == 1, f"{path.stem} missing from the course page"
        assert entry.locator("h2").inner_text().strip(), f"{path.stem} has no title"
        assert entry.locator("p").first.inner_text().strip(), f"{path.stem} has no summary"
        for href in (f"{path.stem}.html", f"{path.stem}.slides.html"):
            assert entry.locator(f'a[href="{href}"]').count() == 1
            with urllib.request.urlopen(site + href) as response:
                assert response.status == 200
    assert_clean(context)


@pytest.mark.parametrize("path", PATHS, ids=lambda path: path.stem)
def test_handout(context, site, path):
    notebook = load(path)
    page = open_page(context, site + f"{path.stem}.html")
    assert_math_typeset(page, notebook)
    removed = sum(notebooks.REMOVE_TAG in cell.metadata.get("tags", []) for cell in notebook.cells)
    assert page.locator(".jp-Cell").count() == len(notebook.cells) - removed
    for index in widget_cells(notebook):
        assert page.locator(".jupyter-widgets").count() > 0, f"cell {index}: widget state not rendered"
    assert page.evaluate("Array.from(document.images).every(i => i.complete && i.naturalWidth > 0)"), \
        "an image did not load"
    check_quizzes(page, quiz_count(notebook), in_slides=False)
    assert_clean(context)


def test_printed_handout_shows_the_answers(context, site):
    path = next(p for p in PATHS if quiz_count(load(p)))
    page = open_page(context, site + f"{path.stem}.html")
    answers = page.locator(".lecturekit-quiz .lkq-answer div")
    assert answers.count() > 0 and not answers.first.is_visible()
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    page.emulate_media(media="print")
    assert all(answers.nth(i).is_visible() for i in range(answers.count())), "an answer is hidden in print"
    assert not page.locator(".lecturekit-quiz .lkq-reveal").first.is_visible()
    assert_clean(context)
