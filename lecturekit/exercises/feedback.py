"""What every exercise check shares: the verdicts, calling the student's code, and comparing
its result with the reference in words a student can act on."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np


class ExerciseFeedback(Exception):
    """A check's verdict; Jupyter shows its message alone, with no traceback to hide it."""

    heading = "Feedback"

    def _render_traceback_(self) -> list[str]:
        return [f"{self.heading}: {line}" if i == 0 else line
                for i, line in enumerate(str(self).splitlines())]


class NotDoneYet(ExerciseFeedback):
    """The student's function is still the stub (it raises ``NotImplementedError``)."""

    heading = "Not done yet"


class NotRightYet(ExerciseFeedback, AssertionError):
    """The student's function runs but gives a wrong result; the message says what differs."""

    heading = "Not right yet"


def attempt(function: Callable[..., Any], name: str, *args: Any, case: str = "", **kwargs: Any) -> Any:
    """Call the student's ``function``; the stub raises :class:`NotDoneYet`, any other error
    :class:`NotRightYet` naming the case it happened on."""
    if not callable(function):
        raise NotRightYet(f"`{name}` should be a function, but it is a {type(function).__name__}.")
    try:
        return function(*args, **kwargs)
    except NotImplementedError:
        raise NotDoneYet(
            f"`{name}` is still the stub. Replace `raise NotImplementedError()` with your code,\n"
            "run that cell, then run this check again.") from None
    except ExerciseFeedback:
        raise
    except Exception as error:
        where = f" on {case}" if case else ""
        raise NotRightYet(f"`{name}` raised {type(error).__name__}{where}: {error}") from error


def _as_array(value: Any) -> np.ndarray | None:
    if hasattr(value, "detach") and hasattr(value, "cpu"):  # a torch tensor
        value = value.detach().cpu().numpy()
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return None
    return array


def _index(flat: int, shape: tuple[int, ...]) -> str:
    if not shape:
        return ""
    return " at [" + ", ".join(str(int(i)) for i in np.unravel_index(flat, shape)) + "]"


def diagnose(got: np.ndarray, want: np.ndarray, rtol: float, atol: float) -> str:
    """A guess at the usual slip behind ``got`` when it differs from ``want`` (same shape)."""
    def close(a: np.ndarray, b: np.ndarray) -> bool:
        return a.shape == b.shape and bool(np.allclose(a, b, rtol=rtol, atol=atol))

    if np.any(want != 0) and close(got, -want):
        return "every value has the wrong sign"
    if got.ndim == 2 and got.shape[0] == got.shape[1] and got.shape[0] > 1 and close(got, want.T):
        return "it is the transpose of the right result"
    if close(got, np.zeros_like(want)):
        return "every value is zero"
    nonzero = np.abs(want) > atol
    if nonzero.sum() >= 2 and np.all(np.abs(got[~nonzero]) <= atol):
        ratios = got[nonzero] / want[nonzero]
        if np.allclose(ratios, ratios[0], rtol=1e-6) and not np.isclose(ratios[0], 1.0):
            return f"every value is {ratios[0]:.4g} times the right one"
    if want.size >= 2:
        shift = (got - want).ravel()
        if np.allclose(shift, shift[0], atol=atol) and abs(shift[0]) > atol:
            return f"every value is off by the same amount ({shift[0]:+.4g})"
    return ""


def compare(got: Any, want: Any, what: str, *, case: str = "", hint: str = "",
            rtol: float = 1e-5, atol: float = 1e-8) -> None:
    """Raise :class:`NotRightYet` when ``got`` differs from ``want`` (numbers or arrays): it
    names ``what`` was compared, on which ``case``, the shape or the largest difference and
    where, a diagnosis of the usual slip when one fits, and the ``hint``."""
    on = f" on {case}" if case else ""
    tip = f"\nHint: {hint}" if hint else ""
    if got is None:
        raise NotRightYet(f"{what} is None{on}: did you forget the `return`?")
    got_array, want_array = _as_array(got), np.asarray(_as_array(want), dtype=float)
    if got_array is None:
        raise NotRightYet(f"{what}{on} should be a number or an array of numbers, "
                          f"got a {type(got).__name__}.{tip}")
    if got_array.shape != want_array.shape:
        hint_shape = ""
        if got_array.shape == want_array.shape[::-1] and got_array.ndim == 2:
            hint_shape = " (it looks transposed)"
        elif got_array.size == want_array.size:
            hint_shape = " (the right number of values in the wrong shape: check an axis or a reshape)"
        raise NotRightYet(f"{what}{on} has shape {got_array.shape}, expected "
                          f"{want_array.shape}{hint_shape}.{tip}")
    if not np.all(np.isfinite(got_array)) and np.all(np.isfinite(want_array)):
        flat = int(np.flatnonzero(~np.isfinite(got_array))[0])
        raise NotRightYet(f"{what}{on} holds {got_array.ravel()[flat]}{_index(flat, got_array.shape)}: "
                          f"look for a division by zero or an overflowing exp.{tip}")
    if np.allclose(got_array, want_array, rtol=rtol, atol=atol):
        return
    error = np.abs(got_array - want_array)
    flat = int(np.argmax(error))
    slip = diagnose(got_array, want_array, rtol, atol)
    slip_text = f"\nIt looks like {slip}." if slip else ""
    if got_array.ndim == 0:
        detail = f"yours is {got_array.item():.6g}, expected {want_array.item():.6g}"
    else:
        detail = (f"off by {error.ravel()[flat]:.3g}{_index(flat, got_array.shape)} "
                  f"(yours {got_array.ravel()[flat]:.6g}, expected {want_array.ravel()[flat]:.6g})")
    raise NotRightYet(f"{what}{on}: {detail}.{slip_text}{tip}")


def passed(name: str, cases: str) -> None:
    """Print the confirmation that ``name`` passed the check on ``cases``."""
    print(f"Well done: `{name}` is right on {cases}.")
