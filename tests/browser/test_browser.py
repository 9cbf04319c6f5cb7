"""The published pages and the RISE slideshow, checked in headless Chromium (issues 6 and 7).

With the network blocked except for localhost: every handout and slide deck loads without
a failed request or console error, its math is typeset, the deck has one slide per
slide/subslide cell, and the in-class questions answer clicks with the right feedback.
Then every notebook is opened as a RISE slideshow in JupyterLab: slide count, the first
code cell runs, ipywidgets render as widgets. Screenshots go to build/screenshots/.
"""

from __future__ import annotations

import json
import re
import urllib.request

import nbformat
import pytest
from pagecheck import build_dir, notebook_list

from lecturekit.toolchain import notebooks

pytestmark = pytest.mark.browser

PATHS = notebook_list()
IDS = [path.stem for path in PATHS]
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
MATH_SOURCE = re.compile(r"\$[^$\n]+\$|\$\$|\\\(|\\\[|\\begin\{")
RAW_MATH = re.compile(r"\$[^$\n]+\$|\\\(|\\\[|\\(frac|sum|sigma|partial|mathbf|cdot|hat|theta|left|begin)\b")

# Visible markdown text (code, scripts and typeset math left out), one string per cell.
MARKDOWN_TEXT_JS = """() => Array.from(document.querySelectorAll('.jp-MarkdownOutput, .jp-RenderedMarkdown'))
  .map(cell => {
    const skip = 'script,style,code,pre,.MathJax,.MathJax_Display,.MathJax_Preview,mjx-container';
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT, {acceptNode: node =>
      node.parentElement.closest(skip) ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT});
    let text = '';
    while (walker.nextNode()) { text += walker.currentNode.nodeValue; }
    return text;
  })"""

WAIT_MATHJAX_JS = """() => new Promise(done => {
  if (!window.MathJax || !MathJax.Hub) { done(); return; }
  MathJax.Hub.Queue(() => done());
})"""


def _load(path):
    return nbformat.read(path, as_version=4)


def _visible_cells(notebook):
    return [cell for cell in notebook.cells if notebooks.REMOVE_TAG not in cell.metadata.get("tags", [])]


def _has_math(notebook) -> bool:
    return any(cell.cell_type == "markdown" and MATH_SOURCE.search(cell.source)
               for cell in _visible_cells(notebook))


def _quiz_count(notebook) -> int:
    return sum("lecturekit-quiz" in output.get("data", {}).get("text/html", "")
               for cell in _visible_cells(notebook) if cell.cell_type == "code"
               for output in cell.get("outputs", []))


def _widget_cells(notebook) -> list[int]:
    return [index for index, cell in enumerate(notebook.cells) if cell.cell_type == "code"
            and any(WIDGET_VIEW in output.get("data", {}) for output in cell.get("outputs", []))]


def _open(context, url):
    page = context.new_page()
    context.recorder.watch(page)
    page.goto(url, wait_until="load")
    page.wait_for_load_state("networkidle")
    page.evaluate(WAIT_MATHJAX_JS)
    return page


def _assert_clean(context):
    recorder = context.recorder
    assert not recorder.blocked, f"requests that left localhost: {recorder.blocked}"
    assert not recorder.failed, f"failed requests: {recorder.failed}"
    assert not recorder.http_errors, f"HTTP errors: {recorder.http_errors}"
    assert not recorder.console_errors, f"console errors: {recorder.console_errors}"
    assert not recorder.page_errors, f"uncaught exceptions: {recorder.page_errors}"


def _assert_math_typeset(page, notebook):
    texts = page.evaluate(MARKDOWN_TEXT_JS)
    raw = [match.group(0) for text in texts for match in [RAW_MATH.search(text)] if match]
    assert not raw, f"math left untypeset: {raw[:5]}"
    assert page.locator(".MathJax_Error, .merror").count() == 0, "MathJax reported an error"
    if _has_math(notebook):
        assert page.locator(".MathJax, .MathJax_Display").count() > 0, "no typeset math found"


