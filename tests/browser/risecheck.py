"""The check of a notebook as a RISE slideshow in JupyterLab, in headless Chromium (issue 6);
test_rise_a.py and test_rise_b.py run it on every other lecture each.

Slide count, notebooks/rise.css loaded, the first code cell runs (the hidden setup cells
before it too, as an instructor runs them), ipywidgets render as widgets, the in-class
questions are live, and every slide fits the 1280 x 720 canvas (issue 14): nothing below
its bottom edge or hidden in a scroll box, nothing cut off on the right. Screenshots and
the measurements of every slide (fit-<notebook>.rise.txt) go to build/screenshots/.

The fit is measured with the cells run up to the first widget and the stored outputs of the
others, which are the outputs the cells give when run (nbval checks them); with
LECTUREKIT_RISE_RUN_ALL=1 every code cell is run in the slideshow first.
"""

from __future__ import annotations

import json
import os
import re
import time
import urllib.request

import pytest
from pagecheck import (
    describe_slide,
    fit_summary,
    fit_table,
    load,
    measure_slides_by_url,
    misfits,
    quiz_count,
    tallest,
    widget_cells,
)

from lecturekit.toolchain import notebooks


def _rise_slide_count(notebook) -> int:
    """RISE shows every cell, so a ``remove-cell`` cell that starts a slide counts too."""
    return sum(cell.metadata.get("slideshow", {}).get("slide_type") in ("slide", "subslide")
               for cell in notebook.cells)


def _cell(page, index):
    return page.locator(f'.jp-Notebook .jp-Cell[data-windowed-list-index="{index}"]')


def _wait_idle(page, timeout_ms: int = 240_000):
    page.wait_for_function(
        "() => !Array.from(document.querySelectorAll('.jp-InputPrompt'))"
        ".some(p => p.textContent.includes('*'))", timeout=timeout_ms)


def _active(page) -> int:
    return page.evaluate(
        "Number(document.querySelector('.jp-Cell.jp-mod-active').dataset.windowedListIndex)")


FOCUS_JS = """() => { const e = document.activeElement; if (!e || e === document.body) { return 'body'; }
  const cell = e.closest('.jp-Cell');
  return (cell ? 'cell ' + cell.dataset.windowedListIndex + ' ' : '') + e.tagName.toLowerCase()
    + (e.className && typeof e.className === 'string' ? '.' + e.className.split(' ')[0] : ''); }"""


def _select(page, index: int):
    """Make cell ``index`` the active cell in command mode: focus it (visible cells), or walk to
    it with ``j`` and ``k`` from the nearest shown cell before it (cells hidden by slide type
    "skip" cannot take focus). The walk goes back up when it overshoots: a press during a slide
    change can be dropped, or counted twice."""
    wait = ("index => Number(document.querySelector('.jp-Cell.jp-mod-active')"
            ".dataset.windowedListIndex) === index")
    moved = ("before => Number(document.querySelector('.jp-Cell.jp-mod-active')"
             ".dataset.windowedListIndex) !== before")
    tried = []
    for _ in range(4):
        if _active(page) == index:
            return
        cell = _cell(page, index)
        if cell.is_visible():
            cell.evaluate("node => node.focus()")
            try:
                page.wait_for_function(wait, arg=index, timeout=2_000)
                return
            except Exception:  # noqa: BLE001 - fall back to the keyboard
                pass
        # Focusing the nearest shown cell before it gives the notebook the keyboard again (after
        # a slide change it is elsewhere) and makes that cell the active one.
        start = _active(page)
        earlier = next((i for i in range(index - 1, -1, -1) if _cell(page, i).is_visible()), None)
        if earlier is not None:
            _cell(page, earlier).evaluate("node => node.focus()")
            try:
                page.wait_for_function(wait, arg=earlier, timeout=2_000)
            except Exception:  # noqa: BLE001 - the walk below starts from wherever it is
                pass
        focus = page.evaluate(FOCUS_JS)
        page.keyboard.press("Escape")
        for _ in range(2 * abs(index - _active(page)) + 4):
            before = _active(page)
            if before == index:
                break
            page.keyboard.press("j" if before < index else "k")
            try:
                page.wait_for_function(moved, arg=before, timeout=1_500)
            except Exception:  # noqa: BLE001 - dropped: the next round focuses a cell again
                break
        tried.append(f"from cell {start} with the keyboard on {focus}, reached cell {_active(page)} "
                     f"({page.evaluate('location.hash')}, then on {page.evaluate(FOCUS_JS)})")
    assert _active(page) == index, f"could not select cell {index}: " + "; ".join(tried)


