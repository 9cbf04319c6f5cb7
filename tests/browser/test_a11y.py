"""Accessibility of the built pages (issue 14), checked in headless Chromium.

- axe-core (npm, fetched into the asset cache by :func:`lecturekit.toolchain.assets.fetch_test_asset`
  and injected here: the pages never load it) finds no violation of impact serious or
  critical on the course page, on any handout (with every solution and answer opened and
  every question answered once) and on any deck: once with the first slide shown, as reveal.js
  opens it, and once with every slide and fragment shown one after the other.
- On a 390 x 844 phone, every code block, output and display formula of a handout fits the
  screen or scrolls sideways in its own box; the page itself does not scroll sideways.
- Formulas in table cells are typeset on one line (MathJax's automatic line breaking, which
  fits long display formulas to the page, used to wrap them over up to five lines).
- The widgets are usable in the decks and the handouts (on a phone too): every number box,
  drop-down and slider is at least 40 px wide, not covered, and takes input (the kernel
  explorer's 3 x 3 grid was squeezed to 1 px beside its figure).
- No image of a built page lacks alt text, those the widgets draw included (that the stored
  figures carry it and the templates write it is checked without a browser, in
  tests/test_accessibility.py).

Without npm (no axe-core), the axe checks skip and say why; the others still run.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from pagecheck import WAIT_MATHJAX_JS, load, notebook_list, open_page, show, visible_cells, widget_cells

from lecturekit.toolchain import assets as page_assets

PATHS = notebook_list()
BLOCKING = ("serious", "critical")
PHONE = {"width": 390, "height": 844}
NBCONVERT_PLACEHOLDER = "No description has been provided for this image"
browser = pytest.mark.browser


def _stem(path: Path) -> str:
    return path.stem


# --- axe-core ------------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def axe_or_reason() -> tuple[str | None, str]:
    """The source of axe-core (pinned in TEST_NPM_ASSETS), fetched with npm once; or None and
    why it cannot be had."""
    name, version = page_assets.TEST_NPM_ASSETS["axe-core"]
    try:
        return page_assets.fetch_test_asset("axe-core", "axe.min.js").read_text(encoding="utf-8"), ""
    except (OSError, RuntimeError, subprocess.SubprocessError) as error:
        return None, (f"{name}@{version} cannot be had from npm ({error}): the axe accessibility "
                      "checks need it (the other checks of this file still run)")


@pytest.fixture(scope="session")
def axe_source(axe_or_reason) -> str:
    source, reason = axe_or_reason
    if source is None:
        pytest.skip(reason)
    return source


AXE_RUN_JS = """async rules => {
  // preload: false, so that axe fetches no style sheet (it resolves reveal.js's @import wrongly).
  const options = {resultTypes: ['violations'], preload: false};
  if (rules) { options.runOnly = {type: 'rule', values: rules}; }
  const result = await axe.run(document, options);
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, count: v.nodes.length,
    nodes: v.nodes.slice(0, 6).map(n => ({target: n.target.join(' '), impact: n.impact,
      summary: (n.failureSummary || '').replace(/\\s+/g, ' ').trim()}))}));
}"""


def axe_violations(page, axe_source: str, rules: list[str] | None = None) -> list[dict]:
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(content=axe_source)
    return page.evaluate(AXE_RUN_JS, rules)


def assert_no_serious_violation(page, axe_source: str, where: str, rules: list[str] | None = None) -> None:
    blocking = [v for v in axe_violations(page, axe_source, rules) if v["impact"] in BLOCKING]
    report = []
    for violation in blocking:
        report.append(f"{violation['id']} ({violation['impact']}, {violation['count']} elements): "
                      f"{violation['help']}")
        report += [f"    {node['target']}: {node['summary'][:300]}" for node in violation["nodes"]]
    assert not blocking, f"axe-core on {where}:\n" + "\n".join(report)


# What a reader can open: solutions and answers, and each question answered once (a wrong or a
# right feedback shows), so that their colours are checked too.
OPEN_EVERYTHING_JS = """() => {
  document.querySelectorAll('details').forEach(d => { d.open = true; });
  document.querySelectorAll('.lecturekit-quiz').forEach(quiz => {
    const option = quiz.querySelector('button.lkq-option');
    if (option) { option.click(); return; }
    const field = quiz.querySelector('input'), check = quiz.querySelector('button.lkq-check');
    if (field && check) { field.value = '0'; check.click(); }
  });
}"""

# Every slide and fragment of a reveal.js deck, one after the other at the deck's width (as
# reveal.js hides every slide but the current one). reveal.js's slide backgrounds are empty in
# these decks (no data-background), and axe-core takes them, transformed in 3-D, for elements
# covering the text: they are removed.
SHOW_ALL_SLIDES_JS = """() => {
  const width = document.querySelector('.reveal .slides').offsetWidth;
  document.querySelectorAll('.reveal .backgrounds, .reveal .slide-background').forEach(e => e.remove());
  document.querySelectorAll('.reveal .slides section').forEach(section => {
    section.removeAttribute('hidden'); section.removeAttribute('aria-hidden'); section.style.display = '';
  });
  document.querySelectorAll('.reveal .fragment').forEach(f => f.classList.add('visible'));
  const style = document.createElement('style');
  style.textContent = 'html, body { overflow: visible !important; height: auto !important; }'
    + ' .reveal, .reveal .slides { position: static !important; transform: none !important;'
    + ' zoom: 1 !important; height: auto !important; overflow: visible !important;'
    + ' inset: auto !important; margin: 0 !important; }'
    + ' .reveal .slides { width: ' + width + 'px !important; }'
    + ' .reveal .slides section { display: block !important; position: relative !important;'
    + ' visibility: visible !important; opacity: 1 !important; transform: none !important;'
    + ' top: auto !important; left: auto !important; height: auto !important;'
    + ' max-height: none !important; overflow: visible !important; margin: 0 0 24px !important; }';
  document.head.appendChild(style);
  return document.querySelectorAll('.reveal .slides section:not(.stack)').length;
}"""


def wait_for_widgets(page, notebook) -> None:
    """Wait until the HTML manager drew the widgets and the page's script named them."""
    if widget_cells(notebook):
        page.wait_for_selector(".jupyter-widgets .widget-inline-hbox", state="attached")
        page.wait_for_timeout(300)


