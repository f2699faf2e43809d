"""Full-page PNG screenshots of the built book, with headless Chromium.

Usage: screenshots.py CHROMIUM BOOK_DIR OUT_DIR PAGE...

For every PAGE (an HTML file of BOOK_DIR, without .html), in the light and
navy themes (or those BOOK_THEMES names), at 1280 and 390 CSS pixels wide:
OUT_DIR/PAGE-THEME-WIDTH.png, as tall as the page. Run by book/screenshots.sh, which builds the book first.

It talks to Chromium over the DevTools protocol on a pipe
(--remote-debugging-pipe: JSON messages ended by a NUL byte, fd 3 to the
browser, fd 4 back), so it needs nothing beyond Python's standard library.
"""

import base64
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

# BOOK_THEMES="coal ayu" book/screenshots.sh PAGE: other themes.
THEMES = os.environ.get("BOOK_THEMES", "light navy").split()
WIDTHS = [1280, 390]
# A phone-sized view is 390 wide; a desktop window about 800 tall.
START_HEIGHT = 800
LIMIT_SECONDS = 30


# What a reader at this width cannot see whole, found in the page itself:
# listings and tables that scroll sideways (cut off in a screenshot, and on a
# phone), and pictures shown so much smaller than drawn that their text is
# hard to read.
PROBLEMS = """
(() => {
  const near = el => {
    let h = el.previousElementSibling;
    while (h && !/^H[1-6]$/.test(h.tagName)) h = h.previousElementSibling;
    return h ? ` (after "${h.textContent.trim().slice(0, 50)}")` : "";
  };
  const found = [];
  // mdBook scrolls the <code> inside a <pre>; look at both.
  for (const pre of document.querySelectorAll("main pre")) {
    const box = [pre, ...pre.querySelectorAll("code")]
      .find(el => el.scrollWidth > el.clientWidth + 1);
    if (box) {
      const first = pre.textContent.trim().split("\\n")[0].slice(0, 40);
      // ```text,nowrap: output whose columns line up scrolls on purpose.
      const kept = pre.querySelector("code.nowrap") ? " [nowrap]" : "";
      found.push(`listing scrolls sideways, ${box.scrollWidth} px in ` +
                 `${box.clientWidth}: "${first}"${near(pre)}${kept}`);
    }
  }
  for (const table of document.querySelectorAll("main table")) {
    const box = table.parentElement;
    if (table.scrollWidth > box.clientWidth + 1) {
      found.push(`table scrolls sideways, ${table.scrollWidth} px in ` +
                 `${box.clientWidth}${near(box)}`);
    }
  }
  // The width each SVG was drawn for (its width, else its viewBox), by src.
  const drawn = DRAWN_WIDTHS;
  for (const img of document.querySelectorAll("main img")) {
    if (img.clientWidth === 0) continue;  // not shown (a copy for another theme)
    const designed = drawn[img.getAttribute("src")] || img.naturalWidth;
    // The width on screen: clientWidth leaves out a CSS zoom (the book's
    // narrow-screen style has one), the bounding box does not; neither
    // counts the panel's padding as picture.
    const style = getComputedStyle(img);
    const padding = parseFloat(style.paddingLeft) + parseFloat(style.paddingRight);
    const shown = (img.clientWidth - padding) *
                  img.getBoundingClientRect().width / img.clientWidth;
    const scale = shown / (designed || shown);
    if (scale < 0.6) {
      found.push(`picture at ${Math.round(scale * 100)}% of its size: ` +
                 `${img.getAttribute("src")}${near(img.closest("p") || img)}`);
    }
  }
  return found;
})()
"""