def _show(page, element):
    """Make ``element`` visible in a reveal.js deck: go to its slide, show its fragments."""
    indices = element.evaluate("""node => {
      const inner = node.closest('section');
      const outer = inner.parentElement.closest('section');
      const slides = Array.from(document.querySelectorAll('.reveal .slides > section'));
      if (!outer) { return [slides.indexOf(inner), 0]; }
      return [slides.indexOf(outer), Array.from(outer.querySelectorAll(':scope > section')).indexOf(inner)];
    }""")
    page.evaluate("([h, v]) => { location.hash = '#/' + h + '/' + v; }", indices)
    page.wait_for_function("node => node.closest('section').classList.contains('present')",
                           arg=element.element_handle())
    element.evaluate("node => { for (let f = node.closest('.fragment'); f;"
                     " f = f.parentElement.closest('.fragment')) { f.classList.add('visible'); } }")
    page.wait_for_timeout(100)


def _check_quizzes(page, expected: int, in_slides: bool):
    quizzes = page.locator(".lecturekit-quiz")
    assert quizzes.count() == expected, f"{quizzes.count()} questions shown, the notebook has {expected}"
    for number in range(quizzes.count()):
        quiz = quizzes.nth(number)
        if in_slides:
            _show(page, quiz)
        feedback = quiz.locator(".lkq-feedback")
        answer = quiz.get_attribute("data-answer")
        options = quiz.locator("button.lkq-option")
        if options.count():
            wrong = next(i for i in range(options.count()) if str(i) != answer)
            options.nth(wrong).click()
            assert "lkq-wrong" in feedback.get_attribute("class")
            assert feedback.inner_text().startswith("Not quite")
            quiz.locator(f'button.lkq-option[data-index="{answer}"]').click()
        else:
            value, tolerance = float(answer), float(quiz.get_attribute("data-tolerance"))
            field = quiz.locator("input")
            field.fill(f"{value + tolerance + 1:g}")
            quiz.locator("button.lkq-check").click()
            assert "lkq-wrong" in feedback.get_attribute("class")
            assert feedback.inner_text().startswith("Not quite")
            field.fill(repr(value) if value != int(value) else str(int(value)))
            quiz.locator("button.lkq-check").click()
        assert "lkq-right" in feedback.get_attribute("class")
        assert feedback.inner_text().startswith("Correct")
        assert not quiz.locator(".lkq-answer div").is_visible(), "answer shown before asked for"
        quiz.locator(".lkq-reveal").click()
        assert quiz.locator(".lkq-answer div").is_visible()


def test_course_page_lists_every_lecture(context, site):
    page = _open(context, site + "index.html")
    for path in PATHS:
        entry = page.locator(f'li[id="{path.stem}"]')
        assert entry.count() == 1, f"{path.stem} missing from the course page"
        assert entry.locator("h2").inner_text().strip(), f"{path.stem} has no title"
        assert entry.locator("p").first.inner_text().strip(), f"{path.stem} has no summary"
        for href in (f"{path.stem}.html", f"{path.stem}.slides.html"):
            assert entry.locator(f'a[href="{href}"]').count() == 1
            with urllib.request.urlopen(site + href) as response:
                assert response.status == 200
    _assert_clean(context)


@pytest.mark.parametrize("path", PATHS, ids=IDS)
def test_handout(context, site, path):
    notebook = _load(path)
    page = _open(context, site + f"{path.stem}.html")
    _assert_math_typeset(page, notebook)
    removed = sum(notebooks.REMOVE_TAG in cell.metadata.get("tags", []) for cell in notebook.cells)
    assert page.locator(".jp-Cell").count() == len(notebook.cells) - removed
    for index in _widget_cells(notebook):
        assert page.locator(".jupyter-widgets").count() > 0, f"cell {index}: widget state not rendered"
    assert page.evaluate("Array.from(document.images).every(i => i.complete && i.naturalWidth > 0)"), \
        "an image did not load"
    _check_quizzes(page, _quiz_count(notebook), in_slides=False)
    _assert_clean(context)