@browser
def test_course_page_has_no_serious_accessibility_violation(context, site, axe_source):
    page = open_page(context, site + "index.html")
    assert_no_serious_violation(page, axe_source, "index.html")


@browser
@pytest.mark.parametrize("path", PATHS, ids=_stem)
def test_handout_has_no_serious_accessibility_violation(context, site, axe_source, path):
    page = open_page(context, site + f"{path.stem}.html")
    wait_for_widgets(page, load(path))
    page.evaluate(OPEN_EVERYTHING_JS)
    assert_no_serious_violation(page, axe_source, f"{path.stem}.html")


@browser
@pytest.mark.parametrize("path", PATHS, ids=_stem)
def test_deck_has_no_serious_accessibility_violation(context, site, axe_source, path):
    page = open_page(context, site + f"{path.stem}.slides.html")
    page.wait_for_selector(".reveal.ready")
    wait_for_widgets(page, load(path))
    assert_no_serious_violation(page, axe_source, f"{path.stem}.slides.html (first slide)")
    backgrounds = page.locator(".reveal section[data-background], .reveal section[data-background-color],"
                               " .reveal section[data-background-image]")
    assert backgrounds.count() == 0, "a slide has a background: the check below would drop it"
    assert page.evaluate(SHOW_ALL_SLIDES_JS) > 0
    page.wait_for_timeout(200)
    assert_no_serious_violation(page, axe_source, f"{path.stem}.slides.html (every slide shown)")


