#!/usr/bin/env python3
"""Regenerate docs/report-seeds.png: the HTML report of seeds/ as headless Chromium draws it.

    /work/venv/bin/python scripts/screenshot.py            # seeds/ -> docs/report-seeds.png
    python scripts/screenshot.py --html out.html --png out.png PATH...

Needs Debian's ``chromium`` and ``chromium-driver`` (``apt-get install chromium chromium-driver``)
and ``pip install selenium``. Nothing is downloaded: the driver path is passed explicitly and
selenium-manager is kept offline. ``chrome_driver()`` is reused by the browser test's helpers
and by benchmarks/bench_html.py.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any, Optional

ROOT = Path(__file__).resolve().parent.parent

CHROME_ARGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-default-apps",
    "--no-first-run",
    "--no-default-browser-check",
    "--hide-scrollbars",
    "--force-device-scale-factor=1",
)


def find_browser() -> tuple[Optional[str], Optional[str], str]:
    """(chromium binary, chromedriver, reason when either is missing)."""
    browser = next((p for p in (shutil.which("chromium"), shutil.which("chromium-browser"), "/usr/bin/chromium") if p and os.path.exists(p)), None)
    driver = next((p for p in (shutil.which("chromedriver"), "/usr/bin/chromedriver") if p and os.path.exists(p)), None)
    missing = [n for n, p in (("chromium", browser), ("chromedriver (chromium-driver)", driver)) if p is None]
    reason = f"{' and '.join(missing)} not found; install with: apt-get install -y chromium chromium-driver" if missing else ""
    return browser, driver, reason


def chrome_driver(profile_dir: str, *, width: int = 1200, height: int = 900, javascript: bool = True) -> Any:
    """A headless Chromium session with browser and performance logs, using a fresh profile."""
    os.environ["SE_OFFLINE"] = "true"  # selenium-manager must never download a driver
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    browser, driver, reason = find_browser()
    if reason:
        raise RuntimeError(reason)
    opts = webdriver.ChromeOptions()
    opts.binary_location = browser  # type: ignore[assignment]
    for a in CHROME_ARGS:
        opts.add_argument(a)
    opts.add_argument(f"--user-data-dir={profile_dir}")
    opts.add_argument(f"--window-size={width},{height}")
    if not javascript:
        opts.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    return webdriver.Chrome(service=Service(driver), options=opts)


def render_html(paths: list[str]) -> str:
    sys.path.insert(0, str(ROOT))
    from consistency import api

    report = api.check(paths)
    return report.to_html() if _registered() else _direct(report)


def _registered() -> bool:
    try:
        from consistency import formats

        return "html" in formats.names()
    except Exception:
        return False


def _direct(report: Any) -> str:
    from consistency.formats import html

    return html.render(report)


def screenshot(html_path: Path, png_path: Path, *, width: int = 1200, selector: str = "#timelines", max_height: int = 1800) -> Path:
    """Open the page from disk and save a PNG of the element ``selector`` (its top ``max_height`` px).

    Uses the DevTools ``Page.captureScreenshot`` clip, so the shot does not depend on the window
    height; an empty selector shoots the top of the page.
    """
    import base64

    with tempfile.TemporaryDirectory(prefix="cx-chrome-") as profile:
        drv = chrome_driver(profile, width=width, height=900)
        try:
            drv.get(html_path.resolve().as_uri())
            box = drv.execute_script(
                "var e = arguments[0] ? document.querySelector(arguments[0]) : document.body;"
                "var r = e.getBoundingClientRect();"
                "return {x: r.left + scrollX, y: r.top + scrollY, w: r.width, h: r.height};",
                selector,
            )
            pad = 8
            # timelines far below the window are skipped by content-visibility: make it tall enough
            drv.set_window_size(width, int(min(box["h"], max_height) + box["y"] + 200))
            clip = {"x": max(box["x"] - pad, 0), "y": max(box["y"] - pad, 0), "width": box["w"] + 2 * pad,
                    "height": min(box["h"], max_height) + 2 * pad, "scale": 1}
            shot = drv.execute_cdp_cmd("Page.captureScreenshot", {"format": "png", "clip": clip, "captureBeyondViewport": True})
            png_path.parent.mkdir(parents=True, exist_ok=True)
            png_path.write_bytes(base64.b64decode(shot["data"]))
        finally:
            drv.quit()
    return png_path


def main(argv: Optional[list[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("paths", nargs="*", default=[str(ROOT / "seeds")])
    ap.add_argument("--html", default=None, help="also keep the page here (default: a temporary file)")
    ap.add_argument("--png", default=str(ROOT / "docs" / "report-seeds.png"))
    ap.add_argument("--width", type=int, default=1200)
    ap.add_argument("--max-height", type=int, default=1800, help="crop the shot to this many pixels")
    ap.add_argument("--selector", default="#timelines", help='the part of the page to shoot ("" for the top)')
    args = ap.parse_args(argv)
    _, _, reason = find_browser()
    if reason:
        print(f"screenshot: {reason}", file=sys.stderr)
        return 2
    page = render_html(args.paths)
    with tempfile.TemporaryDirectory(prefix="cx-page-") as tmp:
        html_path = Path(args.html) if args.html else Path(tmp) / "report.html"
        html_path.write_text(page, encoding="utf-8")
        out = screenshot(html_path, Path(args.png), width=args.width, selector=args.selector, max_height=args.max_height)
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
