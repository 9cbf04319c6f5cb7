"""Publishing the notebooks: the course page, HTML handouts and reveal.js slides.

:func:`build` (``python -m lecturekit build``, ``make handouts``) writes, from the outputs
stored in the notebooks (nothing is executed), into ``<root>/build`` or ``out``:

- ``index.html``: the course page, one entry per lecture with its title, a one-line summary
  and links. The summary is the notebook metadata ``lecturekit.summary`` when it is set,
  otherwise the first paragraph of the title cell after the ``# Title`` line.
- ``<name>.html``: the handout. Cells tagged ``remove-cell`` are dropped, images referenced
  from markdown are embedded, the CSS is made for reading and printing.
- ``<name>.slides.html``: reveal.js slides following the cells' slide types, the notebook's
  ``rise`` settings (theme, size, slide numbers) and the ``rise.css`` next to the notebook.
- ``assets/``: the offline copies of the scripts (:mod:`lecturekit.toolchain.assets`).
- ``student/`` and ``student.zip``: the student edition, every notebook with its exercise
  solutions replaced by stubs (:mod:`lecturekit.toolchain.student`), written when the whole
  collection is built. Handouts fold each solution in a ``<details>`` to open after trying.

The build is atomic: everything is written into a temporary folder next to ``out`` that
replaces it only when every page was written, and every file is written through a temporary
name. A notebook that cannot be published stops the build with a :class:`BuildError` naming
it and saying why; the previous build stays as it was.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from lecturekit.toolchain import student
from lecturekit.toolchain.assets import Assets, copy_assets, find_assets
from lecturekit.toolchain.notebooks import (
    REMOVE_TAG,
    RISE_METADATA,
    ToolchainError,
    notebook_paths,
    read,
    write_atomic,
)

# Syntax colours with a contrast of at least 4.5:1 on the grey code background (#f5f5f5),
# on the active line's white and on #eeeeee (JupyterLab's light theme has #a2f operators at
# 4.4:1, #080 numbers at 4.3:1 and #408080 comments at 4.2:1). notebooks/rise.css declares
# the same colours for the decks and RISE; tests/browser/test_a11y.py checks both.
CODE_COLOURS = """
  --jp-mirror-editor-keyword-color: #007000;
  --jp-mirror-editor-builtin-color: #007000;
  --jp-mirror-editor-atom-color: #4646d4;
  --jp-mirror-editor-number-color: #116600;
  --jp-mirror-editor-variable-3-color: #00704a;
  --jp-mirror-editor-operator-color: #8f1cd6;
  --jp-mirror-editor-meta-color: #8f1cd6;
  --jp-mirror-editor-comment-color: #396b6b;
  --jp-mirror-editor-bracket-color: #6b6b45;
  --jp-mirror-editor-quote-color: #116600;
  --jp-mirror-editor-error-color: #c00;
"""

# The handout: readable on screen and on paper.
HANDOUT_CSS = """
/* Contrast of at least 4.5:1 (issue 14): the syntax colours, and the prompts at full opacity
   (JupyterLab greys them to 50%). html:root outranks the theme's :root. */
html:root {""" + CODE_COLOURS + """  --jp-cell-prompt-not-active-opacity: 1;
  --jp-cell-prompt-not-active-font-color: #6b6b6b;
}
/* Phones: code and outputs too wide for the screen scroll sideways instead of being cut. */
.jp-InputArea-editor .highlight > pre, .jp-OutputArea-output > pre { overflow-x: auto; }
.jp-OutputArea-output { overflow-x: auto; }
.jp-RenderedHTMLCommon :not(pre) > code { overflow-wrap: anywhere; }
/* Formulas too wide for the screen scroll sideways (those in table cells never wrap). */
.MathJax_Display { overflow-x: auto; overflow-y: hidden; }
/* A box of widget controls beside an output keeps its width (the kernel explorer's 3 x 3 grid
   squeezed to nothing beside its figure); on a phone the output goes below the controls. */