def _run_cell(page, index: int, attempts: int = 6):
    """Run cell ``index`` with Ctrl+Enter and wait until it has run. A key press that a busy
    page drops is retried: the cell counts as started once its prompt changes (at once, even
    while the kernel is still busy with the cell before)."""
    prompt = _cell(page, index).locator(".jp-InputPrompt").first
    before = prompt.text_content()
    for _ in range(attempts):
        _select(page, index)
        page.keyboard.press("Control+Enter")
        try:
            page.wait_for_function("([node, before]) => node.textContent !== before",
                                   arg=[prompt.element_handle(), before], timeout=1_500)
            break
        except Exception:  # noqa: BLE001 - the key press was lost; press it again
            continue
    else:
        raise AssertionError(f"cell {index} did not start running after {attempts} tries")
    _wait_idle(page)
    assert re.search(r"\d", prompt.text_content() or ""), f"cell {index} shows no execution count"


def _run_through(page, notebook, last: int):
    """Run the code cells up to ``last`` in order, hidden setup cells (slide type "skip")
    included, as an instructor who runs the notebook before presenting: each cell is made
    the active cell and run with Ctrl+Enter; the slideshow follows the active cell."""
    page.locator('.jp-Cell[data-windowed-list-index="0"]').click()
    page.keyboard.press("Escape")
    for index, cell in enumerate(notebook.cells[:last + 1]):
        if cell.cell_type == "code":
            _run_cell(page, index)
            shown = _cell(page, index).locator(".jp-OutputArea").all_inner_texts()
            assert not any("Traceback" in text for text in shown), f"cell {index} raised: {shown[-1][-600:]}"


def _stop_kernels(jupyter):
    headers = {"Authorization": f"token {jupyter['token']}"}
    request = urllib.request.Request(f"{jupyter['base']}/api/kernels", headers=headers)
    with urllib.request.urlopen(request) as response:
        kernels = json.load(response)
    for kernel in kernels:
        urllib.request.urlopen(urllib.request.Request(
            f"{jupyter['base']}/api/kernels/{kernel['id']}", method="DELETE", headers=headers)).close()


