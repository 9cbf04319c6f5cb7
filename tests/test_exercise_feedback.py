"""The feedback every exercise check shares: the stub reads as "not done", a wrong result
names what differs, where, and the usual slip behind it, and Jupyter shows the message alone."""

import numpy as np
import pytest

from lecturekit.exercises.feedback import (
    NotDoneYet,
    NotRightYet,
    attempt,
    compare,
    kind_of,
    matches_slip,
    passed,
    unchanged,
)

WANT = np.array([[1.0, 2.0], [3.0, 4.0]])


def _message(got, want=WANT, **kwargs):
    with pytest.raises(NotRightYet) as caught:
        compare(got, want, "your gradient", **kwargs)
    return str(caught.value)


def test_a_right_result_passes_and_is_confirmed(capsys):
    compare(WANT + 1e-9, WANT, "your gradient")
    passed("grad", "3 cases")
    assert capsys.readouterr().out == "Well done: `grad` is right on 3 cases.\n"


@pytest.mark.parametrize(("got", "words"), [
    (-WANT, "wrong sign"),
    (WANT.T, "transpose"),
    (2 * WANT, "2 times the right one"),
    (WANT + 0.5, "off by the same amount (+0.5)"),
    (np.zeros((2, 2)), "every value is zero"),
    (WANT.ravel(), "wrong shape"),
    (np.ones((3, 2)), "expected (2, 2)"),
    (np.array([[1.0, np.nan], [3.0, 4.0]]), "nan at [0, 1]"),
    (None, "forget the `return`"),
    ("2.0x", "number or an array"),
])
def test_a_wrong_result_is_diagnosed(got, words):
    assert words in _message(got)


def test_the_largest_difference_is_named_with_its_place_and_the_case_and_hint():
    got = WANT.copy()
    got[1, 0] = 3.3
    message = _message(got, case="a batch of two", hint="check the second equation")
    assert "your gradient on a batch of two: off by 0.3 at [1, 0] (yours 3.3, expected 3)" in message
    assert message.endswith("Hint: check the second equation")


def test_the_stub_reads_as_not_done_and_errors_name_the_case():
    def stub(x):
        raise NotImplementedError()

    with pytest.raises(NotDoneYet, match="still the stub") as caught:
        attempt(stub, "f", 1)
    assert caught.value._render_traceback_()[0].startswith("Not done yet: `f` is still the stub")
    with pytest.raises(NotRightYet, match="raised ZeroDivisionError on an empty batch"):
        attempt(lambda x: 1 / 0, "f", 1, case="an empty batch")
    with pytest.raises(NotRightYet, match="should be a function"):
        attempt(3, "f")


def test_attempt_adds_the_hint_only_when_the_students_code_raises():
    def stub(x):
        raise NotImplementedError()

    with pytest.raises(NotRightYet) as caught:
        attempt(lambda x: x[5], "f", np.ones(2), case="a batch of two", hint="check the shapes")
    message = str(caught.value)
    assert message.startswith("`f` raised IndexError on a batch of two: ")
    assert message.endswith("\nHint: check the shapes")
    with pytest.raises(NotRightYet) as caught:
        attempt(3, "f", hint="check the shapes")
    assert "Hint" not in str(caught.value)
    with pytest.raises(NotDoneYet) as caught:
        attempt(stub, "f", 1, hint="check the shapes")
    assert "Hint" not in str(caught.value)
    assert attempt(lambda x: 2 * x, "f", 3, hint="unused") == 6


def test_kind_of_names_what_was_returned():
    assert kind_of((1, 2)) == "a tuple of 2"
    assert kind_of(np.ones(2)) == "ndarray"


SLIPS = [
    ("transposed it", WANT.T),
    ("doubled it", lambda: 2 * WANT),
    ("made it 1", np.ones((2, 2))),  # the right answer reproduces it too when WANT is all ones
    ("divided by zero", lambda: np.ones(2) / np.zeros(3)),  # raises: cannot happen here
]


def test_a_slip_that_got_reproduces_is_named():
    assert matches_slip(WANT.T, WANT, SLIPS) == "transposed it"
    assert matches_slip(2 * WANT, WANT, SLIPS) == "doubled it"
    assert matches_slip(WANT + 1, WANT, SLIPS) == ""
    assert matches_slip("text", WANT, SLIPS) == ""
    same = [("a", WANT.T), ("b", lambda: WANT.T.copy()), ("a", WANT.T)]
    assert matches_slip(WANT.T, WANT, same) == "a or b"


def test_a_slip_that_the_right_answer_also_reproduces_is_not_named():
    ones = np.ones((2, 2))
    assert matches_slip(ones, ones, SLIPS) == ""
    # compare's tolerance can be tighter than a slip's: got fails it, yet the slip is the right answer
    message = _message(WANT * (1 + 1e-7), rtol=1e-9, atol=0.0, slips=[("left it as it is", WANT.copy())])
    assert "what you get if you" not in message


def test_a_slip_that_raises_is_skipped():
    def broken():
        raise ValueError("a kernel larger than the image")

    assert matches_slip(2 * WANT, WANT, [("broke", broken), ("doubled it", lambda: 2 * WANT)]) == "doubled it"
    assert matches_slip(2 * WANT, WANT, SLIPS[3:]) == ""


def test_compare_names_the_slip_before_the_hint():
    message = _message(2 * WANT, case="a batch of two", hint="average, do not sum", slips=SLIPS)
    assert message.endswith("\nYour result is what you get if you doubled it.\nHint: average, do not sum")
    assert "2 times the right one" in message
    assert "what you get if you" not in _message(WANT + 1, slips=SLIPS)
    assert "what you get if you transposed it." in _message(WANT.T, slips=SLIPS)


def test_an_in_place_change_is_caught_with_the_argument_named():
    before = WANT.copy()
    unchanged(before, WANT.copy(), name="f", argument="weights", case="two samples")
    changed = WANT.copy()
    changed[0, 0] += 1
    with pytest.raises(NotRightYet) as caught:
        unchanged(before, changed, name="f", argument="weights", case="two samples")
    message = str(caught.value)
    assert message.startswith("`f` changed its argument `weights` in place on two samples")
    assert "build a new array" in message and "`weights` with +=" in message


def test_unpack_takes_a_tuple_or_a_list_of_the_right_length_and_names_what_to_return():
    from lecturekit.exercises.feedback import NotRightYet, unpack

    assert unpack((1, 2), 2, name="f", what="a pair (a, b)", case="one case") == (1, 2)
    assert unpack([1, 2], 2, name="f", what="a pair (a, b)", case="one case") == (1, 2)
    for wrong, said in [((1, 2, 3), "a tuple of 3"), (None, "NoneType"), (np.zeros(2), "ndarray")]:
        with pytest.raises(NotRightYet, match=rf"`f` should return a pair \(a, b\), got {said} on one case"):
            unpack(wrong, 2, name="f", what="a pair (a, b)", case="one case")
