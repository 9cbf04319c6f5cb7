"""The student edition: the lecture notebooks with the exercise solutions replaced by stubs.

The notebooks are the instructor's master copy in nbgrader's source format. For each one the
student edition

- replaces every region between ``### BEGIN SOLUTION`` and ``### END SOLUTION`` in a solution
  cell by nbgrader's stub, ``# YOUR CODE HERE`` and ``raise NotImplementedError()``, at the
  region's indentation, and clears that cell's outputs;
- clears the outputs of the check cells and tags them ``raises-exception``, so that "Run all"
  shows every check's "Not done yet" and goes on to the next exercise;
- locks the task and check cells (``editable``/``deletable`` false, as nbgrader's release does);
- drops the cells tagged ``remove-cell`` (checks that belong to the tests, not the lecture);
- keeps everything else, outputs included, so the lecture reads as before it is run.

It is our own small generator rather than nbgrader's ``generate_assignment``: that needs a
course database and nbgrader's dependencies (a Jupyter server extension, SQLAlchemy,
alembic, ...) in the build environment, while this is the one transformation we use,
done in well under a second and offline. The cell metadata stays nbgrader's, so an
instructor can still run nbgrader (or otter-grader) on the master notebooks.
"""

from __future__ import annotations

import copy
import os
import re
import shutil
from pathlib import Path
from typing import Any

from lecturekit.toolchain.notebooks import REMOVE_TAG, SOLUTION_BEGIN, SOLUTION_END

STUB = ("# YOUR CODE HERE", "raise NotImplementedError()")
_REGION = re.compile(rf"^([ \t]*){re.escape(SOLUTION_BEGIN)}[^\n]*\n.*?"
                     rf"^[ \t]*{re.escape(SOLUTION_END)}[^\n]*$", re.DOTALL | re.MULTILINE)


def stub_solutions(source: str) -> str:
    """``source`` with every solution region replaced by the stub, at the region's indentation."""
    return _REGION.sub(lambda m: "\n".join(m.group(1) + line for line in STUB), source)


def _nbgrader(cell: Any) -> dict[str, Any]:
    return cell.get("metadata", {}).get("nbgrader", {})


def is_solution(cell: Any) -> bool:
    """A cell the student writes in (nbgrader ``solution``)."""
    return bool(_nbgrader(cell).get("solution"))


def is_check(cell: Any) -> bool:
    """An exercise's check cell (nbgrader ``grade``, a code cell)."""
    return bool(_nbgrader(cell).get("grade")) and cell.get("cell_type") == "code"


def student_notebook(notebook: Any) -> Any:
    """The student edition of one master ``notebook`` (a new notebook; the master is unchanged)."""
    student = copy.deepcopy(notebook)
    cells = []
    for cell in student.cells:
        if REMOVE_TAG in cell.get("metadata", {}).get("tags", []):
            continue
        if is_solution(cell):
            cell.source = stub_solutions(cell.source)
            if cell.cell_type == "code":
                cell.outputs, cell.execution_count = [], None
        elif is_check(cell):
            cell.outputs, cell.execution_count = [], None
            tags = cell.metadata.setdefault("tags", [])
            if "raises-exception" not in tags:
                tags.append("raises-exception")
        if _nbgrader(cell).get("locked"):  # as nbgrader's release: the task and its checks stay
            cell.metadata["deletable"] = False
            cell.metadata["editable"] = False
        cells.append(cell)
    student.cells = cells
    return student


# What a student needs beside the notebooks to install lecturekit and run them.
EDITION_FILES = ("pyproject.toml", "environment.yml", "LICENSE")
EDITION_FOLDERS = ("lecturekit", "images")
EDITION_NAME = "lecturekit-student"

STUDENT_README = """# Neural networks: the student edition

Every lecture notebook in `notebooks/` ends with coding exercises. Each exercise is a
function to complete: write your code in place of `raise NotImplementedError()`, run the
cell, then run the check cell below it. The check tries your function on several cases and
says what differs ("the new weights on ...: off by 4 at [1] ...") or confirms that it is
right ("Well done"). Until you write it, the check says "Not done yet".

Set up once (Python 3.10 or newer), then open the notebooks in JupyterLab:

    python -m venv .venv
    .venv/bin/python -m pip install -e '.[present]'     # Windows: .venv\\Scripts\\python
    .venv/bin/jupyter lab notebooks

or with conda: `conda env create -f environment.yml && conda activate lecturekit`.
Lectures 4 to 7 use MNIST: put the four files of `MNIST/raw` in a folder and set the
environment variable `LECTUREKIT_DATA` to it, or let torchvision download them.
"""


def write_edition(root: Path, notebook_paths: list[Path], out_dir: Path) -> list[Path]:
    """Write the student edition of ``notebook_paths`` into ``out_dir/student/`` and
    ``out_dir/student.zip``; returns both. Nothing of the master's solutions is written."""
    import nbformat

    from lecturekit.toolchain.notebooks import read, write_atomic

    folder = out_dir / "student"
    shutil.rmtree(folder, ignore_errors=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
    for name in EDITION_FOLDERS:
        if (root / name).is_dir():
            shutil.copytree(root / name, folder / name, ignore=ignore)
    for name in EDITION_FILES:
        if (root / name).is_file():
            shutil.copy2(root / name, folder / name)
    write_atomic(folder / "README.md", STUDENT_README)
    for path in notebook_paths:
        write_atomic(folder / "notebooks" / path.name, nbformat.writes(student_notebook(read(path))) + "\n")
    css = notebook_paths[0].parent / "rise.css" if notebook_paths else None
    if css is not None and css.is_file():
        shutil.copy2(css, folder / "notebooks" / css.name)
    archive = out_dir / "student.zip"
    _write_zip(folder, archive)
    return [folder, archive]


def _write_zip(folder: Path, archive: Path) -> None:
    """Zip ``folder`` as ``lecturekit-student/...`` with fixed dates, so the same sources give
    the same archive; written through a temporary name."""
    import zipfile

    temp = archive.with_name(f".{archive.name}.tmp")
    with zipfile.ZipFile(temp, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            info = zipfile.ZipInfo(f"{EDITION_NAME}/{path.relative_to(folder).as_posix()}",
                                   date_time=(1980, 1, 1, 0, 0, 0))
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            bundle.writestr(info, path.read_bytes())
    os.replace(temp, archive)
