"""Command line: ``python -m lecturekit build|execute [NOTEBOOK ...]``."""

from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lecturekit", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser("build", help="export handouts and slides into build/")
    build.add_argument("notebooks", nargs="*", help="notebooks to build (default: all)")
    build.add_argument("--out", default="build", help="output folder (default: build)")
    build.add_argument("--cdn", action="store_true",
                       help="load MathJax and reveal.js from CDN links instead of local copies")
    execute = commands.add_parser("execute", help="re-run notebooks in place, saving outputs")
    execute.add_argument("notebooks", nargs="*", help="notebooks to run (default: all)")
    args = parser.parse_args(argv)

    from lecturekit import notebooks

    paths = notebooks.notebook_paths(args.notebooks or None)
    if args.command == "build":
        from lecturekit import publish

        publish.build(paths if args.notebooks else None, args.out, use_local_assets=not args.cdn)
        return 0
    for path in paths:
        print(f"executing {path}", flush=True)
        notebooks.execute(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
