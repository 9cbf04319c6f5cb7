"""In-class questions that work in JupyterLab, RISE, reveal.js slides and HTML handouts.

Introduced in lecture 1 and used in every lecture. A question renders as one
self-contained block of HTML with a small inline script: no external file, no widget
library and no server, so the output stored in the notebook keeps working in every
exported format. The instructor's "Show answer" is a plain ``<details>`` element, so it
stays folded even where the script cannot run (an untrusted notebook in JupyterLab).
Every piece of text is HTML-escaped; the script only reads data attributes, so no question
can inject markup or code.
"""

from __future__ import annotations

import hashlib
import html
import itertools
from collections.abc import Sequence
from numbers import Integral

from lecturekit._checks import check_bool, check_real

_counter = itertools.count(1)
MAX_OPTIONS = 26  # lettered A to Z

_STYLE = """
.lecturekit-quiz{border:2px solid #4a6fa5;border-radius:8px;padding:.6em 1em;margin:.6em 0;
 font-size:1.05em;max-width:56em;background:#f7f9fc;color:#1a1a1a}
.lecturekit-quiz .lkq-question{font-weight:600;margin-bottom:.5em}
.lecturekit-quiz .lkq-label{font-size:.8em;color:#4a6fa5;text-transform:uppercase;letter-spacing:.05em}
.lecturekit-quiz button{font-size:1em;margin:.2em .4em .2em 0;padding:.25em .8em;border-radius:5px;
 border:1px solid #4a6fa5;background:#fff;color:#1a1a1a;cursor:pointer}
.lecturekit-quiz button.lkq-option{display:block;text-align:left;width:100%}
.lecturekit-quiz button.lkq-right{background:#d4f2d4;border-color:#2e7d32}
.lecturekit-quiz button.lkq-wrong{background:#fbd9d9;border-color:#c62828}
.lecturekit-quiz input{font-size:1em;padding:.2em .4em;width:10em}
.lecturekit-quiz .lkq-feedback{margin-top:.4em;min-height:1.3em}
.lecturekit-quiz .lkq-feedback.lkq-right{color:#2e7d32}
.lecturekit-quiz .lkq-feedback.lkq-wrong{color:#c62828}
.lecturekit-quiz .lkq-answer{margin-top:.4em}
.lecturekit-quiz .lkq-answer summary{display:inline-block;cursor:pointer;padding:.25em .8em;border-radius:5px;
 border:1px solid #4a6fa5;background:#fff}
.lecturekit-quiz .lkq-answer div{margin-top:.4em;padding:.3em .6em;background:#fff8e1}
"""

# One generic script per question; it finds its own block by id and reads the answer
# from data attributes, so it never contains question text.
_SCRIPT = r"""
(function(){
var box=document.getElementById("%(id)s");
if(!box||box.dataset.ready){return;}
box.dataset.ready="1";
var feedback=box.querySelector(".lkq-feedback");
function say(right,text){feedback.className="lkq-feedback "+(right?"lkq-right":"lkq-wrong");
 feedback.textContent=text;}
var why=box.dataset.explanation;
window.addEventListener("beforeprint",function(){box.querySelector("details.lkq-answer").open=true;});
box.querySelectorAll("button.lkq-option").forEach(function(button){
 button.addEventListener("click",function(){
  var right=button.dataset.index===box.dataset.answer;
  box.querySelectorAll("button.lkq-option").forEach(function(b){b.classList.remove("lkq-right","lkq-wrong");});
  button.classList.add(right?"lkq-right":"lkq-wrong");
  say(right,right?"Correct!"+(why?" "+why:""):"Not quite. Think again and try another answer.");
 });
});
var check=box.querySelector("button.lkq-check");
if(check){
 var input=box.querySelector("input");
 var test=function(){
  var raw=input.value.trim().replace(/\s/g,"");
  // "1,010" is read as one thousand and ten; a lone decimal comma ("0,5") as 0.5.
  raw=/^-?\d{1,3}(,\d{3})+(\.\d*)?$/.test(raw)?raw.replace(/,/g,""):raw.replace(",",".");
  var value=Number(raw);
  if(raw===""||!isFinite(value)){say(false,"Please type a number.");return;}
  var right=Math.abs(value-Number(box.dataset.answer))<=Number(box.dataset.tolerance);
  say(right,right?"Correct!"+(why?" "+why:""):"Not quite. Check your working and try again.");
 };
 check.addEventListener("click",test);
 input.addEventListener("keydown",function(e){if(e.key==="Enter"){test();}});
}
})();
"""


def _require_text(name: str, value: object, *, allow_empty: bool = False) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string, got {type(value).__name__}")
    if not allow_empty and not value.strip():
        raise ValueError(f"{name} must be a non-empty string")
    return value


def _number(name: str, value: object, *, minimum: float | None = None) -> float:
    """A real number; a 0-d numpy array or torch tensor (``(pred != y).sum()``) counts as its value."""
    item = getattr(value, "item", None)
    if getattr(value, "ndim", None) == 0 and callable(item):
        value = item()
    return check_real(name, value, minimum=minimum)


