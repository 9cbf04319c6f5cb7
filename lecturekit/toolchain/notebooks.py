"""Reading, writing and executing the lecture notebooks.

The conventions every lecture follows live here, so that the authoring code, the
``execute`` command and the structure tests agree: the kernelspec, the RISE settings, the
slide types and the cell tags. Functions that look for notebooks take the repository root.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

SLIDE_TYPES = ("slide", "subslide", "fragment", "skip", "notes", "-")

KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}

# RISE settings shared by every lecture: a 16:9 canvas, slide numbers, scrolling for long
# cells, and notebooks/rise.css for projector-sized code and outputs.
RISE_METADATA = {
    "theme": "white",
    "transition": "none",
    "scroll": True,
    "slideNumber": True,
    "width": 1280,
    "height": 720,
    "enable_chalkboard": False,
    "header": "",
    "footer": "",
}

REMOVE_TAG = "remove-cell"
SKIP_TAG = "nbval-skip"


class ToolchainError(Exception):
    """A file or folder the toolchain cannot use, and why; ``str()`` is one line for the
    command line: ``<path>: <reason>``."""

    def __init__(self, path: str | os.PathLike[str], reason: str) -> None:
        self.path = Path(path)
        self.reason = " ".join(reason.split())
        super().__init__(f"{self.path}: {self.reason}")


def notebook_dir(root: str | os.PathLike[str]) -> Path:
    """The folder of the lecture notebooks in the repository ``root``."""
    return Path(root) / "notebooks"


def check_root(root: str | os.PathLike[str]) -> Path:
    """``root`` as a Path, if it is a repository root (it has a ``notebooks/`` folder)."""
    root = Path(root)
    if not notebook_dir(root).is_dir():
        raise ToolchainError(root.resolve(), "has no notebooks/ folder: run from the repository root or "
                                             "pass --root")
    return root


def notebook_paths(root: str | os.PathLike[str]) -> list[Path]:
    """The lecture notebooks of the repository ``root``, sorted by name."""
    return sorted(notebook_dir(root).glob("*.ipynb"))


def check_notebooks(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """``paths`` as Paths, each an existing ``.ipynb`` file (else :class:`ToolchainError`)."""
    found = []
    for item in paths:
        path = Path(item)
        if path.suffix != ".ipynb":
            raise ToolchainError(path, "not a notebook: expected a path ending in .ipynb")
        if not path.is_file():
            raise ToolchainError(path, "notebook not found")
        found.append(path)
    return found


def read(path: str | os.PathLike[str]) -> Any:
    """Read a notebook (converted to format 4) and validate it; any problem raises
    :class:`ToolchainError` naming the file, without logging."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise ToolchainError(path, f"not UTF-8 text ({error.reason} at byte {error.start})") from error
    except OSError as error:
        raise ToolchainError(path, f"cannot read it ({error.strerror or error})") from error
    try:
        json.loads(text)
    except json.JSONDecodeError as error:
        raise ToolchainError(path, f"not valid JSON ({error})") from error
    import nbformat  # after the JSON check: importing it takes a second

    try:
        notebook = nbformat.convert(nbformat.reader.reads(text), 4)
        nbformat.validate(notebook)
    except nbformat.ValidationError as error:
        first_line = (str(error).strip().splitlines() or [""])[0]
        raise ToolchainError(path, f"not a valid notebook ({first_line})") from error
    except (AttributeError, KeyError, TypeError, ValueError, nbformat.reader.NBFormatError) as error:
        raise ToolchainError(path, f"not a valid notebook ({type(error).__name__}: {error})") from error
    return notebook


def _cell_metadata(slide: str, tags: Sequence[str]) -> dict[str, Any]:
    if slide not in SLIDE_TYPES:
        raise ValueError(f"slide must be one of {SLIDE_TYPES}, got {slide!r}")
    if isinstance(tags, str):
        raise TypeError("tags must be a sequence of strings, not a single string")
    metadata: dict[str, Any] = {"slideshow": {"slide_type": slide}}
    if tags:
        metadata["tags"] = list(tags)
    return metadata


def markdown(source: str, slide: str = "slide", tags: Sequence[str] = ()) -> Any:
    """A markdown cell with its slide type (``slide``, ``subslide``, ``fragment``, ``-``, ...)."""
    import nbformat

    return nbformat.v4.new_markdown_cell(source.strip("\n"), metadata=_cell_metadata(slide, tags))


