"""Every lecture notebook follows the house rules: slide types, RISE metadata, a title
slide, clean committed outputs, and no hard-coded GPU."""

import re
from pathlib import Path

import nbformat
import pytest
from cell_names import CellNames

from lecturekit.toolchain import notebooks

ROOT = Path(__file__).resolve().parents[1]
PATHS = notebooks.notebook_paths(ROOT)
LECTURES = [p for p in PATHS if re.match(r"0[1-9]-", p.name)]
LOCAL_PATH = re.compile(r"(/(work|tmp|root|home|Users|private|var/folders)/\S+)|([A-Za-z]:\\\\Users\\\\)")
CUDA = re.compile(r"""['"]cuda(:\d+)?['"]|\.cuda\(""")


def _load(path):
    return nbformat.read(path, as_version=4)


def _output_text(output):
    parts = [output.get("text", "")]
    for mime, value in output.get("data", {}).items():
        if mime.startswith("text/") or mime.endswith("json"):
            parts.append(value if isinstance(value, str) else str(value))
    return "".join(parts)


def test_the_tests_see_every_notebook_of_the_lecture_table():
    # lecturekit's docstring lists the notebooks with their modules; the tests below run once per
    # notebook found, so a wrong folder would let them all pass on nothing.
    import lecturekit

    table = re.findall(r"^ {4}(\d\d-[a-z0-9-]+) {2,}", lecturekit.__doc__, flags=re.MULTILINE)
    assert table, "the lecture table is missing from lecturekit's docstring"
    assert [p.stem for p in PATHS] == sorted(table)
    assert [p.stem for p in LECTURES] == [name for name in sorted(table) if not name.startswith("00-")]


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.name)
def test_every_cell_has_a_slide_type(path):
    for index, cell in enumerate(_load(path).cells):
        slide_type = cell.metadata.get("slideshow", {}).get("slide_type")
        assert slide_type in notebooks.SLIDE_TYPES, f"cell {index} has slide_type {slide_type!r}"


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.name)
def test_test_only_cells_are_hidden_from_the_slideshow(path):
    for index, cell in enumerate(_load(path).cells):
        if notebooks.REMOVE_TAG in cell.metadata.get("tags", []):
            assert cell.cell_type == "code", f"cell {index}: only code cells are test-only"
            assert cell.metadata["slideshow"]["slide_type"] == "skip", (
                f"cell {index} is tagged {notebooks.REMOVE_TAG}; RISE would show it: use slide_type 'skip'")


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.name)
def test_kernel_and_rise_metadata(path):
    metadata = _load(path).metadata
    assert metadata.get("kernelspec", {}).get("name") == "python3"
    rise = metadata.get("rise", {})
    assert rise.get("theme"), "rise.theme missing"
    assert rise.get("scroll") is True
    assert rise.get("slideNumber") is True
    assert rise.get("width") and rise.get("height"), "rise needs a width and a height"
    assert rise["width"] * 9 == rise["height"] * 16, "rise size must be 16:9"


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.name)
def test_title_slide_first(path):
    first = _load(path).cells[0]
    assert first.cell_type == "markdown"
    assert first.metadata["slideshow"]["slide_type"] == "slide"
    assert first.source.lstrip().startswith("# "), "the first cell must be a '# Title' slide"


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.name)
def test_outputs_are_committed_and_clean(path):
    for index, cell in enumerate(_load(path).cells):
        if cell.cell_type != "code":
            continue
        tags = cell.metadata.get("tags", [])
        if notebooks.SKIP_TAG not in tags:
            assert cell.execution_count is not None, f"cell {index} was saved without being run"
        for output in cell.get("outputs", []):
            assert output.output_type != "error", f"cell {index} was saved with an error"
            found = LOCAL_PATH.search(_output_text(output))
            assert not found, f"cell {index} output shows a local path: {found.group(0)}"


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.name)
def test_no_hard_coded_cuda_or_nbval_comments(path):
    for index, cell in enumerate(_load(path).cells):
        if cell.cell_type != "code":
            continue
        assert not CUDA.search(cell.source), f"cell {index} hard-codes 'cuda'; use lecturekit.data.device()"
        assert not re.search(r"#\s*NBVAL_", cell.source), f"cell {index}: use an nbval tag, not a comment"


@pytest.mark.parametrize("path", LECTURES, ids=lambda p: p.name)
def test_lectures_have_slides_and_questions(path):
    notebook = _load(path)
    assert notebooks.slide_count(notebook) >= 12
    quizzes = sum(
        "lecturekit-quiz" in output.get("data", {}).get("text/html", "")
        for cell in notebook.cells if cell.cell_type == "code"
        for output in cell.get("outputs", [])
    )
    assert quizzes >= 2, f"{path.name} has {quizzes} in-class questions, needs at least 2"


@pytest.mark.parametrize("path", LECTURES, ids=lambda p: p.name)
def test_half_of_the_questions_ask_for_a_prediction_the_next_cell_answers(path):
    from lecturekit.quiz import PREDICT_LABEL

    cells = _load(path).cells
    questions = predictions = 0
    for index, cell in enumerate(cells):
        html = "".join(output.get("data", {}).get("text/html", "") for output in cell.get("outputs", []))
        if "lecturekit-quiz" not in html:
            continue
        questions += 1
        if PREDICT_LABEL in html:
            predictions += 1
            after = [c for c in cells[index + 1:] if c.metadata["slideshow"]["slide_type"] != "skip"]
            assert after and after[0].cell_type == "code", (
                f"cell {index} asks for a prediction, but the next cell shown is not the code that "
                "answers it")
    assert 2 * predictions >= questions, (
        f"{path.name}: {predictions} of {questions} questions are predict-then-run")


