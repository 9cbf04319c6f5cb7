"""lecturekit.quiz: valid, escaped, self-contained HTML with unique ids."""

import re
from html.parser import HTMLParser

import numpy as np
import pytest
import torch

from lecturekit.quiz import MultipleChoice, Numeric

VOID = {"input", "br", "img", "hr", "meta", "link"}


class _TagChecker(HTMLParser):
    """Records the tags, checks they nest properly, and keeps the script bodies."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.starts, self.scripts, self.texts = [], [], [], []
        self.attributes = []

    def handle_starttag(self, tag, attrs):
        self.starts.append(tag)
        self.attributes.append(dict(attrs))
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes {self.stack[-1:]}"
        self.stack.pop()

    def handle_data(self, data):
        if self.stack and self.stack[-1] == "script":
            self.scripts.append(data)
        else:
            self.texts.append(data)


def _parse(markup):
    checker = _TagChecker()
    checker.feed(markup)
    checker.close()
    assert checker.stack == [], f"unclosed tags: {checker.stack}"
    return checker


def _questions():
    return [
        MultipleChoice("Which is a loss?", ["ReLU", "cross-entropy", "max pooling"], 1,
                       "It scores predictions."),
        Numeric("How many parameters?", 1010, explanation="100 * 10 + 10"),
    ]


@pytest.mark.parametrize("question", _questions(), ids=["choice", "numeric"])
def test_html_is_valid_and_self_contained(question):
    markup = question._repr_html_()
    parsed = _parse(markup)
    assert parsed.starts.count("div") >= 3
    outer = next(a for t, a in zip(parsed.starts, parsed.attributes) if t == "div")
    assert "lecturekit-quiz" in outer["class"].split()
    assert not re.search(r"<script[^>]+src=|<link|https?://", markup), "no external resources"
    assert len(parsed.scripts) == 1 and outer["id"] in parsed.scripts[0]
    assert "Show answer" in markup


def test_choice_renders_options_and_answer():
    parsed = _parse(_questions()[0]._repr_html_())
    buttons = [a for t, a in zip(parsed.starts, parsed.attributes)
               if t == "button" and "lkq-option" in a["class"]]
    assert [b["data-index"] for b in buttons] == ["0", "1", "2"]
    outer = next(a for t, a in zip(parsed.starts, parsed.attributes) if t == "div")
    assert outer["data-answer"] == "1"


def test_text_is_escaped():
    evil = '<script>alert("x")</script> a < b & c'
    question = MultipleChoice(evil, ["<b>bold</b>", "x & y"], 0, explanation='"quoted" <i>')
    markup = question._repr_html_()
    parsed = _parse(markup)
    assert parsed.starts.count("script") == 1, "question text injected a script"
    assert "b" not in parsed.starts and "i" not in parsed.starts
    text = "".join(parsed.texts)
    assert 'a < b & c' in text and "<b>bold</b>" in text and "x & y" in text
    assert "&lt;script&gt;" in markup and "a &lt; b &amp; c" in markup
    numeric = Numeric(evil, 3, explanation="<img src=x onerror=alert(1)>")._repr_html_()
    assert "img" not in _parse(numeric).starts


def test_ids_are_unique_and_deterministic_per_question():
    first = MultipleChoice("Same?", ["yes", "no"], 0)._repr_html_()
    second = MultipleChoice("Same?", ["yes", "no"], 0)._repr_html_()
    ids = [re.search(r'id="(lkq-[^"]+)"', m).group(1) for m in (first, second)]
    assert ids[0] != ids[1]
    question = Numeric("Stable?", 2)
    assert question._repr_html_() == question._repr_html_()


def test_plain_repr_has_no_memory_address():
    assert "0x" not in repr(_questions()[0]) and "0x" not in repr(_questions()[1])
    assert "B) cross-entropy" in repr(_questions()[0])


@pytest.mark.parametrize(
    ("make", "error", "match"),
    [
        (lambda: MultipleChoice("", ["a", "b"], 0), ValueError, "question"),
        (lambda: MultipleChoice(3, ["a", "b"], 0), TypeError, "question"),
        (lambda: MultipleChoice("q", ["a"], 0), ValueError, "options"),
        (lambda: MultipleChoice("q", "ab", 0), TypeError, "options"),
        (lambda: MultipleChoice("q", ["a", "b"], 2), ValueError, "answer"),
        (lambda: MultipleChoice("q", ["a", "b"], True), TypeError, "answer"),
        (lambda: MultipleChoice("q", ["a", 5], 0), TypeError, r"options\[1\]"),
        (lambda: Numeric("q", float("nan")), ValueError, "answer"),
        (lambda: Numeric("q", "3"), TypeError, "answer"),
        (lambda: Numeric("q", 3, tolerance=-1), ValueError, "tolerance"),
        (lambda: Numeric("q", 3, explanation=None), TypeError, "explanation"),
        (lambda: MultipleChoice("q", [chr(65 + i) for i in range(27)], 0), ValueError, "options"),
        (lambda: MultipleChoice("q", ["a", "b", "a"], 0), ValueError, r"options\[2\]"),
        (lambda: Numeric("q", np.array([1.0, 2.0])), TypeError, "answer"),
    ],
)
def test_bad_arguments(make, error, match):
    with pytest.raises(error, match=match):
        make()


def test_numpy_integers_are_accepted():
    assert MultipleChoice("q", ["a", "b"], np.int64(1)).answer == 1
    assert Numeric("q", np.int64(1010)).answer == 1010.0


def test_a_count_from_numpy_or_torch_is_a_number():
    wrong = torch.tensor([0, 1, 1]) != torch.tensor([0, 1, 2])
    assert Numeric("How many are wrong?", wrong.sum()).answer == 1.0
    assert Numeric("q", np.float32(0.5), tolerance=np.array(0.25)).tolerance == 0.25
