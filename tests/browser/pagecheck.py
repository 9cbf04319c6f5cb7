"""Settings shared by the browser checks: which notebooks, where the build goes, which browser."""

from __future__ import annotations

import os
import re
from pathlib import Path

from lecturekit.toolchain import notebooks

ROOT = Path(__file__).resolve().parents[2]

CHROMIUM = os.environ.get("LECTUREKIT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost"}


def notebook_list() -> list[Path]:
    listed = os.environ.get("LECTUREKIT_BROWSER_NOTEBOOKS")
    if listed:
        return [Path(item).resolve() for item in listed.split(os.pathsep) if item]
    return notebooks.notebook_paths(ROOT)


def build_dir() -> Path:
    return Path(os.environ.get("LECTUREKIT_BUILD_DIR", ROOT / "build")).resolve()


# --- what a notebook holds, for the checks of its pages and of its RISE slideshow -------------

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def load(path):
    import nbformat

    return nbformat.read(path, as_version=4)


def visible_cells(notebook):
    """The cells a handout or deck shows: all but the test-only ones (tag ``remove-cell``)."""
    return [cell for cell in notebook.cells if notebooks.REMOVE_TAG not in cell.metadata.get("tags", [])]


def quiz_count(notebook) -> int:
    return sum("lecturekit-quiz" in output.get("data", {}).get("text/html", "")
               for cell in visible_cells(notebook) if cell.cell_type == "code"
               for output in cell.get("outputs", []))


def widget_cells(notebook) -> list[int]:
    return [index for index, cell in enumerate(notebook.cells) if cell.cell_type == "code"
            and any(WIDGET_VIEW in output.get("data", {}) for output in cell.get("outputs", []))]


def half(paths: list, which: int) -> list:
    """Every other notebook, starting at ``which`` (0 or 1): the browser checks of the lectures
    are split over two test files each, so that the two pytest workers of ``make test`` share
    them (pytest-xdist keeps each file on one worker)."""
    return paths[which::2]


# --- checks of a built page in the browser ------------------------------------------------------

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


def has_math(notebook) -> bool:
    return any(cell.cell_type == "markdown" and MATH_SOURCE.search(cell.source)
               for cell in visible_cells(notebook))


def open_page(context, url):
    page = context.new_page()
    context.recorder.watch(page)
    page.goto(url, wait_until="load")
    page.wait_for_load_state("networkidle")
    page.evaluate(WAIT_MATHJAX_JS)
    return page


def assert_clean(context):
    recorder = context.recorder
    assert not recorder.blocked, f"requests that left localhost: {recorder.blocked}"
    assert not recorder.failed, f"failed requests: {recorder.failed}"
    assert not recorder.http_errors, f"HTTP errors: {recorder.http_errors}"
    assert not recorder.console_errors, f"console errors: {recorder.console_errors}"
    assert not recorder.page_errors, f"uncaught exceptions: {recorder.page_errors}"


def assert_math_typeset(page, notebook):
    texts = page.evaluate(MARKDOWN_TEXT_JS)
    raw = [match.group(0) for text in texts for match in [RAW_MATH.search(text)] if match]
    assert not raw, f"math left untypeset: {raw[:5]}"
    assert page.locator(".MathJax_Error, .merror").count() == 0, "MathJax reported an error"
    if has_math(notebook):
        assert page.locator(".MathJax, .MathJax_Display").count() > 0, "no typeset math found"


def show(page, element):
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


def check_quizzes(page, expected: int, in_slides: bool):
    quizzes = page.locator(".lecturekit-quiz")
    assert quizzes.count() == expected, f"{quizzes.count()} questions shown, the notebook has {expected}"
    for number in range(quizzes.count()):
        quiz = quizzes.nth(number)
        if in_slides:
            show(page, quiz)
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
