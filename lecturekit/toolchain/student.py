"""The student edition: the lecture notebooks with the exercise solutions replaced by stubs.

The notebooks are the instructor's master copy in nbgrader's source format. For each one the
student edition

- replaces every region between ``### BEGIN SOLUTION`` and ``### END SOLUTION`` in a solution
  cell by nbgrader's stub, ``# YOUR CODE HERE`` and ``raise NotImplementedError()``, at the
  region's indentation, and clears that cell's outputs;
- clears the outputs of the check cells and tags them ``raises-exception``, so that "Run all"
  shows every check's "Not done yet" and goes on to the next exercise;
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
import re
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
        cells.append(cell)
    student.cells = cells
    return student
