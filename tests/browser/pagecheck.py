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
    are split over two test files each, so that the two pytest workers of ``make test-browser``
    share them (pytest-xdist keeps each file on one worker)."""
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


# --- does every slide fit the 1280 x 720 canvas? (issue 14) ------------------------------------

FIT_TOLERANCE_PX = 2  # sub-pixel rounding of the scaled canvas; nothing more is forgiven

# Measures one slide (a reveal.js <section>, static deck or RISE) in canvas pixels, where the
# canvas is the .slides box (1280 x 720) that reveal.js scales to the window: the section's
# own geometry divided by the scale, not the viewport. Returns a record (see measure_slides).
#
# Down: where the content ends, as laid out now. A section that scrolls (or clips) ends at its
# box plus what it hides below (scrollHeight - clientHeight); one that does not ends at the
# lowest of its content (scrollHeight) and its descendants' boxes, so a slide that reveal.js
# centred before MathJax made it taller counts where it shows. Inside the slide, a box that
# scrolls vertically counts as soon as its content is taller than it (it shows a scrollbar), one
# that clips without scrolling when an element inside reaches below it.
# Right: every piece of content that reaches past what cuts it off: the canvas's right edge, or
# a box that does not show overflow (itself or an ancestor; one that scrolls sideways too, as
# the line is still not on the slide). Code and output (<pre>, RISE's CodeMirror) are judged by
# their lines (monospace: characters that fit = visible width / glyph width), images, formulas,
# table rows, inline code and widgets by their boxes, other elements by the text directly in
# them. Each cut is reported once, at the innermost element that shows it.
FIT_MEASURE_JS = r"""(section, tol) => {
  const slides = section.closest('.slides') || section.parentElement;
  const W = slides.offsetWidth, H = slides.offsetHeight;
  const sr = slides.getBoundingClientRect();
  const scale = sr.width / W || 1;
  const box = el => {
    const r = el.getBoundingClientRect();
    return {left: (r.left - sr.left) / scale, top: (r.top - sr.top) / scale,
            right: (r.right - sr.left) / scale, bottom: (r.bottom - sr.top) / scale};
  };
  const clean = text => (text || '').replace(/\u00b6/g, '').replace(/\s+/g, ' ').trim();
  const textOf = el => clean(el.innerText || el.textContent || el.getAttribute('alt') || el.tagName)
    .slice(0, 70);
  // its first heading, else the first line of its first cell (prompts left out)
  const heading = section.querySelector('h1, h2, h3, h4, h5, h6');
  const firstText = Array.from(section.querySelectorAll(
      '.jp-RenderedMarkdown, .jp-InputArea-editor, .jp-OutputArea-output, .text_cell_render, .input_area'))
    .map(e => e.innerText || e.textContent || '').find(text => text.trim()) || section.textContent;
  const title = clean(heading ? heading.textContent : firstText.split('\n').find(line => line.trim()));
  const clipsX = style => style.overflowX !== 'visible';
  const clipsY = style => style.overflowY !== 'visible';
  const scrollable = value => value === 'auto' || value === 'scroll';
  const MATH = '.MathJax_Display, .MathJax, .MathJax_SVG, .MathJax_CHTML, mjx-container, .MathJax_Preview';
  const ATOMIC = /^(IMG|SVG|CANVAS|VIDEO|IFRAME|TR|CODE|INPUT|SELECT|TEXTAREA|BUTTON)$/i;
  const kind = el => el.matches(MATH) ? 'math'
    : /^(img|svg|canvas|video)$/i.test(el.tagName) ? 'image'
    : el.closest('.jp-InputPrompt, .jp-OutputPrompt') ? 'prompt'
    : el.closest('.jp-MarkdownOutput, .jp-RenderedMarkdown, .text_cell_render') ? 'markdown'
    : el.closest('.jp-InputArea, .input_area') ? 'code'
    : el.closest('.jp-OutputArea, .output') ? 'output' : 'text';
  const canvas = document.createElement('canvas').getContext('2d');
  const cut = [], hidden = [];
  const below = new Map();  // a box that clips without scrolling -> how far content reaches below it
  let lowest = -Infinity;

  // The lines of a <pre> (or a CodeMirror 6 editor, as in RISE) that do not fit the visible
  // width: monospace, so the characters that fit = visible width / glyph width.
  const cutLines = (el, visibleRight) => {
    const style = getComputedStyle(el);
    canvas.font = style.font;
    const glyph = canvas.measureText('0').width || 1;
    const first = el.tagName === 'PRE' ? el : el.querySelector('.cm-line') || el;
    const firstStyle = getComputedStyle(first);
    const textLeft = box(first).left + first.clientLeft + parseFloat(firstStyle.paddingLeft || 0);
    const fits = Math.max(0, Math.floor((visibleRight - textLeft + tol) / glyph));
    const texts = el.tagName === 'PRE' ? el.textContent.replace(/\n$/, '').split('\n')
      : Array.from(el.querySelectorAll('.cm-line'), line => line.textContent);
    const wraps = /^(pre-wrap|break-spaces|normal)$/.test(firstStyle.whiteSpace);
    const long = wraps ? [] : texts.map(line => line.replace(/\t/g, '        ').replace(/\s+$/, ''))
      .filter(line => line.length > fits);
    const longest = long.reduce((a, line) => (line.length > a.length ? line : a), '');
    return {lines: long.length, chars: longest.length, fits, text: longest.slice(0, 70),
            px: Math.round(textLeft + longest.length * glyph - visibleRight)};
  };

  // Depth first. clipRight, clipBottom: the nearest edges (canvas px) that cut the element off;
  // clipper: the nearest box that clips without scrolling (no box that scrolls in between),
  // and its bottom edge. Returns whether something in el was reported cut.
  const visit = (el, clipRight, clipBottom, clipper, clipperBottom) => {
    const style = getComputedStyle(el);
    if (style.display === 'none' || (style.visibility === 'hidden' && !el.closest('.fragment'))) return false;
    if (!el.getClientRects().length) {
      if (style.display !== 'contents') return false;
      let found = false;
      for (const child of el.children) {
        found = visit(child, clipRight, clipBottom, clipper, clipperBottom) || found;
      }
      return found;
    }
    const b = box(el);
    const own = el !== section;
    const math = el.matches(MATH);
    const lines = el.tagName === 'PRE' || el.classList.contains('cm-content');
    const atomic = lines || math || ATOMIC.test(el.tagName) || el.classList.contains('jupyter-widgets');
    const innerRight = b.left + el.clientLeft + el.clientWidth;
    const innerBottom = b.top + el.clientTop + el.clientHeight;
    const right = own && clipsX(style) ? Math.min(clipRight, innerRight) : clipRight;
    // how far the element's content reaches past what cuts it off on the right
    let past = 0, text = null;
    if (lines) {  // judged by its text: a clipped right padding cuts nothing
      text = cutLines(el, el.tagName === 'PRE' ? right : clipRight);
      past = text.lines ? text.px : 0;
    } else if (atomic) {  // an image, formula, table row, inline code, widget: box and content
      past = b.right - clipRight;
      if (own && clipsX(style) && !/^(INPUT|SELECT|TEXTAREA)$/.test(el.tagName)) {
        past = Math.max(past, b.left + el.clientLeft + el.scrollWidth - innerRight);
      }
    } else {  // a container: the text directly in it (its elements are visited themselves)
      // text-overflow: ellipsis ends the text at the content box (the padding stays empty)
      const limit = own && clipsX(style) && style.textOverflow === 'ellipsis'
        ? Math.min(right, innerRight - parseFloat(style.paddingRight || 0)) : right;
      for (const node of el.childNodes) {
        if (node.nodeType !== Node.TEXT_NODE || !node.nodeValue.trim()) continue;
        const range = document.createRange();
        range.selectNodeContents(node);
        for (const r of range.getClientRects()) past = Math.max(past, (r.right - sr.left) / scale - limit);
      }
    }
    if (own) {
      lowest = Math.max(lowest, Math.min(b.bottom, clipBottom));
      if (clipper && b.bottom - clipperBottom > tol) {
        below.set(clipper, Math.max(below.get(clipper) || 0, b.bottom - clipperBottom));
      }
      // a box that scrolls shows a scrollbar as soon as its content is taller than it
      if (clipsY(style) && scrollable(style.overflowY) && !math && el.scrollHeight - el.clientHeight > tol) {
        hidden.push({kind: kind(el), px: Math.round(el.scrollHeight - el.clientHeight), scrollable: true,
                     text: textOf(el)});
      }
    }
    let found = false;
    if (!atomic) {
      const clipNow = own && clipsY(style) && !scrollable(style.overflowY);
      const bottom = own && clipsY(style) ? Math.min(clipBottom, innerBottom) : clipBottom;
      const by = clipNow ? el : (own && clipsY(style) ? null : clipper);
      const byBottom = clipNow ? innerBottom : clipperBottom;
      for (const child of el.children) found = visit(child, right, bottom, by, byBottom) || found;
    }
    if (past > tol && !found && own) {
      const record = {kind: kind(el), px: Math.round(past), scrollable: false, text: textOf(el)};
      for (let a = el; a && a !== section.parentElement; a = a.parentElement) {
        const sideways = scrollable(getComputedStyle(a).overflowX) && a.scrollWidth - a.clientWidth > tol;
        if (sideways) record.scrollable = true;
      }
      if (text) Object.assign(record, text);
      cut.push(record);
      found = true;
    }
    return found;
  };

  const style = getComputedStyle(section);
  const s = box(section);
  const clipping = clipsY(style);
  visit(section, W, clipping ? s.top + section.clientTop + section.clientHeight : Infinity, null, Infinity);
  for (const [el, px] of below) {
    hidden.push({kind: kind(el), px: Math.round(px), scrollable: false, text: textOf(el)});
  }
  // Where the content ends: a slide that scrolls ends at its box plus what it hides below
  const hiddenBelow = clipping ? Math.max(0, section.scrollHeight - section.clientHeight) : 0;
  const bottom = clipping ? s.bottom + hiddenBelow
                          : Math.max(s.top + section.clientTop + section.scrollHeight, lowest);
  if (clipsX(style) && section.scrollWidth - section.clientWidth > tol && !cut.length) {
    cut.push({kind: 'text', px: Math.round(section.scrollWidth - section.clientWidth),
              scrollable: scrollable(style.overflowX), text: '(the whole slide scrolls sideways)'});
  }
  return {title, top: Math.round(s.top), height: Math.round(clipping ? section.scrollHeight : bottom - s.top),
          overflow: Math.round(Math.max(0, bottom - H, hiddenBelow)), scrolls: hiddenBelow > tol,
          cut, hidden, canvas: [W, H]};
}"""

# The slides of a static deck in order, as [h, v] indices.
FIT_INDICES_JS = """() => Array.from(document.querySelectorAll('.reveal .slides > section'))
.flatMap((outer, h) => {
  const inner = outer.querySelectorAll(':scope > section');
  return inner.length ? Array.from(inner, (_, v) => [h, v]) : [[h, 0]];
})"""

# Go to slide [h, v] of a static deck with all its fragments shown, wait until MathJax has
# typeset it again (the deck re-renders a slide's math when it is shown), its images have
# loaded and the page has laid it out twice, then measure it.
FIT_WALK_JS = """async ([h, v, tol]) => {
  let R = window.Reveal && window.Reveal.slide ? window.Reveal : null;
  if (!R) {
    const script = document.querySelector('script[data-requiremodule*="reveal.js/dist/reveal"]');
    R = require(script ? script.dataset.requiremodule : 'assets/reveal.js/dist/reveal.js');
  }
  R.slide(h, v);
  const section = R.getCurrentSlide();
  const fragments = Array.from(section.querySelectorAll('.fragment'));
  if (fragments.length) {
    R.slide(h, v, Math.max(...fragments.map(f => Number(f.dataset.fragmentIndex) || 0)));
    fragments.forEach(f => f.classList.add('visible'));
  }
  if (window.MathJax && MathJax.Hub && MathJax.Hub.Queue) {
    await new Promise(done => MathJax.Hub.Queue(() => done()));
  }
  const timeout = new Promise(done => setTimeout(done, 5000));
  await Promise.race([timeout, Promise.all(Array.from(section.querySelectorAll('img'), img =>
    img.complete ? null : new Promise(done => { img.onload = img.onerror = done; })))]);
  if (document.fonts) await document.fonts.ready;
  await new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)));
  const record = (""" + FIT_MEASURE_JS + """)(section, tol);
  record.number = R.getSlides().indexOf(section) + 1;
  return record;
}"""


# The same for a slideshow whose reveal.js instance the page does not expose (RISE): go to
# slide [h, v] through the URL (reveal.js follows it), wait until it is shown, then measure.
FIT_HASH_WALK_JS = """async ([h, v, tol]) => {
  const stack = document.querySelectorAll('.reveal .slides > section')[h];
  const inner = stack.querySelectorAll(':scope > section');
  const section = inner.length ? inner[v] : stack;
  const frame = () => new Promise(done => requestAnimationFrame(() => done()));
  const shown = () => section.classList.contains('present');
  // RISE may move the slideshow on to the active cell's slide meanwhile: ask again, and
  // measure only once the slide has stayed for two frames
  for (let attempt = 0; attempt < 5; attempt++) {
    if (!shown()) {
      location.hash = attempt % 2 ? '#/slide-' + h + '-' + v : '#/' + h + '/' + v;
      const deadline = performance.now() + 3000;
      while (!shown() && performance.now() < deadline) await frame();
    }
    await frame(); await frame();
    if (shown()) break;
  }
  const timeout = new Promise(done => setTimeout(done, 5000));
  await Promise.race([timeout, Promise.all(Array.from(section.querySelectorAll('img'), img =>
    img.complete ? null : new Promise(done => { img.onload = img.onerror = done; })))]);
  if (document.fonts) await document.fonts.ready;
  await frame(); await frame();
  section.querySelectorAll('.fragment').forEach(f => f.classList.add('visible'));
  const record = (""" + FIT_MEASURE_JS + """)(section, tol);
  record.shown = shown();
  record.where = location.hash + ' shows ' + Array.from(document.querySelectorAll(
    '.reveal .slides section.present:not(.stack)'), present => present.id).join(', ');
  return record;
}"""


def measure_slides(page) -> list[dict]:
    """Walk every slide of the open reveal.js deck ``page`` (not a sample) and measure how it
    fits the canvas, with all its fragments shown and its math typeset. One record per slide:
    ``number`` (1-based, as the slide number reads), ``index`` ("h/v", as in the URL),
    ``title`` (its first heading), ``height`` (of its content, canvas px), ``overflow`` (px
    the content reaches below the canvas or hides in the slide's scroll container; 0 when it
    fits), ``scrolls``, ``cut`` (elements cut off on the right: kind code/output/text/math/
    image, px, and for code and output the lines that do not fit: count, longest length,
    characters that fit, its first characters) and ``hidden`` (elements inside that hide
    content below their box)."""
    page.wait_for_selector(".reveal.ready")
    page.evaluate(WAIT_MATHJAX_JS)  # a slide shown while MathJax typesets the deck fails to typeset
    records = []
    for h, v in page.evaluate(FIT_INDICES_JS):
        record = page.evaluate(FIT_WALK_JS, [h, v, FIT_TOLERANCE_PX])
        record["index"] = f"{h}/{v}"
        records.append(record)
    return records


def measure_slides_by_url(page) -> list[dict]:
    """:func:`measure_slides` for RISE: every slide, reached through the URL, one evaluate each."""
    records = []
    for number, (h, v) in enumerate(page.evaluate(FIT_INDICES_JS), start=1):
        record = page.evaluate(FIT_HASH_WALK_JS, [h, v, FIT_TOLERANCE_PX])
        where = record.pop("where")
        assert record.pop("shown"), f"slide {h}/{v} could not be shown through the URL ({where})"
        record.update(number=number, index=f"{h}/{v}")
        records.append(record)
    return records


def misfits(records: list[dict]) -> list[dict]:
    """The slides that do not fit: content below the canvas, content hidden in a box that
    scrolls or clips, or something cut off on the right."""
    return [r for r in records if r["overflow"] > FIT_TOLERANCE_PX or r["cut"] or r["hidden"]]


def describe_cut(item: dict) -> str:
    where = "scrolls sideways" if item.get("scrollable") else "clipped"
    if "lines" in item:
        return (f"{item['kind']}: {item['lines']} line(s) cut ({where}), longest {item['chars']} chars,"
                f" {item['fits']} fit: {item['text']!r}")
    return f"{item['kind']} +{item['px']}px on the right ({where}): {item['text']!r}"


def describe_slide(record: dict) -> str:
    """One line per problem of a slide, for a failure message or a report."""
    head = f"slide {record.get('number', '?')} ({record.get('index', '?')}) {record['title'][:60]!r}"
    parts = []
    if record["overflow"] > FIT_TOLERANCE_PX:
        parts.append(f"+{record['overflow']}px below the canvas (content {record['height']}px"
                     f"{', scrolls' if record['scrolls'] else ', no scrollbar'})")
    parts += [f"hides +{item['px']}px in a {item['kind']} box: {item['text']!r}" for item in record["hidden"]]
    parts += [describe_cut(item) for item in record["cut"]]
    return head + ": " + "; ".join(parts)


def tallest(records: list[dict]) -> dict:
    return max(records, key=lambda r: r["height"])


def fit_summary(name: str, records: list[dict]) -> str:
    """The report of one deck: every slide that does not fit, and the tallest slide."""
    if not records:
        return f"{name}: no slides"
    bad = misfits(records)
    width, height = records[0]["canvas"]
    lines = [f"{name}: {len(records)} slides, {len(bad)} do not fit the {width}x{height} canvas"]
    lines += ["  " + describe_slide(r) for r in bad]
    top = tallest(records)
    lines.append(f"  tallest: slide {top.get('number', '?')} ({top.get('index', '?')}) "
                 f"{top['title'][:60]!r}, {top['height']}px")
    return "\n".join(lines)


def fit_table(records: list[dict]) -> str:
    """Every slide on a line: number, index, content height, overflow, problems, title."""
    lines = [f"{'slide':>5} {'h/v':>6} {'height':>6} {'below':>6} {'cut':>3}  title"]
    for r in records:
        below = f"+{r['overflow']}" if r["overflow"] > FIT_TOLERANCE_PX else ""
        lines.append(f"{r.get('number', '?'):>5} {r.get('index', '?'):>6} {r['height']:>6} {below:>6} "
                     f"{len(r['cut']) + len(r['hidden']) or '':>3}  {r['title'][:70]}")
    return "\n".join(lines)
