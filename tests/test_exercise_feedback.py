"""The feedback every exercise check shares: the stub reads as "not done", a wrong result
names what differs, where, and the usual slip behind it, and Jupyter shows the message alone."""

import numpy as np
import pytest

from lecturekit.exercises.feedback import NotDoneYet, NotRightYet, attempt, compare, passed

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
