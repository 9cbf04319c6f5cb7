"""The student edition (issue 13): built from the master notebooks, it holds no solution, and
every notebook runs top to bottom: the lecture as before, and every exercise check says
"Not done yet" in a message of its own instead of a crash that hides it."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from lecturekit.toolchain import notebooks, student

ROOT = Path(__file__).resolve().parents[1]
PATHS = notebooks.notebook_paths(ROOT)
SOLUTION = re.compile(rf"{re.escape(notebooks.SOLUTION_BEGIN)}[^\n]*\n(.*?)^[ \t]*"
                      rf"{re.escape(notebooks.SOLUTION_END)}", re.DOTALL | re.MULTILINE)


@pytest.fixture(scope="module")
def edition(tmp_path_factory):
    out = tmp_path_factory.mktemp("edition")
    folder, archive = student.write_edition(ROOT, PATHS, out)
    return folder, archive


def _solution_lines(path: Path) -> set[str]:
    """The lines of the solutions that the lecture does not show elsewhere (a solution may
    repeat a line of code the slides print, such as ``with torch.no_grad():``)."""
    lines, shown = set(), []
    for cell in nbformat.read(path, as_version=4).cells:
        if student.is_solution(cell):
            for region in SOLUTION.findall(cell.source):
                lines |= {line.strip() for line in region.splitlines() if len(line.strip()) > 12}
        else:
            shown.append(nbformat.writes(nbformat.v4.new_notebook(cells=[cell])))
    elsewhere = "\n".join(shown)
    return {line for line in lines if line not in elsewhere}


def test_stub_keeps_the_signature_and_the_indentation():
    source = 'def f(x):\n    """Doc."""\n    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION\n'
    assert student.stub_solutions(source) == (
        'def f(x):\n    """Doc."""\n    # YOUR CODE HERE\n    raise NotImplementedError()\n')


def test_every_lecture_has_three_exercises_in_nbgrader_format():
    for path in PATHS[1:]:
        cells = nbformat.read(path, as_version=4).cells
        solutions = [c for c in cells if student.is_solution(c)]
        checks = [c for c in cells if student.is_check(c)]
        assert len(solutions) >= 3, f"{path.name} has {len(solutions)} exercises, needs at least 3"
        assert len(checks) >= len(solutions), f"{path.name}: an exercise has no check cell"
        ids = [c.metadata.nbgrader["grade_id"] for c in cells if "nbgrader" in c.metadata]
        assert len(ids) == len(set(ids)), f"{path.name}: nbgrader grade_ids repeat"
        for cell in solutions:
            assert SOLUTION.search(cell.source), f"{path.name}: a solution cell has no solution region"
            assert cell.metadata.slideshow.slide_type == "subslide", "a solution needs a sub-slide of its own"


def test_the_edition_holds_no_solution(edition):
    folder, archive = edition
    names = zipfile.ZipFile(archive).namelist()
    for path in PATHS:
        text = (folder / "notebooks" / path.name).read_text(encoding="utf-8")
        assert notebooks.SOLUTION_BEGIN not in text and notebooks.SOLUTION_END not in text
        leaked = [line for line in _solution_lines(path) if line in text]
        assert not leaked, f"{path.name}: the student edition shows solution lines {leaked}"
        assert f"{student.EDITION_NAME}/notebooks/{path.name}" in names
        assert zipfile.ZipFile(archive).read(f"{student.EDITION_NAME}/notebooks/{path.name}").decode() == text
    assert f"{student.EDITION_NAME}/lecturekit/exercises/feedback.py" in names
    assert not any("__pycache__" in name for name in names)


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.stem)
def test_the_edition_runs_top_to_bottom(edition, path):
    folder, _ = edition
    notebook = nbformat.read(folder / "notebooks" / path.name, as_version=4)
    NotebookClient(notebook, timeout=600, kernel_name="python3", record_timing=False,
                   resources={"metadata": {"path": str(folder / "notebooks")}}).execute()
    checks = 0
    for index, cell in enumerate(notebook.cells):
        errors = [o for o in cell.get("outputs", []) if o.output_type == "error"]
        if student.is_check(cell):
            checks += 1
            assert [e.ename for e in errors] == ["NotDoneYet"], (
                f"cell {index}: the check did not say 'not done'")
            shown = "\n".join(errors[0].traceback)
            assert shown.startswith("Not done yet:") and "Traceback" not in shown, shown
        else:
            assert not errors, (
                f"cell {index} fails in the student edition: {errors[0].ename}: {errors[0].evalue}")
    assert checks == sum(student.is_check(c) for c in nbformat.read(path, as_version=4).cells)