class Browser:
    def __init__(self, program: str, profile: str):
        # Our ends: we write to_browser, read from_browser.
        browser_reads, self.to_browser = os.pipe()
        self.from_browser, browser_writes = os.pipe()

        def fds_3_and_4():
            # Fresh copies first: 3 or 4 may be taken by one of the pipes.
            # (A copy of `reads` is the lowest free descriptor, so it is
            # never above the copy of `writes`, and neither dup2 below
            # overwrites a copy before it is used.)
            reads, writes = os.dup(browser_reads), os.dup(browser_writes)
            os.dup2(reads, 3)
            os.dup2(writes, 4)
            os.set_inheritable(3, True)
            os.set_inheritable(4, True)

        self.process = subprocess.Popen(
            [program, "--headless", "--no-sandbox", "--disable-gpu",
             "--disable-dev-shm-usage", "--no-first-run",
             "--no-default-browser-check", "--disable-extensions",
             "--hide-scrollbars", "--remote-debugging-pipe",
             f"--user-data-dir={profile}"],
            # Not Python's closing of descriptors: it runs after
            # preexec_fn and would close 3 and 4. Our own ends of the pipes
            # are not inheritable, so the browser does not get them.
            close_fds=False,
            preexec_fn=fds_3_and_4,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(browser_reads)
        os.close(browser_writes)
        self.buffer = b""
        self.next_id = 0
        self.events = []

    def send(self, method: str, session: str | None = None, **params):
        """Sends one command and returns its result (events seen meanwhile
        are kept for wait_for)."""
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        os.write(self.to_browser, json.dumps(message).encode() + b"\0")
        while True:
            reply = self.receive()
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply["result"]
            self.events.append(reply)

    def wait_for(self, event: str, session: str):
        while True:
            for seen in self.events:
                if seen.get("method") == event and seen.get("sessionId") == session:
                    self.events.remove(seen)
                    return
            self.events.append(self.receive())

    def receive(self) -> dict:
        while b"\0" not in self.buffer:
            chunk = os.read(self.from_browser, 1 << 20)
            if not chunk:
                raise RuntimeError("Chromium closed the pipe (did it crash?)")
            self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(message)

    def close(self):
        try:
            self.send("Browser.close")
        except (OSError, RuntimeError):
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def timed_out(_signal, _frame):
    raise TimeoutError(f"a screenshot took more than {LIMIT_SECONDS} s")


def drawn_widths(book: Path) -> dict[str, float]:
    """The width each SVG of the book was drawn for, by its src in a page: a
    picture without a width has no natural size an <img> can report."""
    widths = {}
    for svg in (book / "images").glob("*.svg"):
        head = re.search(r"<svg\b[^>]*>", svg.read_text(errors="replace"))
        if not head:
            continue
        width = re.search(r'\swidth="([\d.]+)', head.group(0))
        box = re.search(r'viewBox="[-\d.]+[\s,]+[-\d.]+[\s,]+([\d.]+)',
                        head.group(0))
        found = width or box
        if found:
            widths[f"images/{svg.name}"] = float(found.group(1))
    return widths


def screenshot(browser: Browser, url: str, theme: str, width: int,
               problems_script: str) -> tuple[bytes, list[str]]:
    """The page as a PNG, and what a reader cannot see whole in it."""
    signal.alarm(LIMIT_SECONDS)  # every read below may block: one deadline
    target = browser.send("Target.createTarget", url="about:blank")["targetId"]
    session = browser.send("Target.attachToTarget", targetId=target,
                           flatten=True)["sessionId"]
    mobile = width < 600
    browser.send("Page.enable", session)
    browser.send("Emulation.setDeviceMetricsOverride", session, width=width,
                 height=START_HEIGHT, deviceScaleFactor=1, mobile=mobile)
    # mdBook reads its theme from localStorage before it draws the page.
    browser.send("Page.addScriptToEvaluateOnNewDocument", session,
                 source=f"localStorage.setItem('mdbook-theme', '{theme}');")
    browser.send("Page.navigate", session, url=url)
    browser.wait_for("Page.loadEventFired", session)
    # Web fonts may still be on their way after the load event.
    browser.send("Runtime.evaluate", session, awaitPromise=True,
                 expression="document.fonts.ready.then(() => true)")
    applied = browser.send("Runtime.evaluate", session,
                           expression="document.documentElement.className")
    if theme not in applied["result"].get("value", ""):
        raise RuntimeError(f"{url}: the page did not take theme {theme}")
    problems = browser.send("Runtime.evaluate", session, returnByValue=True,
                            expression=problems_script)["result"]["value"]
    size = browser.send("Page.getLayoutMetrics", session)["cssContentSize"]
    height = int(size["height"] + 0.5)
    browser.send("Emulation.setDeviceMetricsOverride", session, width=width,
                 height=height, deviceScaleFactor=1, mobile=mobile)
    png = browser.send("Page.captureScreenshot", session, format="png",
                       captureBeyondViewport=True)["data"]
    browser.send("Target.closeTarget", targetId=target)
    signal.alarm(0)
    return base64.b64decode(png), problems


def main():
    program, book, out, *pages = sys.argv[1:]
    signal.signal(signal.SIGALRM, timed_out)
    out_dir = Path(out)
    out_dir.mkdir(parents=True, exist_ok=True)
    problems_script = PROBLEMS.replace(
        "DRAWN_WIDTHS", json.dumps(drawn_widths(Path(book))))
    with tempfile.TemporaryDirectory(prefix="book-screenshots-") as profile:
        browser = Browser(program, profile)
        try:
            for page in pages:
                url = (Path(book) / f"{page}.html").resolve().as_uri()
                for theme in THEMES:
                    for width in WIDTHS:
                        png, problems = screenshot(browser, url, theme, width,
                                                   problems_script)
                        file = out_dir / f"{page}-{theme}-{width}.png"
                        file.write_bytes(png)
                        print(file)
                        for problem in problems:
                            print(f"  {problem}")
        finally:
            browser.close()


if __name__ == "__main__":
    main()