# --- phones ------------------------------------------------------------------------------------

def open_phone(context, url):
    """``url`` laid out and typeset on a 390 x 844 screen from the start (MathJax breaks lines
    for the width it typesets at)."""
    page = context.new_page()
    page.set_viewport_size(PHONE)
    context.recorder.watch(page)
    page.goto(url, wait_until="load")
    page.wait_for_load_state("networkidle")
    page.evaluate(WAIT_MATHJAX_JS)
    return page


# For each code block, output and display formula shown: does it fit the screen, or scroll
# sideways in a box of its own (overflow-x auto or scroll) that fits the screen?
CUT_OFF_JS = """() => {
  const screen = document.documentElement.clientWidth, cut = [];
  for (const box of document.querySelectorAll('pre, .MathJax_Display')) {
    if (!box.getClientRects().length || getComputedStyle(box).visibility === 'hidden') { continue; }
    let scroller = null, clip = screen;
    for (let el = box; el && el !== document.body; el = el.parentElement) {
      const style = getComputedStyle(el);
      if (['auto', 'scroll'].includes(style.overflowX)) { scroller = el; break; }
      if (style.overflowX !== 'visible') { clip = Math.min(clip, el.getBoundingClientRect().right); }
    }
    const rect = box.getBoundingClientRect();
    const name = box.tagName.toLowerCase() + ' "' + box.textContent.trim().slice(0, 50) + '"';
    if (scroller) {
      const own = scroller.getBoundingClientRect();
      if (own.right > screen + 1 || own.left < -1) {
        cut.push(name + ': its scroll box reaches ' + Math.round(own.left) + '..' + Math.round(own.right)
                 + ' px');
      }
    } else if (rect.left + box.scrollWidth > Math.min(screen, clip) + 1) {
      cut.push(name + ': ' + Math.round(rect.left + box.scrollWidth) + ' px wide, cut at '
                + Math.round(Math.min(screen, clip)) + ' px with no way to scroll');
    }
  }
  return {cut, page: document.documentElement.scrollWidth, screen};
}"""


@browser
@pytest.mark.parametrize("path", PATHS, ids=_stem)
def test_handout_on_a_phone_scrolls_wide_code_sideways(context, site, axe_or_reason, path):
    """On a 390 px phone nothing is cut off, what scrolls takes the keyboard focus (axe-core,
    when it can be had), and every image, the widgets' included, has alt text."""
    page = open_phone(context, site + f"{path.stem}.html")
    wait_for_widgets(page, load(path))
    assert_images_have_alt_text(page)
    result = page.evaluate(CUT_OFF_JS)
    assert not result["cut"], f"{len(result['cut'])} blocks cut off at {PHONE['width']} px:\n" + \
        "\n".join(result["cut"][:15])
    assert result["page"] <= result["screen"] + 1, \
        f"the page scrolls sideways ({result['page']} px on a {result['screen']} px screen)"
    axe_source, _ = axe_or_reason
    if axe_source is not None:
        page.wait_for_timeout(200)
        assert_no_serious_violation(page, axe_source, f"{path.stem}.html on a phone",
                                    rules=["scrollable-region-focusable"])


# --- formulas in tables ------------------------------------------------------------------------------

TABLE_MATH = re.compile(r"^\s*\|.*\$[^$\n]+\$", re.MULTILINE)