def test_printed_handout_shows_the_answers(context, site):
    path = next(p for p in PATHS if _quiz_count(_load(p)))
    page = _open(context, site + f"{path.stem}.html")
    answers = page.locator(".lecturekit-quiz .lkq-answer div")
    assert answers.count() > 0 and not answers.first.is_visible()
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    page.emulate_media(media="print")
    assert all(answers.nth(i).is_visible() for i in range(answers.count())), "an answer is hidden in print"
    assert not page.locator(".lecturekit-quiz .lkq-reveal").first.is_visible()
    _assert_clean(context)


@pytest.mark.parametrize("path", PATHS, ids=IDS)
def test_slides(context, site, path):
    notebook = _load(path)
    page = _open(context, site + f"{path.stem}.slides.html")
    page.wait_for_selector(".reveal.ready")
    expected = notebooks.slide_count(notebook)
    slides = page.locator(".reveal .slides section:not(.stack)").count()
    assert slides == expected, f"{slides} slides in the deck, {expected} slide/subslide cells"
    number = re.sub(r"\s+", "", page.locator(".slide-number").inner_text())
    assert number == f"1/{expected}", f"slide number reads {number!r}"
    page.wait_for_timeout(300)
    page.screenshot(path=str(build_dir() / "screenshots" / f"{path.stem}.slides.png"))
    _assert_math_typeset(page, notebook)
    _check_quizzes(page, _quiz_count(notebook), in_slides=True)
    _assert_clean(context)


# ---------------------------------------------------------------- RISE in JupyterLab

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


def _select(page, index: int):
    """Make cell ``index`` the active cell in command mode: focus it (visible cells) or walk
    with ``j`` (cells hidden by slide type "skip" cannot take focus)."""
    wait = ("index => Number(document.querySelector('.jp-Cell.jp-mod-active')"
            ".dataset.windowedListIndex) === index")
    for _ in range(3):
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
        page.keyboard.press("Escape")
        while _active(page) < index:
            before = _active(page)
            page.keyboard.press("j")
            page.wait_for_timeout(50)
            if _active(page) == before:
                break
    assert _active(page) == index, f"could not select cell {index}"


def _run_cell(page, index: int, attempts: int = 4):
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
                                   arg=[prompt.element_handle(), before], timeout=4_000)
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


@pytest.mark.parametrize("path", PATHS, ids=IDS)
def test_rise_slideshow(context, jupyter, built, path):
    notebook = _load(path)
    page = context.new_page()
    context.recorder.watch(page)
    try:
        page.goto(f"{jupyter['base']}/rise/notebooks/{path.name}?token={jupyter['token']}")
        page.wait_for_selector(".reveal .slides section.present .jp-Cell", timeout=90_000)
        page.wait_for_selector(".reveal .slide-number", timeout=30_000)
        page.wait_for_timeout(1000)
        page.screenshot(path=str(built / "screenshots" / f"{path.stem}.rise.png"))
        slides = page.locator(".reveal .slides section:not(.stack)").count()
        expected = _rise_slide_count(notebook)
        assert slides == expected, f"RISE shows {slides} slides, the notebook has {expected}"
        marker = page.evaluate("getComputedStyle(document.body).getPropertyValue('--lk-rise-css').trim()")
        assert marker == "loaded", "RISE did not load notebooks/rise.css"

        code_cells = [i for i, cell in enumerate(notebook.cells) if cell.cell_type == "code"]
        widgets = _widget_cells(notebook)
        if code_cells:
            page.evaluate("document.querySelectorAll('.jp-OutputArea-output')"
                          ".forEach(o => o.dataset.lkStale = '1')")
            _run_through(page, notebook, max(code_cells[:1] + widgets[:1]))
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
        assert quizzes.count() == _quiz_count(notebook)
        for number in range(quizzes.count()):
            quiz = quizzes.nth(number)
            assert quiz.get_attribute("data-ready") == "1", "question script did not run (untrusted?)"
            assert not quiz.locator(".lkq-answer div").is_visible(), "answer not hidden"
        widget_errors = [text for text in recorder.console_errors + recorder.page_errors
                         if "jupyter-widgets" in text or "Shared module" in text]
        assert not widget_errors, f"widget manager failed in RISE: {widget_errors}"
        assert not recorder.blocked, f"RISE requested: {recorder.blocked}"
    finally:
        page.close()
        _stop_kernels(jupyter)
