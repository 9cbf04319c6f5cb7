"""Helpers for the tests of the exercise checks: load a master solution or its student stub
from a notebook, and assert that a check accepts, or rejects with a message that says what
differs."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import nbformat
import pytest

from lecturekit.exercises.feedback import NotDoneYet, NotRightYet
from lecturekit.toolchain.student import is_solution, stub_solutions

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


def solution_cell(lecture: str, name: str) -> str:
    """The source of the solution cell that defines ``name`` in the notebook ``lecture``
    (its number, ``"01"``)."""
    path = next(NOTEBOOKS.glob(f"{lecture}-*.ipynb"))
    for cell in nbformat.read(path, as_version=4).cells:
        if is_solution(cell) and f"def {name}(" in cell.source:
            return cell.source
    raise LookupError(f"{path.name} has no solution cell defining {name}")


def _define(source: str, name: str, prelude: str) -> Callable[..., Any]:
    namespace: dict[str, Any] = {}
    exec(prelude, namespace)
    exec(compile(source, f"<solution of {name}>", "exec"), namespace)
    return namespace[name]


def master(lecture: str, name: str, prelude: str = "import numpy as np") -> Callable[..., Any]:
    """The instructor's solution ``name`` from the notebook, run in ``prelude``'s imports."""
    return _define(solution_cell(lecture, name), name, prelude)


def stub(lecture: str, name: str, prelude: str = "import numpy as np") -> Callable[..., Any]:
    """The student edition's stub of ``name``."""
    return _define(stub_solutions(solution_cell(lecture, name)), name, prelude)


def assert_accepts(check: Callable[[Any], None], function: Callable[..., Any],
                   capsys: pytest.CaptureFixture[str]) -> None:
    check(function)
    assert capsys.readouterr().out.startswith("Well done")


def assert_not_done(check: Callable[[Any], None], function: Callable[..., Any]) -> None:
    with pytest.raises(NotDoneYet, match="still the stub"):
        check(function)


def assert_rejects(check: Callable[[Any], None], function: Callable[..., Any], *words: str) -> str:
    """``check`` rejects ``function`` with a message holding each of ``words``; returns it."""
    with pytest.raises(NotRightYet) as caught:
        check(function)
    message = str(caught.value)
    for word in words:
        assert word in message, f"the message does not mention {word!r}:\n{message}"
    return message
