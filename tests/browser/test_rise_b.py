"""Every second notebook of each pair as a RISE slideshow (see risecheck.py)."""

import pytest
from pagecheck import half, notebook_list
from risecheck import check_rise_slideshow

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("path", half(notebook_list(), 1), ids=lambda path: path.stem)
def test_rise_slideshow(context, jupyter, built, path):
    check_rise_slideshow(context, jupyter, built, path)
