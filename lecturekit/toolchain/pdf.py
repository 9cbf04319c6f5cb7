"""Printable PDFs of the built pages, with headless Chromium (``make handouts``).

For every notebook built, :class:`Printer` writes into the build folder:

- ``<name>.pdf``: the handout ``<name>.html`` printed on A4 with its print CSS, every
  in-class question's answer open (the questions open them on ``beforeprint``, which
  Chromium also fires when it prints a deck);
- ``<name>.slides.pdf``: the deck ``<name>.slides.html`` through reveal.js's ``?print-pdf``
  mode, one 16:9 page of 1280x720 px per slide, with every fragment shown. Content taller
  than a slide is cut at its bottom edge, as on the projector.

The pages are served from the build folder by a small HTTP server on 127.0.0.1 and printed
in one Chromium, launched once per build, a few pages at a time, in a background thread: the
pages of a notebook are printed while the next notebook is exported. Every request that
leaves 127.0.0.1 is blocked, so nothing waits for the network. Each PDF is written through a
temporary name. Printing waits for MathJax to typeset, for the images and for the fonts.

PDFs need Playwright, a Chromium (``/usr/bin/chromium``, or ``chromium``,
``chromium-browser``, ``google-chrome`` on ``PATH``; ``$LECTUREKIT_CHROMIUM`` first) and the
local copies of MathJax and reveal.js in ``assets/``. Without them the build says so in one
line, writes everything else, and no PDF. ``$LECTUREKIT_PDF_JOBS`` sets how many pages are
printed at a time (default: the number of CPUs, at most 4).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import functools
import http.server
import os
import shutil
import threading
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import urlsplit

from lecturekit.toolchain.notebooks import write_atomic

CHROMIUM_PATHS = ("/usr/bin/chromium",)
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-extensions", "--mute-audio"]
LOCAL_HOSTS = {"127.0.0.1", "localhost"}

# reveal.js 4 print mode; the query overrides the deck's configuration: every fragment shown
# on its slide's one page (no page per fragment, no extra pages for tall slides), and no
# margin, so a page is the 1280x720 slide itself (16:9).
DECK_QUERY = "print-pdf&pdfSeparateFragments=false&pdfMaxPagesPerSlide=1&pdfPageHeightOffset=-1&margin=0"
HANDOUT_PDF = {"format": "A4", "print_background": True,
               "margin": {"top": "14mm", "bottom": "14mm", "left": "12mm", "right": "12mm"}}
# The handout is laid out (and MathJax measures it) at about the printed width of A4.
HANDOUT_VIEWPORT = {"width": 720, "height": 1000}
DECK_VIEWPORT = {"width": 1280, "height": 720}

PAGE_TIMEOUT_MS = 120_000  # for each step of one page: load, typeset, print
SETTLE_TIMEOUT_MS = 60_000  # MathJax, images and fonts; printed as they are after that

# Resolves when MathJax has typeset the page (if it has MathJax), the images are loaded and
# the fonts are ready; after SETTLE_TIMEOUT_MS at the latest. With ``typeset``, MathJax (told
# to skip its typesetting at startup) typesets the page now.
_SETTLE_JS = """([ms, typeset]) => new Promise(resolve => {
  setTimeout(() => resolve('timed out'), ms);
  const images = () => Promise.all(Array.from(document.images).map(img => img.complete ? null :
      new Promise(done => { img.addEventListener('load', done); img.addEventListener('error', done); })));
  const settle = () => images().then(() => document.fonts.ready).then(() => resolve('ok'));
  const hub = window.MathJax && window.MathJax.Hub;
  if (hub && hub.Register && hub.Queue) {
    // A hook that returned the queued callback would make the startup wait for it: deadlock.
    hub.Register.StartupHook('End', () => {
      if (typeset) { hub.Queue(['Typeset', hub]); }
      hub.Queue(settle);
    });
  } else {
    settle();
  }
})"""

# MathJax's settings for printing, before the page's own (which they merge into): no hidden
# MathML copy for screen readers and no fast preview pass (a seventh of the typesetting). In a
# deck MathJax waits: it cannot measure the slides that reveal.js hides before it lays them
# out for printing, and typesets once they are laid out.
_MATHJAX_INIT_JS = """if (!window.MathJax) {
  window.MathJax = {menuSettings: {assistiveMML: false, FastPreview: false},
                    skipStartupTypeset: /print-pdf/.test(window.location.search)};
}"""

# reveal.js lays the pages out (and centres each slide vertically by its height) before
# MathJax typesets the slides; centre them again by their typeset height, as reveal does.
_RECENTRE_JS = """() => {
  const centred = document.querySelector('.reveal').classList.contains('center');
  document.querySelectorAll('.reveal .slides .pdf-page > section').forEach(section => {
    if (centred || section.classList.contains('center')) {
      const page = section.parentElement.offsetHeight + 1;  // pdfPageHeightOffset is -1
      section.style.top = Math.max((page - section.scrollHeight) / 2, 0) + 'px';
    }
  });
}"""

# reveal.js breaks the page after every slide, the last one too: a trailing blank page.
_DECK_CSS = """html.print-pdf .reveal .slides .pdf-page:last-of-type {
  page-break-after: auto !important; break-after: auto !important; }"""


def find_chromium() -> str | None:
    """The Chromium to print with: ``$LECTUREKIT_CHROMIUM``, ``/usr/bin/chromium`` or the first
    of :data:`CHROMIUM_NAMES` on ``PATH``; ``None`` when there is none."""
    named = os.environ.get("LECTUREKIT_CHROMIUM")
    candidates = ([named] if named else []) + list(CHROMIUM_PATHS)
    for candidate in candidates:
        if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def missing_tools() -> str | None:
    """Why no PDF can be printed here (no Playwright, no Chromium), or ``None``."""
    try:
        import playwright.async_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed"
    if find_chromium() is None:
        return ("looked for $LECTUREKIT_CHROMIUM, " + ", ".join(CHROMIUM_PATHS) + " and "
                + ", ".join(CHROMIUM_NAMES) + " on PATH")
    return None


def _reveal_prints(folder: Path) -> bool:
    """Whether ``folder/assets`` holds a reveal.js with its print-pdf mode, and MathJax."""
    reveal = folder / "assets" / "reveal.js" / "dist" / "reveal.js"
    mathjax = folder / "assets" / "mathjax" / "MathJax.js"
    try:
        return mathjax.is_file() and b"print-pdf" in reveal.read_bytes()
    except OSError:
        return False


def pdf_names(name: str) -> tuple[str, str]:
    """The handout and deck PDFs of the notebook ``name``."""
    return f"{name}.pdf", f"{name}.slides.pdf"


class _LaunchError(Exception):
    """Chromium did not start (the cause is chained)."""


def _describe(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    return type(error).__name__ + (f": {lines[0]}" if lines else "")


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves a folder to the local browser without a log line per request (the browser
    tests serve the build with it too)."""

    def log_message(self, format, *args):  # noqa: A002 - signature of the base class
        pass

    def handle(self):
        # A page closed while a script is still downloading resets the connection: nothing
        # went wrong with the page, so no traceback on stderr.
        try:
            super().handle()
        except (ConnectionResetError, BrokenPipeError):
            pass


