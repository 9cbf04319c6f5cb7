"""Shared pytest setup: headless matplotlib for the unit tests."""

import os

os.environ.setdefault("MPLBACKEND", "Agg")
