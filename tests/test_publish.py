"""Publishing (lecturekit.toolchain.build, .assets, .cli): course page, handouts and slides,
built atomically, with local assets and no URL that leaves the build folder; the build
command's boundary (a broken notebook, a bad argument, a full disk)."""

import errno
import json
import os
import re
import sys
import types
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import nbformat  # noqa: E402
import pytest  # noqa: E402

from lecturekit.toolchain import assets, notebooks  # noqa: E402
from lecturekit.toolchain import build as build_module  # noqa: E402
from lecturekit.toolchain.build import (  # noqa: E402
    BuildError,
    build,
    embed_local_images,
    export_handout,
    export_slides,
    lecture_info,
    local_images,
    write_index,
)
from lecturekit.toolchain.cli import main  # noqa: E402


def _lecture(folder: Path, name: str = "01-demo", image: str = "../images/demo.png",
             summary: str | None = None) -> Path:
    (folder / "notebooks").mkdir(parents=True, exist_ok=True)
    (folder / "images").mkdir(exist_ok=True)
    figure, ax = plt.subplots(figsize=(2, 1.5))
    ax.plot([0, 1], [1, 0])
    figure.savefig(folder / "images" / "demo.png", dpi=50)
    plt.close(figure)
    nb = notebooks.new_notebook([
        notebooks.markdown("# Demo lecture\n\nWe fit a **line** $y = ax + b$ to points.\n\nMore."),
        notebooks.markdown(f"## A figure\n\n![a line]({image})", slide="subslide"),
        notebooks.code("1 + 1"),
        notebooks.code("assert True", tags=["remove-cell"]),
        notebooks.markdown("## The end"),
    ])
    nb.cells[2].outputs = [nbformat.v4.new_output("execute_result", {"text/plain": "2"}, execution_count=1)]
    nb.cells[2].execution_count = 1
    if summary is not None:
        nb.metadata["lecturekit"] = {"summary": summary}
    path = folder / "notebooks" / f"{name}.ipynb"
    notebooks.save(nb, path)
    return path


def test_lecture_info_reads_title_and_first_paragraph(tmp_path):
    notebook = nbformat.read(_lecture(tmp_path), as_version=4)
    title, summary = lecture_info(notebook, "x")
    assert (title, summary) == ("Demo lecture", "We fit a **line** $y = ax + b$ to points.")
    notebook.metadata["lecturekit"] = {"summary": "Given summary."}
    assert lecture_info(notebook, "x")[1] == "Given summary."


def test_images_from_markdown_are_embedded_and_missing_ones_fail(tmp_path):
    path = _lecture(tmp_path)
    notebook = embed_local_images(nbformat.read(path, as_version=4), path.parent)
    assert "](data:image/png;base64," in notebook.cells[1].source
    assert local_images(nbformat.read(path, as_version=4)) == [(1, "../images/demo.png")]
    broken = _lecture(tmp_path, "02-broken", image="../images/missing.png")
    with pytest.raises(FileNotFoundError, match="missing.png"):
        embed_local_images(nbformat.read(broken, as_version=4), broken.parent)


def test_alt_text_with_brackets_is_still_an_image():
    cell = notebooks.markdown('![sizes [2, 4, 1] and [3]](../images/net.png "a title")\n\n![plain](x.png)')
    notebook = notebooks.new_notebook([cell])
    assert local_images(notebook) == [(0, "../images/net.png"), (0, "x.png")]


def test_build_writes_pages_and_a_failed_build_keeps_the_previous_one(tmp_path, capsys):
    good = _lecture(tmp_path, summary="Lines through points.")
    out = tmp_path / "build"
    build(tmp_path, [good], out, use_local_assets=False)
    assert "CDN links instead" in capsys.readouterr().out
    handout = (out / "01-demo.html").read_text()
    assert (out / "01-demo.html").stat().st_mode & 0o777 == 0o644, "a published page must be readable"
    assert "assert True" not in handout, "remove-cell cells must be dropped from the handout"
    assert len(re.findall(r'class="jp-Cell jp-CodeCell', handout)) == 1
    assert "data:image/png;base64," in handout
    slides = (out / "01-demo.slides.html").read_text()
    assert "assert True" not in slides and slides.count("<section") == 2 * 2 + 1
    index = (out / "index.html").read_text()
    assert "Demo lecture" in index and "Lines through points." in index
    assert 'href="01-demo.html"' in index and 'href="01-demo.slides.html"' in index

    broken = _lecture(tmp_path, "02-broken", image="../images/missing.png")
    with pytest.raises(BuildError, match="02-broken.ipynb.*missing.png"):
        build(tmp_path, [good, broken], out, use_local_assets=False)
    assert (out / "01-demo.html").read_text() == handout
    assert not (out / "02-broken.html").exists()
    assert not list(tmp_path.glob(".build-*")), "the staging folder must be removed"