def code(source: str, slide: str = "-", tags: Sequence[str] = ()) -> Any:
    """A code cell with its slide type and nbval/handout tags."""
    import nbformat

    return nbformat.v4.new_code_cell(source.strip("\n"), metadata=_cell_metadata(slide, tags))


def new_notebook(cells: Sequence[Any]) -> Any:
    """A notebook with the collection's kernelspec and RISE settings."""
    import nbformat

    notebook = nbformat.v4.new_notebook(cells=list(cells))
    notebook.metadata["kernelspec"] = dict(KERNELSPEC)
    notebook.metadata["language_info"] = {"name": "python"}
    notebook.metadata["rise"] = dict(RISE_METADATA)
    return notebook


def write_atomic(path: str | os.PathLike[str], content: str | bytes) -> None:
    """Write ``content`` (text or bytes) to ``path`` through a temporary file, so no
    half-written file remains."""
    if not isinstance(content, (str, bytes)):
        raise TypeError(f"content must be str or bytes, got {type(content).__name__}")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        if isinstance(content, bytes):
            with os.fdopen(handle, "wb") as stream:
                stream.write(content)
        else:
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                stream.write(content)
        # mkstemp makes the file private: keep the mode of the file it replaces, else rw-r--r--.
        os.chmod(temp, path.stat().st_mode & 0o777 if path.is_file() else 0o644)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def save(notebook: Any, path: str | os.PathLike[str]) -> None:
    """Validate and write a notebook atomically."""
    import nbformat

    nbformat.validate(notebook)
    write_atomic(path, nbformat.writes(notebook) + "\n")


def execute(path: str | os.PathLike[str], timeout: int = 600) -> None:
    """Run a notebook top to bottom in its own folder and save it with fresh outputs.

    The file is only replaced when every cell ran, so a failing notebook keeps its old
    outputs and the error is raised.
    """
    from nbclient import NotebookClient

    path = Path(path)
    notebook = read(path)
    client = NotebookClient(
        notebook,
        timeout=timeout,
        record_timing=False,
        kernel_name=notebook.metadata.get("kernelspec", {}).get("name", "python3"),
        resources={"metadata": {"path": str(path.parent.resolve())}},
    )
    client.execute()
    save(notebook, path)


def slide_count(notebook: Any) -> int:
    """Number of slides reveal.js shows: cells of type ``slide`` or ``subslide``."""
    return sum(
        cell.get("metadata", {}).get("slideshow", {}).get("slide_type") in ("slide", "subslide")
        and REMOVE_TAG not in cell.get("metadata", {}).get("tags", [])
        for cell in notebook["cells"]
    )


SOLUTION_BEGIN = "### BEGIN SOLUTION"
SOLUTION_END = "### END SOLUTION"


def nbgrader_metadata(grade_id: str, *, solution: bool = False, grade: bool = False,
                      points: int = 0) -> dict[str, Any]:
    """nbgrader's cell metadata (schema 3): a ``solution`` cell the student edits, a ``grade``
    cell (a check, worth ``points``) or, with neither, a locked read-only cell."""
    metadata: dict[str, Any] = {"grade": grade, "grade_id": grade_id, "locked": not solution,
                                "schema_version": 3, "solution": solution, "task": False}
    if grade:
        metadata["points"] = points
    return metadata


def exercise(grade_id: str, statement: str, solution: str, check: str, points: int = 1) -> list[Any]:
    """The three cells of a coding exercise in nbgrader's source format.

    - ``statement``: a markdown slide with the task and the signature;
    - ``solution``: a code cell (a sub-slide of its own in the decks) holding the signature and
      docstring and the code between ``### BEGIN SOLUTION`` and ``### END SOLUTION``, which the
      student edition replaces with a stub;
    - ``check``: the code cell that runs ``lecturekit.exercises``' check on the student's code.
    """
    if SOLUTION_BEGIN not in solution or SOLUTION_END not in solution:
        raise ValueError(f"solution of {grade_id!r} must mark its code with {SOLUTION_BEGIN!r} "
                         f"and {SOLUTION_END!r}")
    task = markdown(statement, slide="slide")
    task.metadata["nbgrader"] = nbgrader_metadata(f"{grade_id}-task")
    answer = code(solution, slide="subslide")
    answer.metadata["nbgrader"] = nbgrader_metadata(f"{grade_id}-solution", solution=True)
    test = code(check, slide="-")
    test.metadata["nbgrader"] = nbgrader_metadata(f"{grade_id}-check", grade=True, points=points)
    return [task, answer, test]
