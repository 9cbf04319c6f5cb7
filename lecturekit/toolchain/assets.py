"""The scripts the pages load, as offline copies in ``build/assets/`` (or CDN links).

MathJax 2.7 comes from the ``jupyter-server-mathjax`` Python package; reveal.js, require.js,
jQuery and the ipywidgets HTML manager come from the npm registry (``npm pack``, exact
versions in :data:`NPM_ASSETS`) into a cache (``$LECTUREKIT_ASSETS_CACHE``, default
``~/.cache/lecturekit/assets``), never into the repository. :func:`copy_assets` copies them
into the build folder, where the pages reference them with relative URLs, so the pages open
with the network off. When they cannot be had, the pages use CDN links instead.
The browser tests' own npm packages (axe-core, :data:`TEST_NPM_ASSETS`) share the cache but
are never copied into the build (:func:`fetch_test_asset`).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

# npm packages copied into build/assets/<folder>: exact versions so a build is reproducible.
# reveal.js 4 is the major version nbconvert's reveal template is written for (it asks for
# 4.0.2 from unpkg); the HTML manager 1.0.x is the one that matches ipywidgets 8.1.
NPM_ASSETS = {
    "reveal.js": ("reveal.js", "4.6.1"),
    "requirejs": ("requirejs", "2.3.8"),
    "jquery": ("jquery", "3.7.1"),
    "html-manager": ("@jupyter-widgets/html-manager", "1.0.15"),
}

# npm packages the browser tests use and the pages never load: fetched into the same cache
# (:func:`fetch_test_asset`), never copied into build/assets. axe-core checks the pages' accessibility.
TEST_NPM_ASSETS = {
    "axe-core": ("axe-core", "4.10.2"),
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
// Automatic line breaking fits long display formulas to the page, but a table cell is only
// as wide as its content before the math is typeset, so formulas in tables would wrap over
// several lines: those are typeset unbroken (their elementJax gets an unlimited line width).
[["HTML-CSS", "HTMLCSS"], ["CommonHTML", "CHTML"]].forEach(function (output) {
  MathJax.Hub.Register.StartupHook(output[0] + " Jax Ready", function () {
    var jax = MathJax.OutputJax[output[0]], preTranslate = jax.preTranslate;
    // MathJax calls preProcess, a copy of preTranslate made once the jax is ready: set both.
    jax.preTranslate = jax.preProcess = function (state) {
      preTranslate.apply(this, arguments);
      (state.jax[this.id] || []).forEach(function (script) {
        var data = script.MathJax && script.MathJax.elementJax && script.MathJax.elementJax[output[1]];
        if (data && script.parentNode && script.parentNode.closest && script.parentNode.closest("td, th")) {
          data.lineWidth = 1000000;
        }
      });
    };
  });
});
</script>
<script src="{url}"></script>
"""


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
    """The unpacked npm package ``key`` of :data:`NPM_ASSETS` or :data:`TEST_NPM_ASSETS`,
    fetched with ``npm pack`` once."""
    name, version = NPM_ASSETS[key] if key in NPM_ASSETS else TEST_NPM_ASSETS[key]
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


def fetch_test_asset(key: str, relative: str) -> Path:
    """The file ``relative`` of the test-only npm package ``key`` (:data:`TEST_NPM_ASSETS`),
    fetched into the asset cache when needed, e.g. ``fetch_test_asset("axe-core", "axe.min.js")``.
    Raises :class:`RuntimeError` (or :class:`OSError`) saying why when it cannot be had."""
    if key not in TEST_NPM_ASSETS:
        raise KeyError(f"{key} is not a test asset; known: {sorted(TEST_NPM_ASSETS)}")
    try:
        path = _npm_package(key, assets_cache()) / "package" / relative
    except (subprocess.SubprocessError, tarfile.TarError) as error:
        raise RuntimeError(f"npm pack {key} failed: {error}") from error
    if not path.is_file():
        raise RuntimeError(f"{relative} is missing from the npm package {key}")
    return path


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


def copy_assets(assets: Assets, out_dir: Path) -> None:
    """Copy the local assets into ``out_dir/assets`` (a folder already up to date is kept)."""
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


_CDN_HOSTS = re.compile(r"https?://(unpkg\.com|cdnjs\.cloudflare\.com|cdn\.jsdelivr\.net)[^\s\"'<>)]*")


def external_loads(page: str) -> list[str]:
    """URLs outside the build folder that a built page would load (scripts, styles, images)."""
    found = re.findall(r"""<(?:script|link|img|iframe|source)\b[^>]*?\b(?:src|href)\s*=\s*["']"""
                       r"""(?:https?:)?//([^"']+)["']""", page, flags=re.IGNORECASE)
    found += re.findall(r"""url\(\s*["']?(?:https?:)?//([^"')]+)""", page)
    found += [match.group(0) for match in _CDN_HOSTS.finditer(page)]
    return sorted(set(found))
