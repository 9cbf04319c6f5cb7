"""The reveal.js slide decks, checked in headless Chromium (issues 6, 7 and 14): one slide per
slide/subslide cell, math typeset, the in-class questions answer clicks, nothing loaded
from outside localhost, and every slide fits the 1280 x 720 canvas. A file of its own, so
that a second pytest worker runs it beside test_pages.py.
"""

from __future__ import annotations

import re
import time

import pytest
from pagecheck import (
    assert_clean,
    assert_math_typeset,
    build_dir,
    check_quizzes,
    describe_slide,
    fit_summary,
    fit_table,
    load,
    measure_slides,
    misfits,
    notebook_list,
    open_page,
    quiz_count,
    tallest,
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


@pytest.mark.parametrize("path", PATHS, ids=lambda path: path.stem)
def test_slides_fit(context, site, path):
    """Every slide, all its fragments shown and its math typeset, fits the canvas: nothing
    below its bottom edge (nor hidden in a scroll box), no line of code or output, formula,
    image or text cut off on the right (issue 14). Prints the tallest slide of the deck and
    writes the measurements of every slide to build/screenshots/fit-<deck>.txt."""
    page = open_page(context, site + f"{path.stem}.slides.html")
    start = time.monotonic()
    records = measure_slides(page)
    seconds = time.monotonic() - start
    width, height = notebooks.RISE_METADATA["width"], notebooks.RISE_METADATA["height"]
    assert records, "the deck has no slides"
    assert all(r["canvas"] == [width, height] for r in records), \
        f"the canvas is {records[0]['canvas']}, not {width} x {height}"
    report = fit_summary(path.stem, records)
    (build_dir() / "screenshots" / f"fit-{path.stem}.txt").write_text(
        report + "\n\n" + fit_table(records) + "\n", encoding="utf-8")
    top = tallest(records)
    print(f"\n{path.stem}: tallest slide {top['number']} ({top['index']}) {top['title'][:60]!r}, "
          f"{top['height']}px of {height} ({len(records)} slides measured in {seconds:.1f} s)")
    errors = page.locator(".MathJax_Error, .merror").count()
    assert errors == 0, f"{errors} formulas failed to typeset as the slides were shown"
    bad = misfits(records)
    if bad:
        pytest.fail(f"{len(bad)} of {len(records)} slides do not fit {width} x {height}:\n"
                    + "\n".join(describe_slide(r) for r in bad))
    assert_clean(context)