def check_rise_slideshow(context, jupyter, built, path):
    notebook = load(path)
    page = context.new_page()
    context.recorder.watch(page)
    try:
        page.goto(f"{jupyter['base']}/rise/notebooks/{path.name}?token={jupyter['token']}")
        page.wait_for_selector(".reveal .slides section.present .jp-Cell", timeout=90_000)
        page.wait_for_selector(".reveal .slide-number", timeout=30_000)
        page.wait_for_timeout(300)
        page.screenshot(path=str(built / "screenshots" / f"{path.stem}.rise.png"))
        slides = page.locator(".reveal .slides section:not(.stack)").count()
        expected = _rise_slide_count(notebook)
        assert slides == expected, f"RISE shows {slides} slides, the notebook has {expected}"
        marker = page.evaluate("getComputedStyle(document.body).getPropertyValue('--lk-rise-css').trim()")
        assert marker == "loaded", "RISE did not load notebooks/rise.css"

        code_cells = [i for i, cell in enumerate(notebook.cells) if cell.cell_type == "code"]
        widgets = widget_cells(notebook)
        if code_cells:
            page.evaluate("document.querySelectorAll('.jp-OutputArea-output')"
                          ".forEach(o => o.dataset.lkStale = '1')")
            run_all = os.environ.get("LECTUREKIT_RISE_RUN_ALL", "") not in ("", "0")
            _run_through(page, notebook, code_cells[-1] if run_all else max(code_cells[:1] + widgets[:1]))
            first = _cell(page, code_cells[0])
            if notebook.cells[code_cells[0]].get("outputs"):
                assert first.locator(".jp-OutputArea-output").count() > 0, "first code cell shows no output"
                assert first.locator(".jp-OutputArea-output[data-lk-stale]").count() == 0, \
                    "first code cell did not run"
            assert first.locator('[data-mime-type="application/vnd.jupyter.error"]').count() == 0, \
                "first code cell raised an error"
        recorder = context.recorder
        for index in widgets[:1]:
            cell = _cell(page, index)
            try:
                cell.locator(".jupyter-widgets").first.wait_for(timeout=30_000)
            except Exception:  # noqa: BLE001 - reported with the console errors below
                pass
            if cell.locator(".jupyter-widgets").count() == 0:
                page.screenshot(path=str(built / "screenshots" / f"{path.stem}.rise-widget-failed.png"))
            assert cell.locator(".jupyter-widgets").count() > 0, (
                f"cell {index}: no widget rendered in RISE; the cell shows {cell.inner_text()[-800:]!r}; "
                f"console errors: {recorder.console_errors[-5:]}")
            plain = cell.locator('.jp-OutputArea-output[data-mime-type="text/plain"]').all_inner_texts()
            assert not any(re.match(r"\w+\(", text) for text in plain), f"widget shown as text: {plain}"
            page.screenshot(path=str(built / "screenshots" / f"{path.stem}.rise-widget.png"))

        quizzes = page.locator(".lecturekit-quiz")
        assert quizzes.count() == quiz_count(notebook)
        for number in range(quizzes.count()):
            quiz = quizzes.nth(number)
            assert quiz.get_attribute("data-ready") == "1", "question script did not run (untrusted?)"
            assert not quiz.locator(".lkq-answer div").is_visible(), "answer not hidden"
        widget_errors = [text for text in recorder.console_errors + recorder.page_errors
                         if "jupyter-widgets" in text or "Shared module" in text]
        assert not widget_errors, f"widget manager failed in RISE: {widget_errors}"
        assert not recorder.blocked, f"RISE requested: {recorder.blocked}"
        _check_fit(page, built, path)
    finally:
        page.close()
        _stop_kernels(jupyter)


def _check_fit(page, built, path):
    """Walk every slide of the slideshow (one evaluate each) and assert that it fits the canvas;
    print the tallest, write every slide's measurements to fit-<notebook>.rise.txt."""
    start = time.monotonic()
    records = measure_slides_by_url(page)
    seconds = time.monotonic() - start
    width, height = notebooks.RISE_METADATA["width"], notebooks.RISE_METADATA["height"]
    assert records and all(r["canvas"] == [width, height] for r in records), \
        f"RISE's canvas is {records[0]['canvas'] if records else None}, not {width} x {height}"
    (built / "screenshots" / f"fit-{path.stem}.rise.txt").write_text(
        fit_summary(f"{path.stem} (RISE)", records) + "\n\n" + fit_table(records) + "\n", encoding="utf-8")
    top = tallest(records)
    print(f"\n{path.stem} (RISE): tallest slide {top['number']} ({top['index']}) {top['title'][:60]!r}, "
          f"{top['height']}px of {height} ({len(records)} slides measured in {seconds:.1f} s)")
    bad = misfits(records)
    if bad:
        pytest.fail(f"RISE: {len(bad)} of {len(records)} slides do not fit {width} x {height}:\n"
                    + "\n".join(describe_slide(r) for r in bad))
