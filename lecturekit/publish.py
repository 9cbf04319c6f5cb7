"""Publishing the notebooks: the course page, HTML handouts and reveal.js slides in ``build/``.

``python -m lecturekit build`` (``make handouts``) writes, from the outputs stored in the
notebooks (nothing is executed):

- ``build/index.html``: the course page, one entry per lecture with its title, a one-line
  summary and links. The summary is the notebook metadata ``lecturekit.summary`` when it is
  set, otherwise the first paragraph of the title cell after the ``# Title`` line.
- ``build/<name>.html``: the handout. Cells tagged ``remove-cell`` are dropped, images
  referenced from markdown are embedded, the CSS is made for reading and printing.
- ``build/<name>.slides.html``: reveal.js slides following the cells' slide types and the
  notebook's ``rise`` settings (theme, size, slide numbers).

Offline assets: MathJax 2.7 comes from the ``jupyter-server-mathjax`` Python package;
reveal.js, require.js, jQuery and the ipywidgets HTML manager come from the npm registry
(``npm pack``) into a cache (``$LECTUREKIT_ASSETS_CACHE``, default
``~/.cache/lecturekit/assets``), never into the repository. They are copied into
``build/assets/`` and referenced with relative URLs, so the pages open with the network off.
When they cannot be had, the pages use CDN links instead and the build says so in one line.

The build is atomic: everything is written into a temporary folder next to ``build/`` that
replaces it only when every page was written.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lecturekit.notebooks import REMOVE_TAG, RISE_METADATA, notebook_paths

# npm packages copied into build/assets/<folder>: exact versions so a build is reproducible.
# reveal.js 4 is the major version nbconvert's reveal template is written for (it asks for
# 4.0.2 from unpkg); the HTML manager 1.0.x is the one that matches ipywidgets 8.1.
NPM_ASSETS = {
    "reveal.js": ("reveal.js", "4.6.1"),
    "requirejs": ("requirejs", "2.3.8"),
    "jquery": ("jquery", "3.7.1"),
    "html-manager": ("@jupyter-widgets/html-manager", "1.0.15"),
}

# What the pages need from each package (paths inside the npm tarball's ``package/``).
_NPM_FILES = {
    "reveal.js": ("dist", "plugin/notes"),
    "requirejs": ("require.js",),
    "jquery": ("dist/jquery.min.js",),
    "html-manager": ("dist",),
}

CDN = {
    "reveal": "https://unpkg.com/reveal.js@{version}".format(version=NPM_ASSETS["reveal.js"][1]),
    "require": "https://cdnjs.cloudflare.com/ajax/libs/require.js/2.3.6/require.min.js",
    "jquery": "https://cdnjs.cloudflare.com/ajax/libs/jquery/3.7.1/jquery.min.js",
    "mathjax": "https://cdnjs.cloudflare.com/ajax/libs/mathjax/2.7.7/MathJax.js",
    "widgets": "https://unpkg.com/@jupyter-widgets/html-manager@^1.0.0/dist/embed-amd.js",
}

# MathJax configuration of the local copy: jupyter-server-mathjax ships the
# TeX-AMS-MML_HTMLorMML-full configuration with the STIX-Web fonts only.
MATHJAX_CONFIG = "TeX-AMS-MML_HTMLorMML-full,Safe"

_MATHJAX_HEAD = r"""
<script type="text/x-mathjax-config">
MathJax.Hub.Config({
  tex2jax: {inlineMath: [["$", "$"], ["\\(", "\\)"]], displayMath: [["$$", "$$"], ["\\[", "\\]"]],
            processEscapes: true, processEnvironments: true},
  TeX: {equationNumbers: {autoNumber: "AMS", useLabelIds: true}},
  "HTML-CSS": {availableFonts: [], preferredFont: null, webFont: "STIX-Web", imageFont: null,
               linebreaks: {automatic: true},
               styles: {"@font-face": {"font-family": "MathJax_Blank", src: "local('MathJax_Blank')"}}},
  displayAlign: "center",
  messageStyle: "none",
  menuSettings: {zoom: "None"}
});
</script>
<script src="{url}"></script>
"""

# The handout: readable on screen and on paper.
HANDOUT_CSS = """
body.jp-Notebook { max-width: 62rem; margin: 0 auto; padding: 1.5rem 1rem 4rem; }
:root { --jp-content-font-size1: 16px; --jp-code-font-size: 14px; --jp-content-line-height: 1.55; }
.jp-RenderedHTMLCommon h1 { font-size: 2.1em; }
.jp-OutputArea-output img { max-width: 100%; height: auto; }
.lk-backlink { font: 14px/1.4 sans-serif; margin-bottom: 1rem; }
.lk-backlink a { color: #1a5fb4; }
@media print {
  body.jp-Notebook { max-width: none; padding: 0; }
  :root { --jp-content-font-size1: 11pt; --jp-code-font-size: 9.5pt; }
  .jp-InputPrompt, .jp-OutputPrompt, .lk-backlink { display: none; }
  .jp-Cell { break-inside: avoid; page-break-inside: avoid; }
  .jp-RenderedHTMLCommon h1, .jp-RenderedHTMLCommon h2 { break-after: avoid; page-break-after: avoid; }
  .jp-InputArea-editor { border: 1px solid #ccc; }
  pre { white-space: pre-wrap; word-break: break-word; }
  /* Printed handouts show every answer: the question's script opens it before printing. */
  .lecturekit-quiz .lkq-answer summary.lkq-reveal, .lecturekit-quiz button.lkq-check,
  .lecturekit-quiz input { display: none; }
}
"""

_HANDOUT_TEMPLATE = """{%- extends 'index.html.j2' -%}
{%- block html_head_js_mathjax -%}{{ resources.lecturekit.mathjax_head }}{%- endblock -%}
{%- block html_head_js_mermaidjs -%}{%- endblock -%}
{%- block extra_css -%}
<link rel="icon" href="data:,">
<style type="text/css">{{ resources.lecturekit.css }}</style>
{%- endblock extra_css -%}
{%- block body_header -%}
{{ super() }}
<nav class="lk-backlink"><a href="index.html">&larr; All lectures</a>
 &middot; <a href="{{ resources.metadata.name }}.slides.html">Slides</a></nav>
{%- endblock body_header -%}
"""

# The reveal template puts an unconditional ES-module import of mermaid from a CDN in its
# head; the lectures use no mermaid diagrams, so the block is dropped.
_SLIDES_TEMPLATE = """{%- extends 'index.html.j2' -%}
{%- block html_head_js_mathjax -%}{{ resources.lecturekit.mathjax_head }}{%- endblock -%}
{%- block html_head_js_mermaidjs -%}{%- endblock -%}
{%- block html_head_css -%}
<link rel="icon" href="data:,">
<style type="text/css">{{ resources.lecturekit.css }}</style>
{%- endblock html_head_css -%}
"""

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
footer {{ margin-top: 2rem; color: #777; font-size: .85rem; }}
</style>
</head>
<body>
<h1>{title}</h1>
<p class="lead">Handouts (code, outputs and explanations, printable) and slides for every lecture.</p>
<ol class="lectures">
{entries}
</ol>
<footer>Built with <code>make handouts</code> from the stored notebook outputs.</footer>
</body>
</html>
"""

COURSE_TITLE = "Neural networks: lectures"


@dataclass
class Assets:
    """Where the pages load their scripts from: relative ``assets/`` paths or CDN links."""

    reveal: str = CDN["reveal"]
    require: str = CDN["require"]
    jquery: str = CDN["jquery"]
    mathjax: str = CDN["mathjax"]
    widgets: str = CDN["widgets"]
    local: dict[str, Path] = field(default_factory=dict)  # folder in build/assets -> source
    missing: list[str] = field(default_factory=list)

    @property
    def mathjax_head(self) -> str:
        config = MATHJAX_CONFIG if "mathjax" in self.local else "TeX-AMS_CHTML-full,Safe"
        return _MATHJAX_HEAD.replace("{url}", f"{self.mathjax}?config={config}")


def assets_cache() -> Path:
    """The folder the npm assets are cached in: ``$LECTUREKIT_ASSETS_CACHE``, else ``assets`` in
    lecturekit's per-user cache folder (``~/.cache/lecturekit`` on Linux)."""
    if os.environ.get("LECTUREKIT_ASSETS_CACHE"):
        return Path(os.environ["LECTUREKIT_ASSETS_CACHE"]).expanduser()
    from lecturekit.data import user_cache_dir

    return user_cache_dir() / "assets"


def _npm_package(key: str, cache: Path) -> Path:
    """The unpacked npm package ``key`` of :data:`NPM_ASSETS`, fetched with ``npm pack`` once."""
    name, version = NPM_ASSETS[key]
    target = cache / f"{key}-{version}"
    if (target / ".complete").is_file():
        return target
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError("npm is not installed")
    cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cache) as work:
        result = subprocess.run(
            [npm, "pack", f"{name}@{version}", "--pack-destination", work, "--silent",
             "--fetch-retries=1", "--fetch-timeout=20000"],
            capture_output=True, text=True, timeout=120, check=False,
        )
        tarballs = list(Path(work).glob("*.tgz"))
        if result.returncode != 0 or len(tarballs) != 1:
            message = (result.stderr.strip().splitlines() or ["no tarball"])[-1]
            raise RuntimeError(f"npm pack {name}@{version} failed: {message}")
        unpacked = Path(work) / "unpacked"
        with tarfile.open(tarballs[0]) as archive:
            if not hasattr(tarfile, "data_filter"):  # Python before 3.10.12 / 3.11.4
                raise RuntimeError("this Python's tarfile cannot unpack archives safely (no filter)")
            archive.extractall(unpacked, filter="data")
        (unpacked / ".complete").write_text(f"{name}@{version}\n")
        shutil.rmtree(target, ignore_errors=True)
        os.replace(unpacked, target)
    return target


def _mathjax_dir() -> Path:
    import jupyter_server_mathjax

    folder = Path(jupyter_server_mathjax.__file__).parent / "static"
    if not (folder / "MathJax.js").is_file():
        raise RuntimeError(f"MathJax.js is missing from {folder}")
    return folder


def find_assets(use_local: bool = True) -> Assets:
    """Find (fetching into the cache when needed) the local copies of the page assets."""
    assets = Assets()
    if not use_local:
        assets.missing.append("local assets switched off")
        return assets
    try:
        assets.local["mathjax"] = _mathjax_dir()
        assets.mathjax = "assets/mathjax/MathJax.js"
    except (ImportError, RuntimeError) as error:
        assets.missing.append(f"MathJax ({error})")
    cache = assets_cache()
    try:
        packages = {key: _npm_package(key, cache) / "package" for key in NPM_ASSETS}
    except (OSError, RuntimeError, subprocess.SubprocessError, tarfile.TarError) as error:
        assets.missing.append(f"npm packages ({error})")
        return assets
    for key, package in packages.items():
        assets.local[key] = package
    assets.reveal = "assets/reveal.js"
    assets.require = "assets/requirejs/require.js"
    assets.jquery = "assets/jquery/dist/jquery.min.js"
    assets.widgets = "assets/html-manager/dist/embed-amd.js"
    return assets


_REMOTE_IMPORT = re.compile(r"@import url\((?:https?:)?//[^)]*\);?\n?")


def _localize_reveal_themes(folder: Path) -> None:
    """Swap the Google-Fonts imports of the reveal.js themes for the bundled Source Sans Pro."""
    local = "@import url(./fonts/source-sans-pro/source-sans-pro.css);\n"
    for path in folder.glob("*.css"):
        text = path.read_text(encoding="utf-8")
        if _REMOTE_IMPORT.search(text):
            text = _REMOTE_IMPORT.sub("", text)
            if local not in text:
                text = local + text
            path.write_text(text, encoding="utf-8")


def _copy_assets(assets: Assets, out_dir: Path) -> None:
    target = out_dir / "assets"
    for key, source in assets.local.items():
        destination = target / key
        marker = destination / ".lecturekit-copied"
        if marker.is_file() and marker.read_text() == f"{source}\n":
            continue
        shutil.rmtree(destination, ignore_errors=True)
        if key == "mathjax":
            shutil.copytree(source, destination)
        else:
            for item in _NPM_FILES[key]:
                path = source / item
                if path.is_dir():
                    shutil.copytree(path, destination / item, ignore=shutil.ignore_patterns(
                        "*.map", "*.esm.js", "embed.js", "libembed-amd.js"))
                else:
                    (destination / item).parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(path, destination / item)
        if key == "reveal.js":
            _localize_reveal_themes(destination / "dist" / "theme")
        marker.write_text(f"{source}\n")


def _read(path: Path) -> Any:
    import nbformat

    return nbformat.read(path, as_version=4)


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


def _exporter(kind: str, assets: Assets) -> Any:
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
        exporter = HTMLExporter(config=config, extra_loaders=[loader],
                                template_file="lecturekit-handout.html.j2", **common)
    else:
        loader = DictLoader({"lecturekit-slides.html.j2": _SLIDES_TEMPLATE})
        exporter = SlidesExporter(config=config, extra_loaders=[loader],
                                  template_file="lecturekit-slides.html.j2",
                                  reveal_url_prefix=assets.reveal, **common)
    return exporter


def _resources(path: Path, assets: Assets, css: str) -> dict[str, Any]:
    return {
        "metadata": {"name": path.stem, "path": str(path.parent.resolve())},
        "lecturekit": {"mathjax_head": assets.mathjax_head, "css": css},
    }


def _rise_css() -> str:
    path = Path(__file__).resolve().parent.parent / "notebooks" / "rise.css"
    return path.read_text(encoding="utf-8") if path.is_file() else ""


_BLOCK = re.compile(r"(<(style|script)\b[^>]*>)(.*?)(</\2>)", re.DOTALL | re.IGNORECASE)
_COMMENT_WITH_URL = re.compile(r"/\*(?:(?!\*/).)*?https?://.*?\*/|^[ \t]*//[^\n]*https?://[^\n]*\n",
                               re.DOTALL | re.MULTILINE)


def strip_comment_urls(page: str) -> str:
    """Drop the comments with web addresses (licences, credits) from inline CSS and JS, so a
    built page names no URL outside the build folder."""
    return _BLOCK.sub(lambda m: m.group(1) + _COMMENT_WITH_URL.sub("", m.group(3)) + m.group(4), page)


def export_handout(path: Path, out_dir: Path, assets: Assets | None = None) -> Path:
    """Export one notebook as an HTML handout, dropping cells tagged ``remove-cell``."""
    assets = assets or Assets()
    notebook = embed_local_images(_read(path), path.parent)
    body, _ = _exporter("handout", assets).from_notebook_node(
        notebook, resources=_resources(path, assets, HANDOUT_CSS))
    target = out_dir / f"{path.stem}.html"
    target.write_text(strip_comment_urls(body), encoding="utf-8")
    return target


def export_slides(path: Path, out_dir: Path, assets: Assets | None = None) -> Path:
    """Export one notebook as reveal.js slides following its slide types and RISE settings."""
    assets = assets or Assets()
    notebook = embed_local_images(_read(path), path.parent)
    rise = _rise_settings(notebook)
    exporter = _exporter("slides", assets)
    exporter.reveal_theme = str(rise.get("theme", "white"))
    exporter.reveal_transition = str(rise.get("transition", "none"))
    exporter.reveal_number = "c/t" if rise.get("slideNumber") else ""
    exporter.reveal_width = str(rise.get("width", 1280))
    exporter.reveal_height = str(rise.get("height", 720))
    exporter.reveal_scroll = bool(rise.get("scroll", True))
    body, _ = exporter.from_notebook_node(
        notebook, resources=_resources(path, assets, _rise_css() + SLIDES_CSS))
    target = out_dir / f"{path.stem}.slides.html"
    target.write_text(strip_comment_urls(body), encoding="utf-8")
    return target


def write_index(paths: Sequence[Path], out_dir: Path, assets: Assets | None = None) -> Path:
    """Write the course page listing ``paths`` (title, summary, links to handout and slides)."""
    from nbconvert.filters import markdown2html

    assets = assets or Assets()
    entries = []
    uses_math = False
    for path in paths:
        title, summary = lecture_info(_read(path), path.stem)
        uses_math = uses_math or "$" in summary
        summary_html = markdown2html(summary) if summary else ""
        entries.append(
            f'<li id="{html.escape(path.stem)}"><h2>{html.escape(title)}</h2>'
            f"{summary_html}"
            f'<div class="links"><a href="{html.escape(path.stem)}.html">Handout</a>'
            f'<a href="{html.escape(path.stem)}.slides.html">Slides</a></div></li>'
        )
    page = _INDEX_TEMPLATE.format(
        title=html.escape(COURSE_TITLE),
        mathjax=assets.mathjax_head if uses_math else "",
        entries="\n".join(entries),
    )
    target = out_dir / "index.html"
    target.write_text(page, encoding="utf-8")
    return target


def _built_notebooks(paths: Sequence[Path], staging: Path) -> list[Path]:
    """The notebooks the course page lists: those built now plus earlier builds still present."""
    listed = {path.stem: path for path in paths}
    for path in notebook_paths():
        if path.stem not in listed and (staging / f"{path.stem}.html").is_file():
            listed[path.stem] = path
    return [listed[name] for name in sorted(listed)]


def build(paths: Sequence[Path] | None = None, out: str | os.PathLike[str] = "build",
          use_local_assets: bool = True) -> list[Path]:
    """Build the course page, handouts and slides for ``paths`` (default: every notebook).

    Atomic: the pages are written into a temporary folder that replaces ``out`` only when
    all of them were written, so a failed build leaves the previous one intact. Building a
    subset keeps the other pages of the previous build.
    """
    all_notebooks = paths is None
    paths = notebook_paths() if paths is None else [Path(p) for p in paths]
    out_dir = Path(out)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    assets = find_assets(use_local_assets)
    if assets.missing:
        print("lecturekit: offline assets unavailable (" + "; ".join(assets.missing)
              + "); the pages load MathJax/reveal.js from CDN links instead", flush=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}-", dir=out_dir.parent))
    written: list[Path] = []
    try:
        if out_dir.is_dir() and not all_notebooks:
            shutil.copytree(out_dir, staging, dirs_exist_ok=True)
        staging.chmod(0o755)
        if not assets.missing:
            _copy_assets(assets, staging)
        else:
            shutil.rmtree(staging / "assets", ignore_errors=True)
        for path in paths:
            written.append(export_handout(path, staging, assets))
            written.append(export_slides(path, staging, assets))
        written.append(write_index(_built_notebooks(paths, staging), staging, assets))
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
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    for path in written:
        print(f"wrote {out_dir / path.name}")
    return [out_dir / path.name for path in written]


_CDN_HOSTS = re.compile(r"https?://(unpkg\.com|cdnjs\.cloudflare\.com|cdn\.jsdelivr\.net)[^\s\"'<>)]*")


def external_loads(page: str) -> list[str]:
    """URLs outside the build folder that a built page would load (scripts, styles, images)."""
    found = re.findall(r"""<(?:script|link|img|iframe|source)\b[^>]*?\b(?:src|href)\s*=\s*["']"""
                       r"""(?:https?:)?//([^"']+)["']""", page, flags=re.IGNORECASE)
    found += re.findall(r"""url\(\s*["']?(?:https?:)?//([^"')]+)""", page)
    found += [match.group(0) for match in _CDN_HOSTS.finditer(page)]
    return sorted(set(found))
