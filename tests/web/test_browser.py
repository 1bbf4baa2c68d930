"""A real browser on the page at /: headless Chromium, driven by Selenium.

Chromium and its driver come from Debian (``apt-get install chromium chromium-driver``, as
.ci/run does); the browser runs with a fresh profile and no background networking, so it
talks to the server on loopback and nothing else.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.web.conftest import Server

pytestmark = pytest.mark.server

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")
FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
    "--disable-dev-shm-usage", "--disable-default-apps", "--disable-extensions",
)


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """A headless Chromium with a fresh profile."""
    if CHROMIUM is None or DRIVER is None:
        pytest.skip("chromium and chromium-driver are not installed (CI installs them)")
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    profile = tmp_path_factory.mktemp("chromium-profile")
    options.add_argument(f"--user-data-dir={profile}")
    driver = webdriver.Chrome(options=options, service=Service(executable_path=DRIVER))
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


def test_run_an_example_and_follow_an_iri(browser: object, server: Server,
                                          tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import Select, WebDriverWait

    driver = browser
    wait = WebDriverWait(driver, 30)  # type: ignore[arg-type]
    driver.get(server.url + "/")  # type: ignore[attr-defined]
    assert "Query the graph" in driver.page_source  # type: ignore[attr-defined]
    Select(driver.find_element(By.ID, "example")).select_by_value("post_holders")  # type: ignore[attr-defined]
    driver.find_element(By.ID, "run").click()  # type: ignore[attr-defined]
    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "#results-table tbody tr")))
    rows = driver.find_elements(By.CSS_SELECTOR, "#results-table tbody tr")  # type: ignore[attr-defined]
    assert len(rows) > 3
    status = driver.find_element(By.ID, "status").text  # type: ignore[attr-defined]
    assert "rows" in status
    downloads = driver.find_elements(By.CSS_SELECTOR, "#download-links a")  # type: ignore[attr-defined]
    assert {a.text for a in downloads} >= {"CSV", "JSON"}
    driver.save_screenshot(str(tmp_path / "results.png"))  # type: ignore[attr-defined]
    link = next(a for a in driver.find_elements(By.CSS_SELECTOR, "#results-table a")  # type: ignore[attr-defined]
                if "/id/person/" in a.get_attribute("href"))
    name = link.get_attribute("title")
    link.click()
    wait.until(ec.presence_of_element_located((By.ID, "label")))
    assert "/id/person/" in driver.current_url  # type: ignore[attr-defined]
    heading = driver.find_element(By.ID, "label").text  # type: ignore[attr-defined]
    assert heading and heading != name
    assert driver.find_elements(By.CSS_SELECTOR, "#outgoing tr")  # type: ignore[attr-defined]
    assert driver.find_elements(By.CSS_SELECTOR, "#provenance li")  # type: ignore[attr-defined]
    driver.save_screenshot(str(tmp_path / "page.png"))  # type: ignore[attr-defined]


def test_a_query_error_is_shown(browser: object, server: Server) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    driver = browser
    driver.get(server.url + "/")  # type: ignore[attr-defined]
    box = driver.find_element(By.ID, "query")  # type: ignore[attr-defined]
    box.clear()
    box.send_keys("SELECT * WHERE {")
    driver.find_element(By.ID, "run").click()  # type: ignore[attr-defined]
    WebDriverWait(driver, 30).until(  # type: ignore[arg-type]
        ec.visibility_of_element_located((By.ID, "error")))
    assert "400" in driver.find_element(By.ID, "error").text  # type: ignore[attr-defined]
