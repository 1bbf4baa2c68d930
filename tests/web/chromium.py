"""Headless Chromium for the browser tests: one way to start it, read its console, shoot it."""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")
FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
    "--disable-dev-shm-usage", "--disable-default-apps", "--disable-extensions",
)
#: Where screenshots go (gitignored; CI keeps them as artifacts).
SCREENSHOTS = Path(__file__).resolve().parents[1] / "artifacts" / "screenshots"
#: Seconds a page may take to load, or a test to wait for what it draws.
WAIT = 30


@contextlib.contextmanager
def headless_chromium(profile: Path, *, window: str) -> Iterator[Any]:
    """A headless Chromium with a fresh profile that keeps the page's console log (the test
    is skipped when Chromium or its driver is missing; CI installs them)."""
    if CHROMIUM is None or DRIVER is None:
        pytest.skip("chromium and chromium-driver are not installed (CI installs them)")
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (*FLAGS, f"--window-size={window}", f"--user-data-dir={profile}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(executable_path=DRIVER))
    driver.set_page_load_timeout(WAIT)
    try:
        yield driver
    finally:
        driver.quit()


def console_errors(driver: Any, *expected: str) -> list[str]:
    """The console's errors since the last look (failed scripts, refused styles, failed
    loads), but those naming one of ``expected``."""
    return [entry["message"] for entry in driver.get_log("browser")
            if entry["level"] == "SEVERE" and not any(e in entry["message"] for e in expected)]


def save_screenshot(driver: Any, name: str) -> Path:
    """Save a screenshot as ``SCREENSHOTS/name.png`` and print where."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    driver.save_screenshot(str(path))
    print(f"screenshot: {path}")
    return path
