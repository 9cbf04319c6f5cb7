"""The toolchain behind the lectures: it writes, executes and publishes the notebooks.

- :mod:`~lecturekit.toolchain.notebooks`: the notebook conventions (kernelspec, RISE settings,
  slide types, tags) and reading, writing and executing notebooks.
- :mod:`~lecturekit.toolchain.assets`: the offline copies of MathJax and the npm packages the
  pages load.
- :mod:`~lecturekit.toolchain.build`: HTML handouts, reveal.js slides and the course page,
  built atomically into ``build/``.
- :mod:`~lecturekit.toolchain.figures`: the registry that regenerates ``images/``.
- :mod:`~lecturekit.toolchain.cli`: ``python -m lecturekit build|execute``.

Every function that needs a folder of the repository takes the repository root (or a folder
derived from it) as an argument. The lecture notebooks never import this package; it may
import the teaching modules (the figures do).
"""