def test_building_one_notebook_keeps_the_others(tmp_path):
    first, second = _lecture(tmp_path, "01-demo"), _lecture(tmp_path, "02-other")
    out = tmp_path / "build"
    build(tmp_path, [first, second], out, use_local_assets=False)
    assert main(["build", "--cdn", "--root", str(tmp_path), "--out", str(out), str(second)]) == 0
    assert (out / "01-demo.html").is_file() and (out / "02-other.slides.html").is_file()


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


class _HalfWriter:
    """A file that takes half of what is written, then fails as a full disk does."""

    def __init__(self, stream):
        self.stream = stream

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.stream.close()

    def write(self, content):
        self.stream.write(content[: len(content) // 2])
        self.stream.flush()
        raise OSError(errno.ENOSPC, "No space left on device")


def _fill_the_disk(monkeypatch) -> None:
    """Make every write through ``notebooks.write_atomic`` fail midway."""
    patched_os = types.SimpleNamespace(**vars(os))
    patched_os.fdopen = lambda *args, **kwargs: _HalfWriter(os.fdopen(*args, **kwargs))
    monkeypatch.setattr(notebooks, "os", patched_os)


def _break_json(folder: Path) -> None:
    (folder / "notebooks" / "02-broken.ipynb").write_text('{"cells": [\n  {"cell_type": "markdown",\n')


# case -> (what breaks the build, what the one stderr line must name, a key part of the reason)
BROKEN_BUILDS = {
    "invalid JSON": (lambda folder, monkeypatch: _break_json(folder), "notebooks/02-broken.ipynb", "JSON"),
    "missing image": (lambda folder, monkeypatch: _lecture(folder, "02-broken", image="../images/gone.png"),
                      "notebooks/02-broken.ipynb", "gone.png"),
    "disk full": (lambda folder, monkeypatch: _fill_the_disk(monkeypatch), "build", "No space left"),
}


@pytest.mark.parametrize("case", sorted(BROKEN_BUILDS))
def test_a_failed_build_command_prints_one_line_and_keeps_the_previous_build(tmp_path, monkeypatch,
                                                                            capfd, case):
    monkeypatch.chdir(tmp_path)
    _lecture(tmp_path, summary="Lines through points.")
    assert main(["build", "--cdn"]) == 0
    before = _snapshot(tmp_path / "build")
    capfd.readouterr()

    breaks, named, reason = BROKEN_BUILDS[case]
    breaks(tmp_path, monkeypatch)
    assert main(["build", "--cdn"]) == 1
    lines = capfd.readouterr().err.splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"lecturekit build: {named}: ") and reason in lines[0], lines[0]
    assert _snapshot(tmp_path / "build") == before, "the previous build/ must stay as it was"
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".")], "a staging folder was left"


@pytest.mark.parametrize("arguments, named, key", [
    (["--out", "page.html"], "page.html", "out"),
    (["notebooks/01-demo.txt"], "notebooks/01-demo.txt", ".ipynb"),
    (["notebooks/09-missing.ipynb"], "notebooks/09-missing.ipynb", "not found"),
    (["--root", "elsewhere"], "elsewhere", "notebooks/"),
])
def test_build_command_checks_its_arguments_first(tmp_path, monkeypatch, capfd, arguments, named, key):
    monkeypatch.chdir(tmp_path)
    _lecture(tmp_path)
    (tmp_path / "notebooks" / "01-demo.txt").write_text("not a notebook")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "page.html").write_text("an earlier page")
    before = _snapshot(tmp_path)
    assert main(["build", "--cdn", *arguments]) == 1
    lines = capfd.readouterr().err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("lecturekit build: ") and f"{named}: " in lines[0], lines
    assert key in lines[0].split(f"{named}: ", 1)[1], lines[0]
    assert _snapshot(tmp_path) == before, "nothing may be written"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["elsewhere", "images", "notebooks", "page.html"]


