"""Code that a slide shows reads like the idea: no argument checks inside it (issue 11).

Every function or method a lecture prints with ``inspect.getsource(...)`` or its ``show(...)``
helper is found in the notebooks, resolved through the notebook's own ``lecturekit`` imports,
and its source is read: it may not call a check (``check_*``, ``_check_*``), raise or assert.
The checks belong to the entry points that take a user's data (constructors, ``fit``,
``predict``, the plotting helpers), which the slides do not show.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import textwrap
from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))
SHOWING_CALLS = {"getsource", "show"}


def _code_cells(path: Path) -> list[str]:
    notebook = nbformat.read(path, as_version=4)
    return [cell.source for cell in notebook.cells if cell.cell_type == "code"]


def _parse(source: str) -> ast.Module | None:
    lines = [line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))]
    try:
        return ast.parse("\n".join(lines))
    except SyntaxError:
        return None


def _lecturekit_names(trees: list[ast.Module]) -> dict[str, object]:
    """The names a notebook binds with ``import lecturekit...`` / ``from lecturekit... import``."""
    names: dict[str, object] = {}
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("lecturekit"):
                module = importlib.import_module(node.module)
                for alias in node.names:
                    value = getattr(module, alias.name, None)
                    if value is None:
                        value = importlib.import_module(f"{node.module}.{alias.name}")
                    names[alias.asname or alias.name] = value
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.startswith("lecturekit"):
                        names[alias.asname or alias.name.split(".")[0]] = importlib.import_module(
                            alias.name if alias.asname else alias.name.split(".")[0])
    return names


def _resolve(node: ast.expr, names: dict[str, object]) -> object | None:
    if isinstance(node, ast.Name):
        return names.get(node.id)
    if isinstance(node, ast.Attribute):
        owner = _resolve(node.value, names)
        return None if owner is None else getattr(owner, node.attr, None)
    return None


def shown_functions() -> list[tuple[str, object]]:
    """``(where, function)`` for every lecturekit function a notebook prints the source of."""
    found = []
    for path in NOTEBOOKS:
        trees = [tree for tree in map(_parse, _code_cells(path)) if tree is not None]
        names = _lecturekit_names(trees)
        for tree in trees:
            for node in ast.walk(tree):
                if not isinstance(node, ast.Call):
                    continue
                func = node.func
                called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                if called not in SHOWING_CALLS:
                    continue
                for argument in node.args:
                    target = _resolve(argument, names)
                    if callable(target) and getattr(target, "__module__", "").startswith("lecturekit"):
                        found.append((f"{path.stem}: {ast.unparse(argument)}", target))
    return found


SHOWN = shown_functions()


def checks_in(function: object) -> list[str]:
    """The lines of ``function`` that check arguments: check calls, raise and assert statements."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(function)))
    body = tree.body[0]
    problems = []
    for node in ast.walk(body):
        if isinstance(node, (ast.Raise, ast.Assert)):
            problems.append(f"line {node.lineno}: {ast.unparse(node)[:80]}")
        elif isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name.lstrip("_").startswith("check"):
                problems.append(f"line {node.lineno}: calls {name}")
    return problems


def test_the_notebooks_show_lecturekit_code():
    # The finder must find what lectures 1, 2, 3 and 6 print; an empty list would pass vacuously.
    shown = {where.split(":")[0] for where, _ in SHOWN}
    assert {"01-perceptrons", "02-networks-loss-sgd", "03-backpropagation", "06-mnist-training"} <= shown
    assert len(SHOWN) >= 12


@pytest.mark.parametrize(("where", "function"), SHOWN, ids=[where for where, _ in SHOWN])
def test_shown_code_has_no_argument_checks(where, function):
    problems = checks_in(function)
    assert not problems, f"{where} is shown on a slide but checks its arguments: {problems}"


def test_the_checker_sees_a_check():
    def checked(x):
        if x < 0:
            raise ValueError("x must be >= 0")
        return x

    def calls_a_check(x):
        return _check_x(x)  # noqa: F821 - never run, only read

    def plain(x):
        return 2 * x

    assert checks_in(checked) and checks_in(calls_a_check)
    assert checks_in(plain) == []
