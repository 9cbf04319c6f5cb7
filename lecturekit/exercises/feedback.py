"""What every exercise check shares: the verdicts, calling the student's code, and comparing
its result with the reference in words a student can act on."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

# A usual slip: what the student did, in words that follow "if you" ("flipped the kernel"),
# and the result it gives: the result itself or a function of no arguments that computes it.
Slip = tuple[str, Any]


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


def attempt(function: Callable[..., Any], name: str, *args: Any, case: str = "", hint: str = "",
            **kwargs: Any) -> Any:
    """Call the student's ``function``; the stub raises :class:`NotDoneYet`, any other error
    :class:`NotRightYet` naming the case it happened on, with ``hint`` added."""
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
        tip = f"\nHint: {hint}" if hint else ""
        raise NotRightYet(f"`{name}` raised {type(error).__name__}{where}: {error}{tip}") from error


def kind_of(value: Any) -> str:
    """What the student returned, in words: "a tuple of 2", "ndarray"."""
    return f"a tuple of {len(value)}" if isinstance(value, tuple) else type(value).__name__


def unpack(result: Any, size: int, *, name: str, what: str, case: str) -> tuple[Any, ...]:
    """``result`` as a tuple of ``size`` values (a list will do), else a verdict naming ``what``
    the student's ``name`` should return."""
    if not isinstance(result, (tuple, list)) or len(result) != size:
        raise NotRightYet(f"`{name}` should return {what}, got {kind_of(result)} on {case}.")
    return tuple(result)


def unchanged(before: Any, after: Any, *, name: str, argument: str, case: str) -> None:
    """Raise :class:`NotRightYet` when the student's ``name`` changed ``argument`` in place."""
    old, new = as_array(before), as_array(after)
    if old is None or new is None or not np.array_equal(old, new, equal_nan=True):
        raise NotRightYet(f"`{name}` changed its argument `{argument}` in place on {case}, but the "
                          "caller still needs it as it was.\nHint: build a new array (new = old + step) "
                          f"instead of changing `{argument}` with +=, -= or an indexed assignment.")


def as_array(value: Any) -> np.ndarray | None:
    """``value`` (numbers, an array or a torch tensor) as a float array; None if it is none."""
    if hasattr(value, "detach") and hasattr(value, "cpu"):  # a torch tensor
        value = value.detach().cpu().numpy()
    try:
        return np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return None


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


def _close(a: np.ndarray | None, b: np.ndarray | None) -> bool:
    """Whether ``a`` and ``b`` hold the same finite values, up to rounding."""
    return (a is not None and b is not None and a.shape == b.shape
            and bool(np.allclose(a, b, rtol=1e-6, atol=1e-9)))


def _replay(result: Any) -> np.ndarray | None:
    """A slip's result as an array: ``result`` called if it is a function; None if that raises
    (a slip that cannot happen on this case) or gives no numbers."""
    try:
        return as_array(result() if callable(result) else result)
    except Exception:
        return None


def matches_slip(got: Any, want: Any, slips: Sequence[Slip]) -> str:
    """The words of the ``slips`` whose result ``got`` reproduces and ``want`` does not, joined
    by " or "; '' when there is none."""
    got_array, want_array = as_array(got), as_array(want)
    found: list[str] = []
    for words, result in slips:
        slipped = _replay(result)
        if _close(got_array, slipped) and not _close(want_array, slipped) and words not in found:
            found.append(words)
    return " or ".join(found)


def _difference(got: Any, want: Any, what: str, on: str, rtol: float, atol: float) -> str:
    """What differs between ``got`` and ``want``, in words; '' when they agree."""
    got_array, want_array = as_array(got), np.asarray(as_array(want), dtype=float)
    if got_array is None:
        return f"{what}{on} should be a number or an array of numbers, got a {type(got).__name__}."
    if got_array.shape != want_array.shape:
        hint_shape = ""
        if got_array.shape == want_array.shape[::-1] and got_array.ndim == 2:
            hint_shape = " (it looks transposed)"
        elif got_array.size == want_array.size:
            hint_shape = " (the right number of values in the wrong shape: check an axis or a reshape)"
        return f"{what}{on} has shape {got_array.shape}, expected {want_array.shape}{hint_shape}."
    if not np.all(np.isfinite(got_array)) and np.all(np.isfinite(want_array)):
        flat = int(np.flatnonzero(~np.isfinite(got_array))[0])
        return (f"{what}{on} holds {got_array.ravel()[flat]}{_index(flat, got_array.shape)}: "
                "look for a division by zero or an overflowing exp.")
    if np.allclose(got_array, want_array, rtol=rtol, atol=atol):
        return ""
    error = np.abs(got_array - want_array)
    flat = int(np.argmax(error))
    slip = diagnose(got_array, want_array, rtol, atol)
    slip_text = f"\nIt looks like {slip}." if slip else ""
    if got_array.ndim == 0:
        detail = f"yours is {got_array.item():.6g}, expected {want_array.item():.6g}"
    else:
        detail = (f"off by {error.ravel()[flat]:.3g}{_index(flat, got_array.shape)} "
                  f"(yours {got_array.ravel()[flat]:.6g}, expected {want_array.ravel()[flat]:.6g})")
    return f"{what}{on}: {detail}.{slip_text}"


def compare(got: Any, want: Any, what: str, *, case: str = "", hint: str = "",
            slips: Sequence[Slip] = (), rtol: float = 1e-5, atol: float = 1e-8) -> None:
    """Raise :class:`NotRightYet` when ``got`` differs from ``want`` (numbers or arrays): it
    names ``what`` was compared, on which ``case``, the shape or the largest difference and
    where, a diagnosis of the usual slip when one fits, the known ``slips`` that ``got``
    reproduces (:func:`matches_slip`), and the ``hint``."""
    on = f" on {case}" if case else ""
    if got is None:
        raise NotRightYet(f"{what} is None{on}: did you forget the `return`?")
    problem = _difference(got, want, what, on, rtol, atol)
    if not problem:
        return
    slip = matches_slip(got, want, slips)
    said = f"\nYour result is what you get if you {slip}." if slip else ""
    tip = f"\nHint: {hint}" if hint else ""
    raise NotRightYet(f"{problem}{said}{tip}")


def passed(name: str, cases: str) -> None:
    """Print the confirmation that ``name`` passed the check on ``cases``."""
    print(f"Well done: `{name}` is right on {cases}.")