WRITERS = {
    "handout": (lambda path, out: export_handout(path, out), "01-demo.html"),
    "slides": (lambda path, out: export_slides(path, out), "01-demo.slides.html"),
    "course page": (lambda path, out: write_index([path], out), "index.html"),
}


@pytest.mark.parametrize("writer", sorted(WRITERS))
@pytest.mark.parametrize("earlier", [None, "the page of an earlier build"])
def test_an_export_cut_off_by_a_full_disk_leaves_no_partial_file(tmp_path, monkeypatch, writer, earlier):
    export, name = WRITERS[writer]
    path, out = _lecture(tmp_path), tmp_path / "out"
    out.mkdir()
    if earlier is not None:
        (out / name).write_text(earlier)
    _fill_the_disk(monkeypatch)
    with pytest.raises(OSError, match="No space left"):
        export(path, out)
    assert [p.name for p in out.iterdir()] == ([] if earlier is None else [name])
    if earlier is not None:
        assert (out / name).read_text() == earlier


# A stand-in for npm: `npm pack NAME@VERSION --pack-destination DIR ...` packs a folder of
# the test's making into DIR, logs the call, and fails like an offline npm when asked to.
FAKE_NPM = """#!{python}
import json, os, pathlib, sys, tarfile
args = sys.argv[1:]
with open(os.environ["FAKE_NPM_LOG"], "a") as log:
    log.write(" ".join(args) + "\\n")
if os.environ.get("FAKE_NPM_OFFLINE"):
    sys.exit("npm error code ENOTFOUND\\nnpm error request to the registry failed")
destination = pathlib.Path(args[args.index("--pack-destination") + 1])
folder = json.loads(os.environ["FAKE_NPM_PACKAGES"])[args[1]]
with tarfile.open(destination / "package.tgz", "w:gz") as archive:
    archive.add(folder, arcname="package")
"""

# The files of each npm package that the pages use (assets._NPM_FILES), as small stand-ins.
FAKE_PACKAGE_FILES = {
    "reveal.js": {"dist/reveal.js": "// reveal", "dist/reveal.css": "/* reveal */",
                  "dist/theme/white.css": "@import url(https://fonts.example/source-sans.css);\n.reveal {}",
                  "dist/theme/fonts/source-sans-pro/source-sans-pro.css": "/* font */",
                  "plugin/notes/notes.js": "// notes"},
    "requirejs": {"require.js": "// require"},
    "jquery": {"dist/jquery.min.js": "// jquery"},
    "html-manager": {"dist/embed-amd.js": "// widgets"},
}


@pytest.fixture()
def fake_npm(tmp_path, monkeypatch):
    """A fake ``npm`` first on PATH and an empty asset cache; returns the log of npm calls."""
    packages = {}
    for key, (name, version) in assets.NPM_ASSETS.items():
        folder = tmp_path / "npm-packages" / key
        for relative, text in FAKE_PACKAGE_FILES[key].items():
            (folder / relative).parent.mkdir(parents=True, exist_ok=True)
            (folder / relative).write_text(text)
        packages[f"{name}@{version}"] = str(folder)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "npm").write_text(FAKE_NPM.format(python=sys.executable))
    (bin_dir / "npm").chmod(0o755)
    log = tmp_path / "npm.log"
    log.write_text("")
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("FAKE_NPM_PACKAGES", json.dumps(packages))
    monkeypatch.setenv("FAKE_NPM_LOG", str(log))
    monkeypatch.setenv("LECTUREKIT_ASSETS_CACHE", str(tmp_path / "asset-cache"))
    return log


def test_assets_are_fetched_with_npm_once_then_read_from_the_cache(fake_npm, tmp_path):
    found = assets.find_assets()
    assert found.missing == []
    assert set(found.local) == {"mathjax", *assets.NPM_ASSETS}
    assert found.reveal == "assets/reveal.js" and found.widgets.startswith("assets/")
    calls = fake_npm.read_text().splitlines()
    assert sorted(call.split()[1] for call in calls) == sorted(
        f"{name}@{version}" for name, version in assets.NPM_ASSETS.values())
    assert all(call.startswith("pack ") for call in calls)
    assets.find_assets()
    assert len(fake_npm.read_text().splitlines()) == len(calls), "a cached package was fetched again"
    assert not list((tmp_path / "asset-cache").glob("tmp*")), "a temporary download folder was left"