def _block_id(kind: str, *parts: str) -> str:
    digest = hashlib.sha1("\x00".join((kind, *parts)).encode("utf-8")).hexdigest()[:8]
    return f"lkq-{digest}-{next(_counter)}"


PREDICT_LABEL = "Predict, then run the next cell"


def _render(block_id: str, kind: str, data: dict[str, str], question: str, body: str,
            answer_text: str, explanation: str, predict: bool = False) -> str:
    attributes = " ".join(f'data-{key}="{html.escape(value, quote=True)}"' for key, value in data.items())
    reveal = html.escape(answer_text)
    if explanation:
        reveal += " " + html.escape(explanation)
    return (
        f"<style>{_STYLE}</style>"
        f'<div class="lecturekit-quiz lkq-{kind}" id="{block_id}" {attributes}>'
        f'<div class="lkq-label">{PREDICT_LABEL if predict else "Question"}</div>'
        f'<div class="lkq-question">{html.escape(question)}</div>'
        f"{body}"
        '<div class="lkq-feedback" aria-live="polite"></div>'
        '<details class="lkq-answer"><summary class="lkq-reveal">Show answer</summary>'
        f"<div>Answer: {reveal}</div></details>"
        "</div>"
        f"<script>{_SCRIPT % {'id': block_id}}</script>"
    )


class MultipleChoice:
    """A multiple-choice question; ``answer`` is the index of the right option (lecture 1).

    With ``predict=True`` it is a predict-then-run question: the student commits to what the
    next cell will show (a shape, a curve, which model wins), then runs it to see.
    """

    def __init__(self, question: str, options: Sequence[str], answer: int,
                 explanation: str = "", predict: bool = False) -> None:
        self.question = _require_text("question", question)
        if isinstance(options, str) or not isinstance(options, Sequence):
            raise TypeError(f"options must be a list of strings, got {type(options).__name__}")
        if not 2 <= len(options) <= MAX_OPTIONS:
            raise ValueError(f"options must hold between 2 and {MAX_OPTIONS} choices (A to Z), "
                             f"got {len(options)}")
        self.options = [_require_text(f"options[{i}]", option) for i, option in enumerate(options)]
        repeated = next((i for i, option in enumerate(self.options) if option in self.options[:i]), None)
        if repeated is not None:
            raise ValueError(f"options must all differ, but options[{repeated}] repeats "
                             f"{self.options[repeated]!r}")
        if isinstance(answer, bool) or not isinstance(answer, Integral):
            raise TypeError(f"answer must be an int index into options, got {type(answer).__name__}")
        if not 0 <= answer < len(self.options):
            raise ValueError(f"answer must be an index in [0, {len(self.options) - 1}], got {answer}")
        self.answer = int(answer)
        self.explanation = _require_text("explanation", explanation, allow_empty=True)
        self.predict = check_bool("predict", predict)
        self._id = _block_id("choice", self.question, *self.options, str(answer))

    def __repr__(self) -> str:
        lines = [f"{PREDICT_LABEL if self.predict else 'Question'}: {self.question}"]
        lines += [f"  {chr(ord('A') + i)}) {option}" for i, option in enumerate(self.options)]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        buttons = "".join(
            f'<button type="button" class="lkq-option" data-index="{i}">'
            f"{chr(ord('A') + i)}) {html.escape(option)}</button>"
            for i, option in enumerate(self.options)
        )
        right = f"{chr(ord('A') + self.answer)}) {self.options[self.answer]}."
        data = {"answer": str(self.answer), "explanation": self.explanation}
        return _render(self._id, "choice", data, self.question, buttons, right, self.explanation,
                       self.predict)


class Numeric:
    """A question with a number for an answer, right within ``tolerance`` (lecture 1); with
    ``predict=True`` the student predicts a number the next cell prints, then runs it."""

    def __init__(self, question: str, answer: float, tolerance: float = 0,
                 explanation: str = "", predict: bool = False) -> None:
        self.question = _require_text("question", question)
        self.answer = _number("answer", answer)
        self.tolerance = _number("tolerance", tolerance, minimum=0.0)
        self.explanation = _require_text("explanation", explanation, allow_empty=True)
        self.predict = check_bool("predict", predict)
        self._id = _block_id("numeric", self.question, repr(self.answer), repr(self.tolerance))

    def _answer_text(self) -> str:
        value = f"{self.answer:,.10g}"
        if self.tolerance:
            value += f" (within {self.tolerance:g})"
        return value

    def __repr__(self) -> str:
        return f"{PREDICT_LABEL if self.predict else 'Question'}: {self.question}\n  (type a number)"

    def _repr_html_(self) -> str:
        body = (
            '<input type="text" inputmode="decimal" aria-label="your answer" placeholder="your answer">'
            '<button type="button" class="lkq-check">Check</button>'
        )
        data = {"answer": repr(self.answer), "tolerance": repr(self.tolerance),
                "explanation": self.explanation}
        return _render(self._id, "numeric", data, self.question, body,
                       self._answer_text() + ".", self.explanation, self.predict)
