"""The student edition (issue 13): built from the master notebooks, it holds no solution, and
every notebook runs top to bottom: the lecture as in the master (which strict nbval runs), and
every exercise check says "Not done yet" in a message of its own instead of a crash that
hides it."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import nbformat
import pytest
from kernel_support import execute as run_in_kernel

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


def _exercise_start(cells) -> int | None:
    """Where the exercises begin: the first markdown cell headed "## Exercises"."""
    return next((index for index, cell in enumerate(cells) if cell.cell_type == "markdown"
                 and cell.source.lstrip().startswith("## Exercises")), None)


def test_the_edition_keeps_the_lecture_as_nbval_runs_it(edition):
    """Before its exercises, each notebook of the edition holds the master's cells, in order and
    unchanged, less the test-only ones: strict nbval runs those in the master notebooks, and
    test_notebook_structure checks that no shown cell reads a name a test-only cell binds last.
    So the lecture part is not run a second time here."""
    folder, _ = edition
    for path in PATHS:
        master = nbformat.read(path, as_version=4).cells
        shown = [cell for cell in master if notebooks.REMOVE_TAG not in cell.metadata.get("tags", [])]
        cells = nbformat.read(folder / "notebooks" / path.name, as_version=4).cells
        end = _exercise_start(cells)
        assert (end is None) == (not any(student.is_solution(cell) for cell in master)), path.name
        end = len(cells) if end is None else end
        assert [(c.cell_type, c.source, c.metadata.get("tags", [])) for c in cells[:end]] == \
            [(c.cell_type, c.source, c.metadata.get("tags", [])) for c in shown[:end]], path.name
        for cell, original in zip(cells[:end], shown):
            if cell.cell_type == "code":
                assert cell.outputs == original.outputs, f"{path.name}: the edition changed an output"


EXERCISED = [path for path in PATHS if _exercise_start(nbformat.read(path, as_version=4).cells) is not None]


@pytest.mark.parametrize("path", EXERCISED, ids=lambda p: p.stem)
def test_the_exercises_of_the_edition_run_and_say_not_done(edition, path):
    """From "## Exercises" to its end, each notebook of the edition runs in a fresh kernel,
    in its folder: every cell runs without error but the checks, and every check says
    "Not done yet" in a message of its own instead of a crash that hides it. A fresh kernel,
    so the exercises need nothing the lecture defines."""
    folder, _ = edition
    whole = nbformat.read(folder / "notebooks" / path.name, as_version=4)
    start = _exercise_start(whole.cells)
    notebook = nbformat.v4.new_notebook(cells=whole.cells[start:], metadata=whole.metadata)
    run_in_kernel(notebook, folder / "notebooks", timeout=600, record_timing=False)
    checks = 0
    for index, cell in enumerate(notebook.cells, start=start):
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
