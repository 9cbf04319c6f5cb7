"""Exporting the notebooks: HTML handouts into ``build/``."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path

from lecturekit.notebooks import REMOVE_TAG


def export_handout(path: Path, out_dir: Path) -> Path:
    """Export one notebook as an HTML handout, dropping cells tagged ``remove-cell``."""
    import nbformat
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    notebook = nbformat.read(path, as_version=4)
    exporter = HTMLExporter()
    exporter.register_preprocessor(
        TagRemovePreprocessor(remove_cell_tags={REMOVE_TAG}, enabled=True), enabled=True
    )
    body, _ = exporter.from_notebook_node(notebook)
    target = out_dir / f"{path.stem}.html"
    target.write_text(body, encoding="utf-8")
    return target


def build(paths: Sequence[Path], out: str | os.PathLike[str] = "build") -> list[Path]:
    """Build handouts for ``paths`` into ``out`` atomically: a failed build keeps the old one."""
    out_dir = Path(out)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}-", dir=out_dir.parent))
    try:
        if out_dir.is_dir():
            shutil.copytree(out_dir, staging, dirs_exist_ok=True)
        written = [export_handout(path, staging) for path in paths]
        previous = out_dir.with_name(f".{out_dir.name}-old")
        shutil.rmtree(previous, ignore_errors=True)
        if out_dir.exists():
            os.replace(out_dir, previous)
        os.replace(staging, out_dir)
        shutil.rmtree(previous, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    for path in written:
        print(f"wrote {out_dir / path.name}")
    return [out_dir / path.name for path in written]