# The height of each formula in the table cells under ``root`` against the same TeX typeset in
# a box 20000 px wide (where it cannot break), at the cell's font size.
TABLE_FORMULAS_JS = """root => new Promise(done => {
  const scripts = Array.from(root.querySelectorAll(
    'td script[type^="math/tex"], th script[type^="math/tex"]'));
  const probe = document.createElement('div');
  probe.style.cssText = 'position:absolute; left:0; top:0; width:20000px; visibility:hidden';
  document.body.appendChild(probe);
  const pairs = scripts.map(script => {
    const jax = MathJax.Hub.getJaxFor(script), cell = script.closest('td, th');
    const line = document.createElement('div');
    line.style.fontSize = getComputedStyle(cell).fontSize;
    line.textContent = '\\\\(' + jax.originalText + '\\\\)';
    probe.appendChild(line);
    return {tex: jax.originalText, shown: document.getElementById(jax.inputID + '-Frame'), line};
  });
  MathJax.Hub.Queue(['Typeset', MathJax.Hub, probe], () => {
    const result = pairs.map(p => {
      const shown = p.shown.getBoundingClientRect();
      const alone = p.line.querySelector('.MathJax').getBoundingClientRect();
      const cell = p.shown.closest('td, th'), box = cell.getBoundingClientRect();
      const scale = box.width / cell.offsetWidth || 1;  // reveal.js scales its slides
      const inside = shown.left >= box.left - 2 && shown.right <= box.right + 2
                     && shown.top >= box.top - 2 && shown.bottom <= box.bottom + 2;
      return {tex: p.tex, shown: shown.height / scale, alone: alone.height, inside,
              shownWidth: shown.width / scale, aloneWidth: alone.width};
    });
    probe.remove();
    done(result);
  });
})"""


def _table_math_notebooks() -> list[Path]:
    return [path for path in PATHS if any(cell.cell_type == "markdown" and TABLE_MATH.search(cell.source)
                                          for cell in visible_cells(load(path)))]


def _wrapped(formulas: list[dict]) -> list[str]:
    """The formulas drawn taller (wrapped) or narrower or wider than on one line, or outside
    their cell (typeset while hidden)."""
    return [f"{f['tex']!r}: {f['shownWidth']:.0f} x {f['shown']:.0f} px"
            f"{'' if f['inside'] else ' outside its cell'}, "
            f"{f['aloneWidth']:.0f} x {f['alone']:.0f} px on one line"
            for f in formulas if f["shown"] > f["alone"] * 1.1 + 1 or not f["inside"]
            or abs(f["shownWidth"] - f["aloneWidth"]) > f["aloneWidth"] * 0.1 + 2]


@browser
@pytest.mark.parametrize("path", _table_math_notebooks(), ids=_stem)
def test_formulas_in_tables_stay_on_one_line(context, site, path):
    """In the handout on a phone (typeset at 390 px) and on the deck's slides."""
    page = open_phone(context, site + f"{path.stem}.html")
    formulas = page.evaluate(TABLE_FORMULAS_JS, page.locator("body").element_handle())
    assert formulas, "no formula found in a table cell"
    assert not _wrapped(formulas), "formulas wrapped in the handout:\n" + "\n".join(_wrapped(formulas))
    page.close()
    page = open_page(context, site + f"{path.stem}.slides.html")
    page.wait_for_selector(".reveal.ready")
    tables = page.locator(".reveal table:has(script[type^='math/tex'])")
    assert tables.count() > 0, "no table with formulas in the deck"
    for index in range(tables.count()):
        table = tables.nth(index)
        show(page, table)  # MathJax typesets a slide again when it is shown
        page.evaluate(WAIT_MATHJAX_JS)
        formulas = page.evaluate(TABLE_FORMULAS_JS, table.element_handle())
        assert not _wrapped(formulas), "formulas wrapped in the deck:\n" + "\n".join(_wrapped(formulas))
    # Opened at that slide (a link, a reload): typeset while hidden, then again once shown.
    link = page.evaluate("location.hash")
    page.close()
    page = open_page(context, site + f"{path.stem}.slides.html{link}")
    page.wait_for_selector(".reveal.ready")
    page.wait_for_timeout(300)
    page.evaluate(WAIT_MATHJAX_JS)
    table = page.locator(".reveal section.present table:has(script[type^='math/tex'])").last
    formulas = page.evaluate(TABLE_FORMULAS_JS, table.element_handle())
    assert not _wrapped(formulas), f"formulas garbled in the deck opened at {link}:\n" + \
        "\n".join(_wrapped(formulas))


