"""The printable PDFs of the build (issue 14): ``<name>.slides.pdf`` has one 16:9 page per slide
(fragments shown on their slide's page, no page per fragment) and ``<name>.pdf`` is the
printed handout; neither has a blank page (reveal.js's print mode leaves a trailing blank one
unless told otherwise), and the course page links both.

They reuse the session's build (the ``built`` fixture), printed in headless Chromium by
``lecturekit.toolchain.pdf``; the PDFs are read with pypdf, without rendering them.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from pagecheck import load, notebook_list
from pypdf import PdfReader
from pypdf.generic import ArrayObject

from lecturekit.toolchain import notebooks

pytestmark = pytest.mark.browser

PATHS = notebook_list()

# What puts something on a page: text, an image or form (Do), a shading, a stroked path.
_MARKING = re.compile(rb"(?<![A-Za-z*'\"])(Tj|TJ|'|\"|Do|sh|S|s|B\*?|b\*?)(?![A-Za-z*])")
_FILL = re.compile(rb"(?<![A-Za-z*])(f\*?|F)(?![A-Za-z*])")


def _content(page) -> bytes:
    contents = page.get("/Contents")
    if contents is None:
        return b""
    contents = contents.get_object()
    parts = contents if isinstance(contents, ArrayObject) else [contents]
    return b"\n".join(part.get_object().get_data() for part in parts)


def blank_pages(reader: PdfReader) -> list[int]:
    """The pages (from 1) that show nothing: no text, image, shading or stroke, and at most the
    one fill of the page's background."""
    return [number for number, page in enumerate(reader.pages, start=1)
            if not _MARKING.search(data := _content(page)) and len(_FILL.findall(data)) <= 1]


def _size(page) -> tuple[float, float]:
    box = page.mediabox
    return float(box.width), float(box.height)


@pytest.mark.parametrize("path", PATHS, ids=lambda path: path.stem)
def test_deck_pdf_has_one_16_9_page_per_slide_and_no_blank_page(built, path):
    deck = built / f"{path.stem}.slides.pdf"
    assert deck.is_file(), f"{deck.name} was not written"
    reader = PdfReader(deck)
    slides = notebooks.slide_count(load(path))
    assert len(reader.pages) == slides, (
        f"{deck.name} has {len(reader.pages)} pages for {slides} slides (one page per slide, "
        "fragments shown on it)")
    for number, page in enumerate(reader.pages, start=1):
        width, height = _size(page)
        assert width / height == pytest.approx(16 / 9, rel=0.005), (
            f"{deck.name} page {number} is {width:.0f}x{height:.0f} pt, not 16:9")
    assert blank_pages(reader) == [], f"{deck.name} has blank pages"


@pytest.mark.parametrize("path", PATHS, ids=lambda path: path.stem)
def test_handout_pdf_is_printed_without_a_blank_page(built, path):
    handout = built / f"{path.stem}.pdf"
    assert handout.is_file(), f"{handout.name} was not written"
    reader = PdfReader(handout)
    assert len(reader.pages) >= 1
    width, height = _size(reader.pages[0])
    assert (round(width), round(height)) == (596, 843), f"{handout.name} is not A4 portrait"
    assert blank_pages(reader) == [], f"{handout.name} has blank pages"


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.entry: str | None = None
        self.links: dict[str, list[str]] = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "li" and attrs.get("id"):
            self.entry = attrs["id"]
            self.links[self.entry] = []
        elif tag == "a" and self.entry is not None:
            self.links[self.entry].append(attrs.get("href", ""))


def test_course_page_links_both_pdfs_of_every_lecture(built):
    parser = _Links()
    parser.feed((built / "index.html").read_text(encoding="utf-8"))
    for path in PATHS:
        links = parser.links.get(path.stem)
        assert links is not None, f"{path.stem} is not on the course page"
        for pdf in (f"{path.stem}.pdf", f"{path.stem}.slides.pdf"):
            assert pdf in links, f"the course page does not link {pdf}"
            assert (built / pdf).is_file()
