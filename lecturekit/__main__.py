"""``python -m lecturekit build|execute``: the command line of :mod:`lecturekit.toolchain.cli`."""
import sys

from lecturekit.toolchain.cli import main

if __name__ == "__main__":
    sys.exit(main())