.widget-hbox > .widget-vbox { flex-shrink: 0; }
@media (max-width: 700px) { .widget-hbox { flex-wrap: wrap; } }
body.jp-Notebook { max-width: 62rem; margin: 0 auto; padding: 1.5rem 1rem 4rem; }
:root { --jp-content-font-size1: 16px; --jp-code-font-size: 14px; --jp-content-line-height: 1.55; }
.jp-RenderedHTMLCommon h1 { font-size: 2.1em; }
.jp-OutputArea-output img { max-width: 100%; height: auto; }
.lk-backlink { font: 14px/1.4 sans-serif; margin-bottom: 1rem; }
.lk-backlink a { color: #1a5fb4; }
details.lk-solution > summary { cursor: pointer; font: 600 15px/1.6 sans-serif; color: #1a5fb4;
  padding: .3rem .6rem; border: 1px solid #1a5fb4; border-radius: 5px; display: inline-block;
  margin: .3rem 0 .3rem 64px; }
@media print {
  body.jp-Notebook { max-width: none; padding: 0; }
  :root { --jp-content-font-size1: 11pt; --jp-code-font-size: 9.5pt; }
  .jp-InputPrompt, .jp-OutputPrompt, .lk-backlink { display: none !important; }
  .jp-Cell { break-inside: avoid; page-break-inside: avoid; }
  .jp-RenderedHTMLCommon h1, .jp-RenderedHTMLCommon h2 { break-after: avoid; page-break-after: avoid; }
  .jp-InputArea-editor { border: 1px solid #ccc; }
  pre { white-space: pre-wrap; word-break: break-word; }
  /* Printed handouts show every answer: the question's script opens it before printing. */
  .lecturekit-quiz .lkq-answer summary.lkq-reveal, .lecturekit-quiz button.lkq-check,
  .lecturekit-quiz input { display: none; }
}
"""

# Accessibility (issue 14), shared by the handout and slides templates. Figures: nbconvert
# writes output images without alt text (then fills in "No description has been provided");
# here alt comes from the output's metadata (lecturekit.plotting's figure formatter stores
# one), else from the cell metadata "alt", else an honest generic text. Widgets: the HTML
# manager renders slider handles and unlabelled number boxes without accessible names and
# the images of Output widgets without alt text; a script names them once they are drawn, and
# makes a code block that scrolls sideways (on a phone) focusable, to scroll with the keyboard.
FIGURE_ALT_FALLBACK = "A figure drawn by the code above (no description of it was stored)"

_ACCESSIBLE_BLOCKS = """
{%- macro lk_figure(output, cell, mime, extra_class) -%}
{%- set alt = output | get_metadata('alt', mime) or cell.metadata.get('alt')
               or '""" + FIGURE_ALT_FALLBACK + """' -%}
<div class="jp-RenderedImage jp-OutputArea-output {{ extra_class }}">
{%- if mime in output.metadata.get('filenames', {}) %}
<img src="{{ output.metadata.filenames[mime] | posix_path | escape_html }}"
{%- else %}
<img src="data:{{ mime }};base64,{{ output.data[mime] | escape_html }}"
{%- endif %}
 alt="{{ alt | escape_html }}"
{%- set width = output | get_metadata('width', mime) -%}
{%- if width is not none %} width={{ width | escape_html }}{% endif -%}
{%- set height = output | get_metadata('height', mime) -%}
{%- if height is not none %} height={{ height | escape_html }}{% endif %}
 class="
{%- if output | get_metadata('unconfined', mime) %}unconfined {% endif -%}
{%- if output | get_metadata('needs_background', mime) == 'light' %}jp-needs-light-background {% endif -%}
{%- if output | get_metadata('needs_background', mime) == 'dark' %}jp-needs-dark-background{% endif -%}
">
</div>
{%- endmacro -%}
{%- block data_png scoped -%}{{ lk_figure(output, cell, 'image/png', extra_class) }}{%- endblock data_png -%}
{%- block data_jpg scoped -%}{{ lk_figure(output, cell, 'image/jpeg', extra_class) }}{%- endblock data_jpg -%}
{%- block footer_js -%}
{{ super() }}
{%- set widget_alts = {} -%}
{%- set widget_state = nb.metadata.get('widgets', {}).get('application/vnd.jupyter.widget-state+json', {}) -%}
{%- for model in widget_state.get('state', {}).values() -%}
{%- for out in model.get('state', {}).get('outputs', []) if out.get('data') -%}
{%- for mime in ['image/png', 'image/jpeg'] if mime in out.data and (out | get_metadata('alt', mime)) -%}
{%- set data = out.data[mime] -%}
{%- set middle = (data | length) // 2 -%}
{%- set key = (data | length) ~ ':' ~ data[middle:middle + 64] -%}
{%- set _ = widget_alts.update({key: out | get_metadata('alt', mime)}) -%}
{%- endfor -%}
{%- endfor -%}
{%- endfor %}
<script>
(function () {
  // Alt text of the figures inside widgets (keyed by the image data's length and middle).
  var ALTS = {{ widget_alts | json_dumps }};
  var FALLBACK = "A figure drawn by the interactive controls above (no description of it was stored)";
  function text(node) { return node ? node.textContent.replace(/\\s+/g, " ").trim() : ""; }
  function description(widget) {
    var label = widget && widget.querySelector(":scope > .widget-label");
    return text(label);
  }
  function name() {
    document.querySelectorAll(".jupyter-widgets img").forEach(function (img) {
      if (img.hasAttribute("alt")) { return; }
      var src = img.getAttribute("src") || "", data = src.slice(src.indexOf(",") + 1);
      var middle = Math.floor(data.length / 2);
      img.setAttribute("alt", ALTS[data.length + ":" + data.slice(middle, middle + 64)] || FALLBACK);
    });
    document.querySelectorAll(".jupyter-widgets [role=slider]").forEach(function (handle) {
      if (handle.hasAttribute("aria-label") || handle.hasAttribute("aria-labelledby")) { return; }
      handle.setAttribute("aria-label", description(handle.closest(".widget-inline-hbox")) || "slider");
    });
    document.querySelectorAll(".jupyter-widgets input, .jupyter-widgets select, .jupyter-widgets textarea")
      .forEach(function (field) {
        var labelled = Array.from(field.labels || []).some(function (label) { return text(label); });
        if (field.type === "hidden" || labelled || field.hasAttribute("aria-label")
            || field.hasAttribute("aria-labelledby")) { return; }
        var own = description(field.closest(".widget-inline-hbox"));
        var grid = field.closest(".widget-gridbox");
        if (!own && grid) {
          // A grid of unlabelled boxes (the kernel explorer's 3 x 3 kernel): row and column,
          // after the caption of the HTML widget above the grid, if there is one.
          var fields = Array.from(grid.querySelectorAll("input, select, textarea"));
          var columns = getComputedStyle(grid).gridTemplateColumns.split(" ").filter(Boolean).length || 1;
          var index = fields.indexOf(field);
          var above = grid.previousElementSibling;
          var caption = above && above.matches(".widget-html")
                        ? text(above.querySelector("b, strong") || above) : "";
          own = (caption ? caption + ", " : "") + "row " + (Math.floor(index / columns) + 1)
                + ", column " + (index % columns + 1);
        }
        field.setAttribute("aria-label", own || field.getAttribute("placeholder") || "value");
      });
  }
  // A code block, output, formula or text too wide for the screen (a phone) scrolls sideways: it
  // takes the keyboard focus too, so that it scrolls with the arrow keys.
  function focusable() {
    var boxes = ".jp-InputArea-editor pre, .jp-OutputArea-output pre, .MathJax_Display, .jp-RenderedMarkdown";
    document.querySelectorAll(boxes)
      .forEach(function (box) {
        var scrolls = box.scrollWidth > box.clientWidth + 1
                      && /auto|scroll/.test(getComputedStyle(box).overflowX);
        if (scrolls && !box.hasAttribute("tabindex")) {
          box.setAttribute("tabindex", "0");
          box.dataset.lkScrolls = "1";
        } else if (!scrolls && box.dataset.lkScrolls) {
          box.removeAttribute("tabindex");
          delete box.dataset.lkScrolls;
        }
      });
  }
  var pending = false;
  function schedule() {
    if (!pending) { pending = true; setTimeout(function () { pending = false; name(); focusable(); }, 50); }
  }
  new MutationObserver(schedule).observe(document.documentElement, {childList: true, subtree: true});
  window.addEventListener("load", schedule);
  window.addEventListener("resize", schedule);
  // A deck opened at a later slide (a link or a reload, #/3): MathJax typeset that slide while
  // reveal.js still hid it, and reveal.js typesets a slide again only when it changes to it.
  var deck = document.querySelector(".reveal");
  if (deck) {
    deck.addEventListener("ready", function (event) {
      if (window.MathJax && MathJax.Hub && event.currentSlide) {
        MathJax.Hub.Queue(["Rerender", MathJax.Hub, event.currentSlide]);
      }
    });
  }
})();
</script>
{%- endblock footer_js -%}
"""

_HANDOUT_TEMPLATE = """{%- extends 'index.html.j2' -%}
{%- block html_head_js_mathjax -%}{{ resources.lecturekit.mathjax_head }}{%- endblock -%}
{%- block html_head_js_mermaidjs -%}{%- endblock -%}
{%- block extra_css -%}
<link rel="icon" href="data:,">
<style type="text/css">{{ resources.lecturekit.css }}</style>
{%- endblock extra_css -%}
{%- block input_group -%}
{%- if cell.metadata.nbgrader and cell.metadata.nbgrader.solution -%}
<details class="lk-solution"><summary>Solution: open it after you have tried</summary>
{{ super() }}
</details>
{%- else -%}
{{ super() }}
{%- endif -%}
{%- endblock input_group -%}
{%- block body_header -%}
{{ super() }}
<nav class="lk-backlink"><a href="index.html">&larr; All lectures</a>
 &middot; <a href="{{ resources.metadata.name }}.slides.html">Slides</a></nav>
{%- endblock body_header -%}
""" + _ACCESSIBLE_BLOCKS

# The reveal template puts an unconditional ES-module import of mermaid from a CDN in its
# head; the lectures use no mermaid diagrams, so the block is dropped.
_SLIDES_TEMPLATE = """{%- extends 'index.html.j2' -%}
{%- block html_head_js_mathjax -%}{{ resources.lecturekit.mathjax_head }}{%- endblock -%}
{%- block html_head_js_mermaidjs -%}{%- endblock -%}
{%- block html_head_css -%}
<link rel="icon" href="data:,">
<style type="text/css">{{ resources.lecturekit.css }}</style>
{%- endblock html_head_css -%}
""" + _ACCESSIBLE_BLOCKS

SLIDES_CSS = """
/* Static slides: the bundled Source Sans Pro (the themes' Google fonts are not fetched). */
html:root { --r-main-font: "Source Sans Pro", Helvetica, Arial, sans-serif;
            --r-heading-font: "Source Sans Pro", Helvetica, Arial, sans-serif; }
"""

_INDEX_TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="icon" href="data:,">
<title>{title}</title>
{mathjax}
<style>
body {{ font: 17px/1.55 -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
       color: #1a1a1a; max-width: 50rem; margin: 2rem auto; padding: 0 1rem; }}
h1 {{ font-size: 2rem; margin-bottom: .2rem; }}
.lead {{ color: #555; margin-top: 0; }}
ol.lectures {{ list-style: none; padding: 0; }}
ol.lectures li {{ border-top: 1px solid #ddd; padding: .9rem 0; }}
ol.lectures h2 {{ font-size: 1.25rem; margin: 0 0 .25rem; }}
ol.lectures p {{ margin: .2rem 0 .4rem; }}
.links a {{ display: inline-block; margin-right: 1rem; color: #1a5fb4; font-weight: 600; }}
footer {{ margin-top: 2rem; color: #595959; font-size: .85rem; }}
</style>
</head>
<body>
<main>
<h1>{title}</h1>
<p class="lead">Handouts (code, outputs and explanations, printable) and slides for every lecture.</p>
{student}
<ol class="lectures">
{entries}
</ol>
</main>
<footer>Built with <code>make handouts</code> from the stored notebook outputs.</footer>
</body>
</html>
"""

COURSE_TITLE = "Neural networks: lectures"


class BuildError(ToolchainError):
    """A build that stopped: the file it stopped at (a notebook, or ``out``) and why."""


def lecture_info(notebook: Any, name: str) -> tuple[str, str]:
    """Title and one-line summary (markdown) of a notebook, for the course page."""
    first = notebook.cells[0] if notebook.cells else None
    source = first.source if first is not None and first.cell_type == "markdown" else ""
    lines = source.splitlines()
    title = name
    for index, line in enumerate(lines):
        if line.startswith("# "):
            title = line[2:].strip()
            lines = lines[index + 1:]
            break
    summary = notebook.metadata.get("lecturekit", {}).get("summary", "")
    if not summary:
        paragraph: list[str] = []
        for line in lines:
            if line.strip():
                if line.lstrip().startswith(("#", "!", "<", "|", "```")):
                    if paragraph:
                        break
                    continue
                paragraph.append(line.strip())
            elif paragraph:
                break
        summary = " ".join(paragraph)
    return title, summary


# ![alt](src "title"); the alt text may hold balanced brackets, as in "sizes [2, 4, 1]".
_MD_IMAGE = re.compile(r"(!\[(?:[^\[\]]|\[[^\[\]]*\])*\]\()\s*<?([^)\s>]+)>?((?:\s+\"[^\"]*\")?\s*\))")
_HTML_IMAGE = re.compile(r"""(<img\b[^>]*?\bsrc\s*=\s*)(["'])([^"']+)\2""", re.IGNORECASE)


def _is_local(src: str) -> bool:
    return not re.match(r"^([a-z][a-z0-9+.-]*:|//|#)", src, flags=re.IGNORECASE)


def _data_uri(path: Path) -> str:
    import base64
    import mimetypes

    mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


def local_images(notebook: Any) -> list[tuple[int, str]]:
    """``(cell index, path)`` of every local image file a markdown cell shows."""
    found = []
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type == "markdown":
            sources = [m.group(2) for m in _MD_IMAGE.finditer(cell.source)]
            sources += [m.group(3) for m in _HTML_IMAGE.finditer(cell.source)]
            found += [(index, src) for src in sources if _is_local(src)]
    return found


def embed_local_images(notebook: Any, folder: Path) -> Any:
    """Replace image files referenced from markdown cells by data URIs (in place).

    nbconvert's ``embed_images`` only embeds files inside the notebook's own folder, while
    the lectures take their figures from ``../images/``. A referenced file that does not
    exist is an error: a handout with a broken figure is not published.
    """
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "markdown":
            continue

        def resolve(src: str, index: int = index) -> str:
            if not _is_local(src):
                return src
            path = (folder / src).resolve()
            if not path.is_file():
                raise FileNotFoundError(f"markdown cell {index} shows {src}, which does not exist ({path})")
            return _data_uri(path)

        source = _MD_IMAGE.sub(lambda m: m.group(1) + resolve(m.group(2)) + m.group(3), cell.source)
        cell.source = _HTML_IMAGE.sub(lambda m: m.group(1) + m.group(2) + resolve(m.group(3)) + m.group(2),
                                      source)
    return notebook


def _rise_settings(notebook: Any) -> dict[str, Any]:
    settings = dict(RISE_METADATA)
    settings.update(notebook.metadata.get("rise", {}))
    return settings


def _exporter(kind: str, notebook: Any, assets: Assets) -> Any:
    from jinja2 import DictLoader
    from nbconvert import HTMLExporter, SlidesExporter
    from traitlets.config import Config

    config = Config()
    config.TagRemovePreprocessor.enabled = True
    config.TagRemovePreprocessor.remove_cell_tags = {REMOVE_TAG}
    common = {
        "embed_images": True,
        "require_js_url": assets.require,
        "mathjax_url": assets.mathjax,
        "jquery_url": assets.jquery,
        "widget_renderer_url": assets.widgets,
        "exclude_input_prompt": False,
    }
    if kind == "handout":
        loader = DictLoader({"lecturekit-handout.html.j2": _HANDOUT_TEMPLATE})
        return HTMLExporter(config=config, extra_loaders=[loader],
                            template_file="lecturekit-handout.html.j2", **common)
    loader = DictLoader({"lecturekit-slides.html.j2": _SLIDES_TEMPLATE})
    exporter = SlidesExporter(config=config, extra_loaders=[loader],
                              template_file="lecturekit-slides.html.j2",
                              reveal_url_prefix=assets.reveal, **common)
    rise = _rise_settings(notebook)
    exporter.reveal_theme = str(rise.get("theme", "white"))
    exporter.reveal_transition = str(rise.get("transition", "none"))
    exporter.reveal_number = "c/t" if rise.get("slideNumber") else ""
    exporter.reveal_width = str(rise.get("width", 1280))
    exporter.reveal_height = str(rise.get("height", 720))
    exporter.reveal_scroll = bool(rise.get("scroll", True))
    return exporter


def rise_css(path: Path) -> str:
    """The ``rise.css`` next to the notebook ``path`` (where RISE loads it from), or ``""``."""
    css = Path(path).parent / "rise.css"
    return css.read_text(encoding="utf-8") if css.is_file() else ""


_BLOCK = re.compile(r"(<(style|script)\b[^>]*>)(.*?)(</\2>)", re.DOTALL | re.IGNORECASE)
_COMMENT_WITH_URL = re.compile(r"/\*(?:(?!\*/).)*?https?://.*?\*/|^[ \t]*//[^\n]*https?://[^\n]*\n",
                               re.DOTALL | re.MULTILINE)


def strip_comment_urls(page: str) -> str:
    """Drop the comments with web addresses (licences, credits) from inline CSS and JS, so a
    built page names no URL outside the build folder."""
    return _BLOCK.sub(lambda m: m.group(1) + _COMMENT_WITH_URL.sub("", m.group(3)) + m.group(4), page)


def _read(path: Path) -> Any:
    """The notebook ``path``; one it cannot read raises :class:`BuildError` naming it."""
    try:
        return read(path)
    except ToolchainError as error:
        raise BuildError(error.path, error.reason) from error


def check_notebook(path: Path) -> None:
    """Parse ``path`` as JSON and look for every local image its markdown shows, before
    anything is exported or fetched (and before nbformat's slow import): a broken notebook
    stops the build at once, named. The schema is checked when the notebook is exported."""
    from types import SimpleNamespace

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        _read(path)  # raises the BuildError that names the problem
        raise BuildError(path, str(error)) from error
    cells = data.get("cells") if isinstance(data, dict) else None
    if not isinstance(cells, list):
        raise BuildError(path, "not a notebook: it has no list of cells")
    notebook = SimpleNamespace(cells=[
        SimpleNamespace(cell_type=cell.get("cell_type"), source="".join(cell.get("source", "")))
        for cell in cells if isinstance(cell, dict)])
    for index, src in local_images(notebook):
        if not (path.parent / src).resolve().is_file():
            raise BuildError(path, f"markdown cell {index} shows {src}, which does not exist "
                                   f"({(path.parent / src).resolve()})")


def _page(kind: str, path: Path, assets: Assets) -> str:
    """The handout or slides page of the notebook ``path``; any problem with the notebook
    raises :class:`BuildError` naming it."""
    notebook = _read(path)
    css = HANDOUT_CSS if kind == "handout" else rise_css(path) + SLIDES_CSS
    resources = {
        "metadata": {"name": path.stem, "path": str(path.parent.resolve())},
        "lecturekit": {"mathjax_head": assets.mathjax_head, "css": css},
    }
    try:
        embed_local_images(notebook, path.parent)
        body, _ = _exporter(kind, notebook, assets).from_notebook_node(notebook, resources=resources)
    except FileNotFoundError as error:  # a markdown image that does not exist
        raise BuildError(path, str(error)) from error
    except Exception as error:  # whatever nbconvert stops at: named, and chained for a traceback
        raise BuildError(path, f"cannot export it ({type(error).__name__}: {error})") from error
    return strip_comment_urls(body)


def export_handout(path: Path, out_dir: Path, assets: Assets | None = None) -> Path:
    """Export one notebook as an HTML handout into ``out_dir``, dropping cells tagged
    ``remove-cell``; the file is written through a temporary name."""
    path = Path(path)
    target = Path(out_dir) / f"{path.stem}.html"
    write_atomic(target, _page("handout", path, assets or Assets()))
    return target


def export_slides(path: Path, out_dir: Path, assets: Assets | None = None) -> Path:
    """Export one notebook as reveal.js slides into ``out_dir``, following its slide types and
    RISE settings; the file is written through a temporary name."""
    path = Path(path)
    target = Path(out_dir) / f"{path.stem}.slides.html"
    write_atomic(target, _page("slides", path, assets or Assets()))
    return target


def write_index(paths: Sequence[Path], out_dir: Path, assets: Assets | None = None) -> Path:
    """Write the course page listing ``paths`` (title, summary, links to handout and slides,
    and to their PDFs where ``out_dir`` has them)."""
    from nbconvert.filters import markdown2html

    assets = assets or Assets()
    entries = []
    uses_math = False
    for path in map(Path, paths):
        title, summary = lecture_info(_read(path), path.stem)
        uses_math = uses_math or "$" in summary
        summary_html = markdown2html(summary) if summary else ""
        # The printable PDFs (lecturekit.toolchain.pdf), linked where they were written.
        pdf_links = "".join(
            f'<a href="{html.escape(path.stem)}{suffix}">{label}</a>'
            for suffix, label in ((".pdf", "Handout (PDF)"), (".slides.pdf", "Slides (PDF)"))
            if (Path(out_dir) / f"{path.stem}{suffix}").is_file())
        entries.append(
            f'<li id="{html.escape(path.stem)}"><h2>{html.escape(title)}</h2>'
            f"{summary_html}"
            f'<div class="links"><a href="{html.escape(path.stem)}.html">Handout</a>'
            f'<a href="{html.escape(path.stem)}.slides.html">Slides</a>{pdf_links}</div></li>'
        )
    student_link = ""
    if (Path(out_dir) / "student.zip").is_file():
        student_link = ('<p class="student"><a href="student.zip">Student edition (zip)</a>: every '
                        "notebook with its exercises to do and their checks, and the lecturekit "
                        "package to run them.</p>")
    page = _INDEX_TEMPLATE.format(
        title=html.escape(COURSE_TITLE),
        student=student_link,
        mathjax=assets.mathjax_head if uses_math else "",
        entries="\n".join(entries),
    )
    target = Path(out_dir) / "index.html"
    write_atomic(target, page)
    return target


def _built_notebooks(root: Path, paths: Sequence[Path], staging: Path) -> list[Path]:
    """The notebooks the course page lists: those built now plus earlier builds still present."""
    listed = {path.stem: path for path in paths}
    for path in notebook_paths(root):
        if path.stem not in listed and (staging / f"{path.stem}.html").is_file():
            listed[path.stem] = path
    return [listed[name] for name in sorted(listed)]


def _replace_folder(out_dir: Path, staging: Path) -> None:
    """Put ``staging`` in the place of ``out_dir``; on failure the previous ``out_dir`` stays."""
    previous = out_dir.with_name(f".{out_dir.name}-old")
    shutil.rmtree(previous, ignore_errors=True)
    if out_dir.exists():
        os.replace(out_dir, previous)
    try:
        os.replace(staging, out_dir)
    except BaseException:
        if previous.exists() and not out_dir.exists():
            os.replace(previous, out_dir)  # put the previous build back
        raise
    shutil.rmtree(previous, ignore_errors=True)


def build(root: str | os.PathLike[str], paths: Sequence[str | os.PathLike[str]] | None = None,
          out: str | os.PathLike[str] | None = None, use_local_assets: bool = True,
          pdfs: bool = True) -> list[Path]:
    """Build the course page, handouts and slides for ``paths`` (default: every notebook in
    ``root/notebooks``) into ``out`` (default: ``root/build``); returns the files written.
    With ``pdfs``, each handout and deck is also printed to PDF in headless Chromium
    (:mod:`lecturekit.toolchain.pdf`); where that cannot be done the build says so in one
    line and writes the rest.

    Atomic: the pages are written into a temporary folder that replaces ``out`` only when
    all of them were written, so a failed build leaves the previous one intact. Building a
    subset keeps the other pages of the previous build. Raises :class:`BuildError` naming the
    notebook (or ``out``) that stopped the build; ``out`` must not be an existing file.
    """
    root = Path(root)
    all_notebooks = paths is None
    notebooks = notebook_paths(root) if paths is None else [Path(p) for p in paths]
    out_dir = root / "build" if out is None else Path(out)
    if out_dir.exists() and not out_dir.is_dir():
        raise BuildError(out_dir, "out is an existing file, not a folder; nothing was written")
    try:
        out_dir.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise BuildError(out_dir, f"cannot create the folder of out ({error.strerror or error})") from error
    for path in notebooks:
        check_notebook(path)
    assets = find_assets(use_local_assets)
    if assets.missing:
        print("lecturekit: offline assets unavailable (" + "; ".join(assets.missing)
              + "); the pages load MathJax/reveal.js from CDN links instead", flush=True)
    try:
        staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}-", dir=out_dir.parent))
    except OSError as error:
        raise BuildError(out_dir, f"cannot write next to it ({error.strerror or error})") from error
    written: list[Path] = []
    try:
        try:
            if out_dir.is_dir() and not all_notebooks:
                shutil.copytree(out_dir, staging, dirs_exist_ok=True)
            staging.chmod(0o755)
            if not assets.missing:
                copy_assets(assets, staging)
            else:
                shutil.rmtree(staging / "assets", ignore_errors=True)
            from lecturekit.toolchain import pdf

            with pdf.Printer(staging, enabled=pdfs) as printer:  # prints while the next is exported
                for path in notebooks:
                    written.append(export_handout(path, staging, assets))
                    written.append(export_slides(path, staging, assets))
                    printer.add(path.stem)
                if all_notebooks:
                    written += student.write_edition(root, notebooks, staging)
                written += printer.finish()
            written.append(write_index(_built_notebooks(root, notebooks, staging), staging, assets))
            _replace_folder(out_dir, staging)
        except OSError as error:
            raise BuildError(out_dir, f"cannot write the build ({error.strerror or error}); "
                                      "the previous one is kept") from error
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    for path in written:
        print(f"wrote {out_dir / path.name}")
    return [out_dir / path.name for path in written]