# --- widgets in the decks ----------------------------------------------------------------------------

CONTROLS = (".jupyter-widgets input:not([type=hidden]), .jupyter-widgets select, "
            ".jupyter-widgets textarea, .jupyter-widgets .noUi-target")


def _widget_notebooks() -> list[Path]:
    return [path for path in PATHS if widget_cells(load(path))]


def _has_grid(notebook) -> bool:
    state = notebook.metadata.get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {})
    return any(model.get("model_name") == "GridBoxModel" for model in state.get("state", {}).values())


@browser
@pytest.mark.parametrize("path", _widget_notebooks(), ids=_stem)
@pytest.mark.parametrize("where", ["deck", "handout", "handout on a phone"])
def test_widgets_are_visible_and_take_input(context, site, path, where):
    notebook = load(path)
    if where == "deck":
        page = open_page(context, site + f"{path.stem}.slides.html")
        page.wait_for_selector(".reveal.ready")
    else:
        url = site + f"{path.stem}.html"
        page = open_phone(context, url) if where.endswith("phone") else open_page(context, url)
    wait_for_widgets(page, notebook)
    controls = page.locator(CONTROLS)
    assert controls.count() > 0, "no widget control rendered"
    if _has_grid(notebook):
        grid = page.locator(".jupyter-widgets .widget-gridbox input")
        assert grid.count() >= 9, "the kernel grid is missing"
    problems = []
    for index in range(controls.count()):
        control = controls.nth(index)
        if where == "deck":
            show(page, control)
        else:
            control.scroll_into_view_if_needed()
        box = control.bounding_box()
        name = control.evaluate("e => e.getAttribute('aria-label') || e.tagName.toLowerCase()")
        slider = control.evaluate("e => e.classList.contains('noUi-target')")
        if box is None or box["width"] < 40 or (not slider and box["height"] < 12):
            problems.append(f"{name}: {box and round(box['width'])} x {box and round(box['height'])} px")
            continue
        on_top = control.evaluate("""e => { const r = e.getBoundingClientRect();
          const top = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
          return !!top && (e === top || e.contains(top)); }""")
        if not on_top:
            problems.append(f"{name}: hidden under another element or cut off")
        elif control.evaluate("e => e.tagName === 'INPUT' && ['text', 'number'].includes(e.type)"):
            control.fill("3")
            if control.input_value() != "3":
                problems.append(f"{name}: typing 3 left {control.input_value()!r}")
    assert not problems, f"widget controls not usable in the {where}:\n" + "\n".join(problems)
    assert_images_have_alt_text(page)


# --- figures' alt text --------------------------------------------------------------------------------


MISSING_ALT_JS = """placeholder => Array.from(document.images)
  .filter(img => !(img.getAttribute('alt') || '').trim() || img.alt === placeholder)
  .map(img => (img.closest('.jp-Cell') || {}).id || img.src.slice(0, 40))"""


def assert_images_have_alt_text(page) -> None:
    """Every image on the page, those the widgets draw included, has alt text of its own."""
    missing = page.evaluate(MISSING_ALT_JS, NBCONVERT_PLACEHOLDER)
    assert not missing, f"images without alt text: {missing}"


@browser
def test_built_pages_give_every_image_alt_text(built):
    """Every <img> the handouts and decks are written with has alt text, not nbconvert's
    placeholder (the widgets' images, drawn in the browser, are checked on the pages)."""
    missing = {}
    for page in sorted(built.glob("*.html")):
        tags = re.findall(r"<img\b[^>]*>", page.read_text(encoding="utf-8"))
        bad = [tag[:80] for tag in tags if not re.search(r'\balt="[^"]*\S[^"]*"', tag)
               or NBCONVERT_PLACEHOLDER in tag]
        if bad:
            missing[page.name] = bad
    assert not missing, f"images without alt text: {missing}"
