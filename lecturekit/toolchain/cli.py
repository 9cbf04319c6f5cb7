"""Command line: ``python -m lecturekit build|execute [NOTEBOOK ...] [--root ROOT]``.

``build`` writes the course page, handouts and slides (``--out``, default ``ROOT/build``;
``--cdn`` for CDN links instead of local assets); ``execute`` re-runs notebooks in place.
A problem with the repository, a notebook or ``--out`` is one line on stderr and exit 1.
"""

from __future__ import annotations

import argparse
import sys


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--root", default=".",
                        help="the repository folder, holding notebooks/ (default: the current one)")
    parser = argparse.ArgumentParser(prog="python -m lecturekit", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser("build", parents=[common], help="export handouts and slides into build/")
    build.add_argument("notebooks", nargs="*", help="notebooks to build (default: all)")
    build.add_argument("--out", default=None, help="output folder (default: build/ in the root)")
    build.add_argument("--cdn", action="store_true",
                       help="load MathJax and reveal.js from CDN links instead of local copies")
    execute = commands.add_parser("execute", parents=[common],
                                  help="re-run notebooks in place, saving outputs")
    execute.add_argument("notebooks", nargs="*", help="notebooks to run (default: all)")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``); returns the exit code."""
    args = _parser().parse_args(argv)

    from lecturekit.toolchain import notebooks

    try:
        root = notebooks.check_root(args.root)
        chosen = notebooks.check_notebooks(args.notebooks) if args.notebooks else None
        if args.command == "build":
            from lecturekit.toolchain.build import build

            build(root, chosen, args.out, use_local_assets=not args.cdn)
            return 0
        for path in chosen or notebooks.notebook_paths(root):
            print(f"executing {path}", flush=True)
            notebooks.execute(path)
    except notebooks.ToolchainError as error:
        print(f"lecturekit {args.command}: {error}", file=sys.stderr)
        return 1
    return 0
