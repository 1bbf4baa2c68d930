"""The explorer in a real browser: headless Chromium (Debian's chromium and chromium-driver,
as CI installs them) on ``kg serve`` over the examples. The pictures must draw under the
server's Content-Security-Policy with nothing logged as an error; screenshots go to
tests/artifacts/screenshots/ (kept out of git) for people to look at.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Iterator
from typing import Any

import pytest

from tests.web.chromium import WAIT, console_errors, headless_chromium, save_screenshot
from tests.web.conftest import Server

pytestmark = pytest.mark.server

ID = "https://w3id.org/diplomacy-kg/id/"
PUTIN = ID + "person/vladimir-putin"
MEETING = ID + ("event/2007-06-07/president-of-the-united-states-george-w-bush-and-president"
                "-4770f9d9")


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A headless Chromium with a fresh profile that keeps the page's console log."""
    with headless_chromium(tmp_path_factory.mktemp("chromium-profile"),
                           window="1280,1800") as driver:
        yield driver


def page(path: str, iri: str) -> str:
    return f"{path}?iri={urllib.parse.quote(iri, safe='')}"


def open_and_draw(driver: Any, url: str) -> list[Any]:
    """Open a page, wait until each of its pictures says it is drawn; its figures."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get_log("browser")  # forget what earlier pages logged
    driver.get(url)
    figures = driver.find_elements(By.CSS_SELECTOR, "[data-chart]")
    assert figures, "the page has no pictures"
    WebDriverWait(driver, WAIT).until(
        lambda d: all(f.get_attribute("data-rendered") for f in figures))
    assert [f.get_attribute("data-rendered") for f in figures] == ["true"] * len(figures), [
        f.text for f in figures]
    return figures




def test_the_pages_answer_over_http(server: Server) -> None:
    for path in ("/explore", "/explore?q=putin", page("/explore/actor", PUTIN),
                 page("/explore/event", MEETING)):
        status, headers, body = server.get(path)
        assert status == 200, (path, body[:300])
        assert headers["Content-Type"].startswith("text/html")
        assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert server.get("/explore/actor")[0] == 400
    assert server.get("/explore/event?iri=nope")[0] == 400
    assert server.get(page("/explore/actor", ID + "person/nobody"))[0] == 404
    assert server.get(page("/explore/event", PUTIN))[0] == 404
    for asset in ("vega/vega.min.js", "vega-lite/vega-lite.min.js",
                  "vega-embed/vega-embed.min.js", "vega-interpreter/vega-interpreter.js",
                  "cytoscape/cytoscape.min.js"):
        status, headers, _ = server.get("/static/vendor/" + asset)
        assert status == 200 and "javascript" in headers["Content-Type"], asset


def test_the_actor_page_draws_its_timeline_and_network(browser: Any, server: Server) -> None:
    from selenium.webdriver.common.by import By

    open_and_draw(browser, server.url + page("/explore/actor", PUTIN))
    bars = browser.find_elements(By.CSS_SELECTOR, "#timeline svg path, #timeline svg rect")
    assert browser.find_elements(By.CSS_SELECTOR, "#timeline svg"), "no timeline drawn"
    assert bars
    assert "2007" in browser.find_element(By.CSS_SELECTOR, "#timeline svg").text
    assert browser.find_elements(By.CSS_SELECTOR, "#network canvas"), "no network drawn"
    # The network holds Putin and the five people and states he meets (and two more).
    nodes = browser.execute_script(
        "return document.getElementById('network')._cyreg.cy.nodes().map(n => n.data('name'))")
    assert {"Vladimir Putin", "George W. Bush", "Russia", "United States"} <= set(nodes)
    assert len(nodes) == 8
    legend = browser.find_element(By.CSS_SELECTOR, "#network-section .legend").text
    assert "person" in legend and "state" in legend
    save_screenshot(browser, "explorer-actor")
    assert console_errors(browser) == []


def test_the_event_page_highlights_the_evidence_and_draws_its_links(
        browser: Any, server: Server) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    open_and_draw(browser, server.url + page("/explore/event", MEETING))
    assert browser.find_elements(By.CSS_SELECTOR, "#network canvas"), "no picture drawn"
    marked = [a.text for a in browser.find_elements(By.CSS_SELECTOR, "#headline .evidence")]
    assert marked == ["President of the United States", "George W. Bush",
                      "President of Russia", "Vladimir Putin", "meet"]
    # The highlight shows: the words' background is not the page's.
    background = browser.find_element(By.CSS_SELECTOR, "#headline .evidence").value_of_css_property(
        "background-color")
    assert background not in ("rgba(0, 0, 0, 0)", "transparent")
    save_screenshot(browser, "explorer-event")
    assert console_errors(browser) == []

    browser.find_element(By.LINK_TEXT, "Vladimir Putin").click()
    WebDriverWait(browser, WAIT).until(ec.presence_of_element_located((By.ID, "name")))
    assert browser.find_element(By.ID, "name").text == "Vladimir Putin"


def test_the_search_box_leads_to_an_actor(browser: Any, server: Server) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(server.url + "/explore")
    box = browser.find_element(By.ID, "q")
    box.send_keys("putin")
    box.submit()
    WebDriverWait(browser, WAIT).until(ec.presence_of_element_located((By.CSS_SELECTOR, ".hit")))
    save_screenshot(browser, "explorer-search")
    browser.find_element(By.CSS_SELECTOR, ".hit.kind-actor a").click()
    open_and_draw(browser, browser.current_url)
    assert browser.find_element(By.ID, "name").text == "Vladimir Putin"
    assert console_errors(browser) == []


def test_the_sparql_link_opens_the_query_page_with_the_query(browser: Any,
                                                           server: Server) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(server.url + page("/explore/actor", PUTIN))
    browser.find_element(By.CSS_SELECTOR, "#timeline-section a.data-sparql").click()
    text = WebDriverWait(browser, WAIT).until(lambda d: d.execute_script(
        "const cm = document.querySelector('.CodeMirror');"
        "return cm && cm.CodeMirror.getValue();"))
    assert "An actor's events per month" in text
    assert f"VALUES (?actor) {{ (<{PUTIN}>) }}" in text