# --- the cells handouts and the student edition drop ----------------------------------------------

# Names a notebook cell may read without defining them: Python's builtins and IPython's.
KERNEL_NAMES = set(dir(__import__("builtins"))) | {"display", "get_ipython", "In", "Out", "_", "__", "___"}


def names_only_test_cells_define(cells) -> list[str]:
    """What changes for the cells that handouts and the student edition keep once the
    ``remove-cell`` cells are dropped: a name a kept cell reads that a test-only cell was the
    last to bind (undefined in the edition, or another value), and what a test-only cell does
    that this cannot follow (``import *``, ``global``, ``del``)."""
    last: dict[str, tuple[int, bool]] = {}  # name -> (cell that bound it last, test-only?)
    problems = []
    for index, cell in enumerate(cells):
        if cell.cell_type != "code":
            continue
        names = CellNames(cell.source)
        test_only = notebooks.REMOVE_TAG in cell.metadata.get("tags", [])
        if test_only:
            problems += [f"the test-only cell {index} {what}" for what in names.opaque]
        else:
            problems += [f"cell {index} reads {name}, which the test-only cell {last[name][0]} "
                         "binds last" for name in names.reads
                         if name not in KERNEL_NAMES and last.get(name, (0, False))[1]]
        last.update(dict.fromkeys(names.binds, (index, test_only)))
    return problems


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.name)
def test_the_lecture_needs_nothing_from_its_test_only_cells(path):
    """The student edition runs the lecture without the ``remove-cell`` cells that nbval runs:
    so no shown cell may read a name that such a cell binds last (undefined in the edition, or
    another value there), and a test-only cell does nothing to names that cannot be followed.
    Test-only cells work on their own data: they do not draw from the lecture's random
    generators or change its objects in place before a shown cell uses them (not checked here;
    review them)."""
    problems = names_only_test_cells_define(_load(path).cells)
    assert not problems, f"{path.name}: " + "; ".join(problems)


def _cells(*sources):
    """Code cells; a source that starts with "!" is a test-only cell."""
    from nbformat.v4 import new_code_cell

    made = []
    for source in sources:
        cell = new_code_cell(source.removeprefix("!"))
        if source.startswith("!"):
            cell.metadata["tags"] = [notebooks.REMOVE_TAG]
        made.append(cell)
    return made


@pytest.mark.parametrize("sources, name", [
    (["!x = 1", "print(x)"], "x"),
    (["!import numpy as np", "f = lambda: np.ones(2)"], "np"),
    (["!def g():\n    pass", "%%timeit -n 2\ng()"], "g"),
    (["!def g():\n    pass", "t = %timeit -o g()"], "g"),
    (["!y = 1", "%matplotlib inline\n%time print(y)"], "y"),
    (["!c = 1", "%%capture\nprint(c)"], "c"),
    (["!n = 0", "n += 1"], "n"),
    (["!m = 0", "m = m + 1"], "m"),
    (["!y = 1", "print(y)\ny = 2"], "y"),
    (["!xs = [1]", "for xs in xs:\n    pass"], "xs"),
    (["!k = 2", "class A:\n    size = k"], "k"),
    (["!w = 2", "def f(a=w):\n    return a"], "w"),
    (["!w = 2", "def f(a):\n    return a * w\nf(1)"], "w"),
    (["!b = [1]", "b[0] = 2"], "b"),
    (["x = 0", "!x = 1", "print(x)"], "x"),  # the edition would print 0, the master 1
])
def test_a_name_a_test_only_cell_binds_last_is_found(sources, name):
    (problem,) = names_only_test_cells_define(_cells(*sources))
    assert problem == f"cell {len(sources) - 1} reads {name}, which the test-only cell " \
                      f"{len(sources) - 2} binds last"


@pytest.mark.parametrize("sources", [
    ["x = 0", "!x = 1", "x = 2\nprint(x)"],
    ["!x = 1", "def f(x):\n    return x", "print([x for x in range(2)])", "x = 3"],
    ["!y = 1", "with open('f') as y:\n    print(y)"],
    ["!e = 1", "try:\n    pass\nexcept ValueError as e:\n    print(e)"],
    ["!_seen = 1", "import math\nprint(math.pi, len([1]))"],
])
def test_names_the_kept_cells_bind_themselves_are_not_flagged(sources):
    assert names_only_test_cells_define(_cells(*sources)) == []


@pytest.mark.parametrize("source, what", [
    ("from math import *", "imports * from math"),
    ("del x", "deletes x"),
    ("global z", "declares z global"),
    ("def f():\n    global z\n    z = 1", "declares z global in f"),
])
def test_what_a_test_only_cell_does_that_cannot_be_followed_is_reported(source, what):
    assert names_only_test_cells_define(_cells("x = 0", "!" + source)) == [f"the test-only cell 1 {what}"]
