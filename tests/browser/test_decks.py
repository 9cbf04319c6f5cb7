"""The reveal.js slide decks, checked in headless Chromium (issues 6 and 7): one slide per
slide/subslide cell, math typeset, the in-class questions answer clicks, nothing loaded
from outside localhost. A file of its own, so that a second pytest worker runs it beside
test_pages.py.
"""

from __future__ import annotations

import re

import pytest
from pagecheck import (
    assert_clean,
    assert_math_typeset,
    build_dir,
    check_quizzes,
    load,
    notebook_list,
    open_page,
    quiz_count,
)

from lecturekit.toolchain import notebooks

pytestmark = pytest.mark.browser

PATHS = notebook_list()


@pytest.mark.parametrize("path", PATHS, ids=lambda path: path.stem)
def test_slides(context, site, path):
    notebook = load(path)
    page = open_page(context, site + f"{path.stem}.slides.html")
    page.wait_for_selector(".reveal.ready")
    expected = notebooks.slide_count(notebook)
    slides = page.locator(".reveal .slides section:not(.stack)").count()
    assert slides == expected, f"{slides} slides in the deck, {expected} slide/subslide cells"
    number = re.sub(r"\s+", "", page.locator(".slide-number").inner_text())
    assert number == f"1/{expected}", f"slide number reads {number!r}"
    page.wait_for_timeout(300)
    page.screenshot(path=str(build_dir() / "screenshots" / f"{path.stem}.slides.png"))
    assert_math_typeset(page, notebook)
    check_quizzes(page, quiz_count(notebook), in_slides=True)
    assert_clean(context)
