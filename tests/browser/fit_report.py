"""Which slides do not fit the 1280 x 720 canvas (issue 14), for whoever restructures a lecture.

    .venv/bin/python tests/browser/fit_report.py notebooks/03-backpropagation.ipynb [more ...]

Builds the decks of the notebooks named into a temporary folder (as `make handouts` does, with
notebooks/rise.css), opens each in headless Chromium at 1280 x 720 and walks every slide with
all its fragments shown and its math typeset (the measurement of tests/browser/test_decks.py:
pagecheck.measure_slides). Prints every slide that does not fit: how far its content reaches
below the canvas, and each line of code or output (or formula, image, text) cut off on the
right, with its length and how many characters fit; then the tallest slide. ``--all`` lists
every slide. Exit status: 0 when every slide fits, 1 when some do not, 2 when a deck could
not be built or opened.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import http.server
import io
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pagecheck import (  # noqa: E402 - after the path above
    CHROMIUM,
    CHROMIUM_ARGS,
    FIT_TOLERANCE_PX,
    ROOT,
    WAIT_MATHJAX_JS,
    describe_cut,
    fit_table,
    measure_slides,
    misfits,
    tallest,
)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - signature of the base class
        pass

    def handle(self):
        with contextlib.suppress(ConnectionResetError, BrokenPipeError):
            super().handle()


def report(name: str, records: list[dict], seconds: float, every: bool) -> str:
    bad = misfits(records)
    width, height = records[0]["canvas"] if records else ("?", "?")
    lines = [f"{name}: {len(records)} slides, {len(bad)} do not fit {width} x {height} "
             f"(measured in {seconds:.1f} s)"]
    if every:
        lines += ["  " + line for line in fit_table(records).splitlines()]
    elif bad:
        lines.append(f"  {'slide':>5} {'h/v':>6} {'height':>6} {'below':>6}  title")
        for r in bad:
            below = f"+{r['overflow']}" if r["overflow"] > FIT_TOLERANCE_PX else ""
            scroll = "  (scrolls)" if r["scrolls"] else ("  (cut off, no scrollbar)" if below else "")
            lines.append(f"  {r['number']:>5} {r['index']:>6} {r['height']:>6} {below:>6}  "
                         f"{r['title'][:70]}{scroll}")
            lines += [f"{'':>30}{describe_cut(item)}" for item in r["cut"]]
            lines += [f"{'':>30}hides +{item['px']}px in a {item['kind']} box"
                      f"{' that scrolls' if item['scrollable'] else ''}: {item['text'][:60]!r}"
                      for item in r["hidden"]]
    if records:
        top = tallest(records)
        lines.append(f"  tallest: slide {top['number']} ({top['index']}) {top['title'][:70]!r}, "
                     f"{top['height']}px of {height}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="+", type=Path, help="notebooks/NN-*.ipynb")
    parser.add_argument("--all", action="store_true",
                        help="list every slide, not only those that do not fit")
    parser.add_argument("--keep", type=Path, metavar="DIR",
                        help="build into DIR and keep it (default: a temporary folder)")
    args = parser.parse_args(argv)

    from playwright.sync_api import sync_playwright

    from lecturekit.toolchain.build import BuildError, build

    paths = [path.resolve() for path in args.notebooks]
    missing = [str(path) for path in paths if not path.is_file()]
    if missing:
        print(f"no such notebook: {', '.join(missing)}", file=sys.stderr)
        return 2
    with contextlib.ExitStack() as stack:
        temporary = None if args.keep else Path(stack.enter_context(tempfile.TemporaryDirectory()))
        out = args.keep.resolve() if args.keep else temporary / "build"
        start = time.monotonic()
        log = io.StringIO()
        try:
            with contextlib.redirect_stdout(log):
                build(ROOT, paths, out)
        except BuildError as error:
            print(f"build failed: {error}", file=sys.stderr)
            return 2
        if "offline assets unavailable" in log.getvalue():
            print(log.getvalue().splitlines()[0], file=sys.stderr)
        print(f"built {len(paths)} deck(s) in {time.monotonic() - start:.1f} s into {out}", flush=True)

        handler = functools.partial(_Quiet, directory=str(out))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        stack.callback(server.server_close)
        stack.callback(server.shutdown)
        playwright = stack.enter_context(sync_playwright())
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        stack.callback(browser.close)
        status = 0
        for path in paths:
            start = time.monotonic()
            page = browser.new_page(viewport={"width": 1280, "height": 720})
            try:
                url = f"http://127.0.0.1:{server.server_address[1]}/{path.stem}.slides.html"
                page.goto(url, wait_until="load")
                page.wait_for_load_state("networkidle")
                page.evaluate(WAIT_MATHJAX_JS)
                records = measure_slides(page)
            except Exception as error:  # noqa: BLE001 - reported, and the next deck is measured
                print(f"{path.stem}: could not be measured ({type(error).__name__}: {error})",
                      file=sys.stderr)
                status = 2
                continue
            finally:
                page.close()
            print(report(path.stem, records, time.monotonic() - start, args.all), flush=True)
            if misfits(records) and status == 0:
                status = 1
        return status


if __name__ == "__main__":
    sys.exit(main())