def test_pages_load_nothing_from_outside_the_build_folder(fake_npm, tmp_path):
    out = tmp_path / "build"
    build(tmp_path, [_lecture(tmp_path)], out)
    theme = (out / "assets" / "reveal.js" / "dist" / "theme" / "white.css").read_text()
    assert "fonts.example" not in theme and "source-sans-pro.css" in theme
    for page in out.glob("*.html"):
        text = page.read_text()
        assert assets.external_loads(text) == [], page.name
        assert not re.search(r"https?://", text), f"{page.name} names a web address"
        for ref in re.findall(r"""(?:src|href)=["']([^"'#?]+)""", text):
            if not ref.startswith(("data:", "http")) and ref:
                assert (out / ref).is_file(), f"{page.name} refers to missing {ref}"


@pytest.mark.parametrize("offline", ["registry unreachable", "npm not installed"])
def test_build_without_npm_assets_uses_cdn_links_and_says_so_once(fake_npm, tmp_path, monkeypatch,
                                                                   capsys, offline):
    if offline == "registry unreachable":
        monkeypatch.setenv("FAKE_NPM_OFFLINE", "1")
    else:
        monkeypatch.setenv("PATH", str(tmp_path / "no-npm-here"))
    out = tmp_path / "build"
    build(tmp_path, [_lecture(tmp_path)], out)
    notices = [line for line in capsys.readouterr().out.splitlines() if "offline assets" in line]
    assert len(notices) == 1 and "CDN links instead" in notices[0], notices
    assert ("request to the registry failed" if offline == "registry unreachable"
            else "npm is not installed") in notices[0]
    assert not (out / "assets").exists()
    slides = (out / "01-demo.slides.html").read_text()
    assert assets.CDN["reveal"] in slides
    assert not list((tmp_path / "asset-cache").glob("*/.complete")), "a failed fetch was cached"


def test_external_loads_finds_cdn_scripts():
    page = '<script src="https://unpkg.com/x.js"></script><link href="//cdn.example/y.css">'
    assert assets.external_loads(page) == ["cdn.example/y.css", "https://unpkg.com/x.js", "unpkg.com/x.js"]


def test_a_broken_notebook_stops_the_build_before_anything_is_exported(tmp_path, monkeypatch):
    good = _lecture(tmp_path)
    broken = tmp_path / "notebooks" / "02-broken.ipynb"
    broken.write_text('{"cells": [')
    exported = []
    monkeypatch.setattr(build_module, "_page", lambda *args: exported.append(args) or "")
    monkeypatch.setattr(build_module, "find_assets", lambda *args: pytest.fail("assets fetched"))
    with pytest.raises(build_module.BuildError, match="02-broken.ipynb"):
        build_module.build(tmp_path, [good, broken], tmp_path / "build")
    assert exported == [] and not (tmp_path / "build").exists()


def test_a_whole_build_writes_the_student_edition_links_it_and_folds_solutions(tmp_path):
    path = _lecture(tmp_path)
    nb = notebooks.read(path)
    nb.cells += notebooks.exercise(
        "ex-01-1-double", "## Exercise 1.1\n\nWrite `double(x)`.",
        'def double(x):\n    """Twice x."""\n    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION',
        "assert double(2) == 4")
    notebooks.save(nb, path)
    out = tmp_path / "build"
    build(tmp_path, None, out, use_local_assets=False)
    index = (out / "index.html").read_text()
    assert 'href="student.zip"' in index
    handout = (out / "01-demo.html").read_text()
    assert re.search(r'<details class="lk-solution"><summary>Solution[^<]*</summary>.*?return.*?</details>',
                     handout, re.DOTALL)
    slides = (out / "01-demo.slides.html").read_text()
    # one <section> per slide and one per sub-slide: 5 before, then the task and its solution
    assert slides.count("<section") == 5 + 3, "the solution must sit on a sub-slide of its own"
    edition = (out / "student" / "notebooks" / "01-demo.ipynb").read_text()
    assert "return 2 * x" not in edition and "raise NotImplementedError()" in edition
    assert "assert True" not in edition, "test-only cells are dropped from the student edition"
    import zipfile

    names = zipfile.ZipFile(out / "student.zip").namelist()
    assert "lecturekit-student/notebooks/01-demo.ipynb" in names
    assert "lecturekit-student/README.md" in names
    first = (out / "student.zip").read_bytes()
    build(tmp_path, None, out, use_local_assets=False)
    assert (out / "student.zip").read_bytes() == first, "the same sources give the same zip"
