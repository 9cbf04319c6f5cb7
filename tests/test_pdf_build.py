"""The PDF step of the build (lecturekit.toolchain.pdf) where it cannot print: no Chromium (or
no Playwright), or no local reveal.js and MathJax. The build says so in one line and writes
everything else; no browser is started here (tests/browser/test_pdf.py prints for real)."""

from pathlib import Path

import nbformat

from lecturekit.toolchain import notebooks, pdf
from lecturekit.toolchain.build import build


def _lecture(folder: Path, name: str) -> Path:
    nb = notebooks.new_notebook([
        notebooks.markdown(f"# Lecture {name}\n\nA line $y = ax + b$ through points."),
        notebooks.code("1 + 1"),
        notebooks.markdown("## The end"),
    ])
    nb.cells[1].outputs = [nbformat.v4.new_output("execute_result", {"text/plain": "2"}, execution_count=1)]
    nb.cells[1].execution_count = 1
    path = folder / "notebooks" / f"{name}.ipynb"
    path.parent.mkdir(parents=True, exist_ok=True)
    notebooks.save(nb, path)
    return path


def _notices(output: str) -> list[str]:
    return [line for line in output.splitlines() if "PDFs were not written" in line]


def test_without_chromium_the_build_says_so_in_one_line_and_writes_the_rest(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(pdf, "find_chromium", lambda: None)
    out = tmp_path / "build"
    path = _lecture(tmp_path, "01-demo")
    written = build(tmp_path, [path], out, use_local_assets=False)
    notices = _notices(capsys.readouterr().out)
    assert len(notices) == 1, notices
    assert notices[0].startswith("lecturekit: no Chromium found (") and "PATH" in notices[0]
    assert {p.name for p in written} == {"01-demo.html", "01-demo.slides.html", "index.html"}
    assert all((out / p.name).is_file() for p in written)
    assert not list(out.glob("*.pdf"))
    assert ".pdf" not in (out / "index.html").read_text()


def test_without_local_reveal_and_mathjax_no_browser_is_started(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(pdf, "missing_tools", lambda: None)  # as if Chromium were there

    def no_browser(self):
        raise AssertionError("a browser was started")

    monkeypatch.setattr(pdf.Printer, "_start", no_browser)
    out = tmp_path / "build"
    build(tmp_path, [_lecture(tmp_path, "01-demo")], out, use_local_assets=False)
    notices = _notices(capsys.readouterr().out)
    assert len(notices) == 1 and "no local MathJax and reveal.js" in notices[0], notices
    assert (out / "01-demo.html").is_file() and not list(out.glob("*.pdf"))


def test_a_rebuilt_lecture_loses_its_old_pdfs_and_the_course_page_links_those_there(tmp_path, capsys):
    first, second = _lecture(tmp_path, "01-demo"), _lecture(tmp_path, "02-more")
    out = tmp_path / "build"
    build(tmp_path, [first, second], out, use_local_assets=False, pdfs=False)
    assert capsys.readouterr().out.count("PDFs were not written") == 0  # switched off: no notice
    for name in ("01-demo.pdf", "01-demo.slides.pdf", "02-more.pdf", "02-more.slides.pdf"):
        (out / name).write_bytes(b"%PDF-1.4 earlier build\n")
    build(tmp_path, [first], out, use_local_assets=False, pdfs=False)
    assert not (out / "01-demo.pdf").exists() and not (out / "01-demo.slides.pdf").exists()
    assert (out / "02-more.pdf").is_file() and (out / "02-more.slides.pdf").is_file()
    index = (out / "index.html").read_text()
    assert 'href="02-more.pdf"' in index and 'href="02-more.slides.pdf"' in index
    assert "01-demo.pdf" not in index and "01-demo.slides.pdf" not in index


def test_chromium_is_found_where_named_then_in_usr_bin_then_on_path(tmp_path, monkeypatch):
    def executable(path: Path) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("#!/bin/sh\n")
        path.chmod(0o755)
        return path

    monkeypatch.delenv("LECTUREKIT_CHROMIUM", raising=False)
    monkeypatch.setattr(pdf, "CHROMIUM_PATHS", (str(tmp_path / "usr-bin" / "chromium"),))
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    assert pdf.find_chromium() is None
    assert "chromium-browser" in pdf.missing_tools()  # says where it looked
    on_path = executable(tmp_path / "bin" / "chromium-browser")
    assert pdf.find_chromium() == str(on_path)
    usr_bin = executable(tmp_path / "usr-bin" / "chromium")
    assert pdf.find_chromium() == str(usr_bin)
    named = executable(tmp_path / "elsewhere" / "chrome")
    monkeypatch.setenv("LECTUREKIT_CHROMIUM", str(named))
    assert pdf.find_chromium() == str(named)
    monkeypatch.setenv("LECTUREKIT_CHROMIUM", str(tmp_path / "missing"))
    assert pdf.find_chromium() == str(usr_bin)