class Printer:
    """Prints the handouts and decks in ``folder`` (a build being written) to PDF.

    Use it as a context manager (Chromium starts when it is created, and stops when it is
    left): :meth:`add` queues a notebook's two PDFs as soon as its pages are written,
    :meth:`finish` waits for them and returns the PDFs written. Where
    PDFs cannot be printed (:func:`missing_tools`, or no local reveal.js and MathJax), it
    prints one line saying why when it is created and writes none. A PDF that fails to
    print is named in one line; the others are still written.
    """

    def __init__(self, folder: str | os.PathLike[str], jobs: int | None = None,
                 enabled: bool = True) -> None:
        self.folder = Path(folder)
        cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
        self.jobs = jobs or int(os.environ.get("LECTUREKIT_PDF_JOBS", "0")) or min(4, cpus or 1)
        self.reason: str | None = None
        self._futures: list[tuple[str, concurrent.futures.Future]] = []
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._server: http.server.ThreadingHTTPServer | None = None
        if not enabled:
            self.reason = ""
            return
        missing = missing_tools()
        if missing is not None:
            self.reason = f"lecturekit: no Chromium found ({missing}); PDFs were not written"
        elif not _reveal_prints(self.folder):
            self.reason = ("lecturekit: no local MathJax and reveal.js to print the pages with "
                           "(they use CDN links); PDFs were not written")
        if self.reason:
            print(self.reason, flush=True)
            return
        try:  # Chromium starts while the first notebook is exported
            self._start()
        except Exception as error:  # no local port, no thread: the build goes on without PDFs
            self.close()
            self.reason = f"lecturekit: cannot print ({_describe(error)}); PDFs were not written"
            print(self.reason, flush=True)

    @property
    def enabled(self) -> bool:
        return self.reason is None

    # --- the background thread: an asyncio loop with Playwright, one Chromium --------------

    def _start(self) -> None:
        handler = functools.partial(QuietHandler, directory=str(self.folder))
        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, name="lecturekit-pdf-http",
                         daemon=True).start()
        self.base = f"http://127.0.0.1:{self._server.server_address[1]}/"
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="lecturekit-pdf",
                                        daemon=True)
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._setup(), self._loop).result()

    async def _setup(self) -> None:
        self._semaphore = asyncio.Semaphore(self.jobs)
        self._playwright = None
        self._launching = asyncio.ensure_future(self._launch())

    async def _launch(self):
        from playwright.async_api import async_playwright

        self._playwright = await async_playwright().start()
        browser = await self._playwright.chromium.launch(
            executable_path=find_chromium(), args=CHROMIUM_ARGS, timeout=PAGE_TIMEOUT_MS)
        # One context for all pages: they share the HTTP cache and V8's code cache of the
        # scripts (MathJax, reveal.js, the widget manager), which saves a fifth of the work.
        context = await browser.new_context()
        context.set_default_timeout(PAGE_TIMEOUT_MS)
        await context.route("**/*", self._route)
        await context.add_init_script(_MATHJAX_INIT_JS)
        return browser

    @staticmethod
    async def _route(route) -> None:
        try:
            if urlsplit(route.request.url).hostname in LOCAL_HOSTS:
                await route.continue_()
            else:
                await route.abort()
        except Exception:  # noqa: S110 - the page was closed while it loaded: nothing to route
            pass

    async def _print(self, name: str, deck: bool) -> bytes:
        try:
            browser = await self._launching
        except Exception as error:
            raise _LaunchError(error) from error
        async with self._semaphore:
            page = await browser.contexts[0].new_page()
            try:
                await page.set_viewport_size(DECK_VIEWPORT if deck else HANDOUT_VIEWPORT)
                if not deck:
                    await page.emulate_media(media="print")
                url = f"{name}.slides.html?{DECK_QUERY}" if deck else f"{name}.html"
                response = await page.goto(self.base + url, wait_until="load")
                if response is None or not response.ok:
                    raise FileNotFoundError(f"{url.split('?')[0]} did not load "
                                            f"({response.status if response else 'no response'})")
                if deck:
                    await page.wait_for_function("() => document.querySelector('.reveal .slides .pdf-page')")
                await page.evaluate(_SETTLE_JS, [SETTLE_TIMEOUT_MS, deck])
                if deck:
                    await page.evaluate(_RECENTRE_JS)
                    await page.add_style_tag(content=_DECK_CSS)
                    return await page.pdf(prefer_css_page_size=True, print_background=True)
                await page.evaluate("() => window.dispatchEvent(new Event('beforeprint'))")
                return await page.pdf(**HANDOUT_PDF)
            finally:
                await page.close()

    async def _stop(self) -> None:
        # The pages still printing (a build that stopped early) end first, then Chromium.
        pending = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        try:
            if not self._launching.cancelled() and self._launching.exception() is None:
                await self._launching.result().close()
        finally:
            if self._playwright is not None:
                await self._playwright.stop()

    # --- the build's side ----------------------------------------------------------------------

    def add(self, name: str) -> None:
        """Queue the PDFs of the notebook ``name`` (its pages are in the folder); the PDFs of an
        earlier build of it are removed first, printed or not."""
        for pdf in pdf_names(name):
            (self.folder / pdf).unlink(missing_ok=True)
        if not self.enabled:
            return
        for pdf, deck in ((pdf_names(name)[1], True), (pdf_names(name)[0], False)):
            future = asyncio.run_coroutine_threadsafe(self._print(name, deck), self._loop)
            self._futures.append((pdf, future))

    def finish(self) -> list[Path]:
        """Wait for the PDFs queued and write them; returns those written."""
        written = []
        failures = []
        launch_error = None
        for pdf, future in self._futures:
            try:
                content = future.result()
            except _LaunchError as error:
                launch_error = error.__cause__
                continue
            except Exception as error:  # a page that did not print: named, the rest written
                failures.append(f"{pdf} ({_describe(error)})")
                continue
            target = self.folder / pdf
            write_atomic(target, content)
            written.append(target)
        self._futures = []
        if launch_error is not None:
            print(f"lecturekit: Chromium could not start ({_describe(launch_error)}); "
                  "PDFs were not written", flush=True)
        elif failures:
            print("lecturekit: could not print " + "; ".join(failures), flush=True)
        return written

    def close(self) -> None:
        """Stop Chromium, the server and the thread (the PDFs not yet printed are dropped)."""
        self._futures = []
        if self._thread is not None:
            try:
                asyncio.run_coroutine_threadsafe(self._stop(), self._loop).result(timeout=60)
            except Exception:  # noqa: S110 - closing after a failure: nothing left to report
                pass
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=30)
            if not self._thread.is_alive():
                self._loop.close()
            self._thread = None
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> Printer:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()


def write_pdfs(folder: str | os.PathLike[str], names: Iterable[str]) -> list[Path]:
    """Print the handouts and decks of ``names`` in the built ``folder`` to PDF (see
    :class:`Printer`); returns the PDFs written."""
    with Printer(folder) as printer:
        for name in names:
            printer.add(name)
        return printer.finish()

