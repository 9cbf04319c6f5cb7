"""Shared pytest setup: headless matplotlib for the unit tests.

The backend is chosen in this process only; an MPLBACKEND environment variable would also
reach the notebook kernels that nbval starts and stop them from showing figures inline.
"""

import matplotlib

matplotlib.use("Agg")
