"""A real browser on the pages: headless Chromium, driven by Selenium.

Chromium and its driver come from Debian (``apt-get install chromium chromium-driver``, as
.ci/run does); the browser runs with a fresh profile and no background networking, so it
talks to the server on loopback and nothing else. Each test fails on any error in the
browser's console (a script error, a resource that did not load, a Content-Security-Policy
violation) and leaves screenshots in tests/artifacts/screenshots/, whose paths it prints.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.web.chromium import WAIT, console_errors, headless_chromium, save_screenshot
from tests.web.conftest import Server

pytestmark = pytest.mark.server

ROOT = Path(__file__).resolve().parents[2]
BAD_TURTLE = ROOT / "tests" / "shapes" / "invalid" / "actor-without-label.ttl"
EVENT_PAGE = ROOT / "examples" / (
    "2008-04-13_trevor-immelman-of-south-africa-wins-the-2008-masters-tournament.md")


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A headless Chromium with a fresh profile, keeping its console log."""
    with headless_chromium(tmp_path_factory.mktemp("chromium-profile"),
                           window="1280,1000") as driver:
        yield driver


@pytest.fixture
def driver(browser: Any) -> Iterator[Any]:
    """The browser, its console emptied before the test and checked after it."""
    browser.get_log("browser")
    yield browser


@pytest.fixture
def shoot(request: pytest.FixtureRequest) -> Callable[[Any, str], Path]:
    """Save a screenshot under tests/artifacts/screenshots/ and print where."""
    def save(driver: Any, name: str) -> Path:
        path = save_screenshot(driver, f"{request.node.name}-{name}")
        request.node.user_properties.append(("screenshot", str(path)))
        return path
    return save


def wait_for(driver: Any, condition: Callable[[Any], Any]) -> Any:
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.support.ui import WebDriverWait

    # The results table is redrawn while we look: an element gone stale is looked up again.
    return WebDriverWait(driver, WAIT, ignored_exceptions=(StaleElementReferenceException,)
                         ).until(condition)


def visible(driver: Any, css: str) -> list[Any]:
    from selenium.webdriver.common.by import By

    return [e for e in driver.find_elements(By.CSS_SELECTOR, css) if e.is_displayed()]


def open_query_page(driver: Any, url: str, *, fresh: bool = True) -> None:
    """The query page, by default without the tabs and results YASGUI kept from before."""
    if fresh:
        driver.get(url.split("#", 1)[0].rsplit("/", 1)[0] + "/validate")
        driver.execute_script("window.localStorage.clear();")
    driver.get(url)
    wait_for(driver, lambda d: visible(d, ".yasqe_queryButton"))


def set_query(driver: Any, text: str) -> None:
    driver.execute_script(
        "const shown = [...document.querySelectorAll('.CodeMirror')]"
        ".filter(e => e.offsetParent !== null);"
        "shown[0].CodeMirror.setValue(arguments[0]);", text)


def editor_text(driver: Any) -> str:
    return str(driver.execute_script(
        "return [...document.querySelectorAll('.CodeMirror')]"
        ".filter(e => e.offsetParent !== null)[0].CodeMirror.getValue();"))


def run_query(driver: Any) -> list[Any]:
    driver.execute_script("document.querySelectorAll('.yasr table').forEach(t => t.remove());")
    visible(driver, ".yasqe_queryButton")[0].click()
    return wait_for(driver, lambda d: visible(d, ".yasr table tbody tr"))  # type: ignore[no-any-return]


# -- the query page


def test_a_query_gives_a_paginated_table(driver: Any, server: Server, shoot: Callable) -> None:
    from selenium.webdriver.support.ui import Select

    open_query_page(driver, server.url + "/")
    # The editor's completers are the two that work offline (no Linked Open Vocabularies).
    completers = driver.execute_script("return Yasgui.Yasqe.defaults.autocompleters")
    assert completers == ["prefixes", "variables"]
    assert "PREFIX dip:" in editor_text(driver)
    rows = run_query(driver)
    assert len(rows) >= 20  # the server cuts at 50 (--max-rows)
    header = [th.text for th in visible(driver, ".yasr table thead th")]
    assert header[1:] == ["event", "date", "headline"]
    shoot(driver, "results")
    # Ten to a page: the pager turns to page 2, which shows other rows.
    Select(visible(driver, ".yasr select.tableSizer")[0]).select_by_value("10")
    wait_for(driver, lambda d: len(visible(d, ".yasr table tbody tr")) == 10)
    first = visible(driver, ".yasr table tbody tr")[0].text
    pages = [b.text for b in visible(driver, ".yasr .dt-paging-button") if b.text.isdigit()]
    assert len(pages) >= 2
    visible(driver, ".yasr .dt-paging-button.next")[0].click()
    wait_for(driver, lambda d: visible(d, ".yasr table tbody tr")[0].text != first)
    assert visible(driver, ".yasr table tbody tr")[0].text.startswith("11")
    shoot(driver, "page-2")
    assert not console_errors(driver)


def test_a_graph_answer_is_a_table_and_a_permalink_brings_the_query_back(
        driver: Any, server: Server, shoot: Callable) -> None:
    query = ("PREFIX dip: <https://w3id.org/diplomacy-kg/ontology#>\n"
             "CONSTRUCT { ?e dip:date ?d } WHERE { ?e a dip:Event ; dip:date ?d } LIMIT 5")
    open_query_page(driver, server.url + "/")
    set_query(driver, query)
    rows = run_query(driver)
    assert [th.text for th in visible(driver, ".yasr table thead th")][1:] == [
        "subject", "predicate", "object"]
    assert len(rows) == 5 and all("dip:date" in row.text for row in rows)
    assert not visible(driver, ".yasr pre")  # not raw Turtle
    shoot(driver, "construct")
    visible(driver, ".yasqe_share")[0].click()
    link = wait_for(driver, lambda d: visible(d, ".yasqe_sharePopup input"))[0]
    url = link.get_attribute("value")
    assert url.startswith(server.url + "/#") and "query=" in url
    driver.get("about:blank")
    open_query_page(driver, url, fresh=False)
    wait_for(driver, lambda d: editor_text(d) == query)
    shoot(driver, "permalink")
    assert not console_errors(driver)


def test_a_named_query_opens_in_a_tab_and_runs_with_bound_values(
        driver: Any, server: Server, shoot: Callable) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    open_query_page(driver, server.url + "/")
    Select(driver.find_element(By.ID, "example")).select_by_value("events_with_actor")
    wait_for(driver, lambda d: "Events involving an actor" in [
        t.text.split("\n")[0] for t in visible(d, ".tabsList .tab")])
    assert "# title: Events involving an actor" in editor_text(driver)
    actor = driver.find_element(By.CSS_SELECTOR, "#params input[data-param=actor]")
    actor.clear()
    actor.send_keys("Vladimir Putin")
    driver.find_element(By.ID, "run-named").click()
    rows = wait_for(driver, lambda d: visible(d, ".yasr table tbody tr"))
    assert len(rows) >= 3 and all("participant" in r.text or "post" in r.text for r in rows)
    shoot(driver, "named")
    # IRIs in the table open this server's page of the IRI.
    link = next(a for a in visible(driver, ".yasr table a.iri")
                if "/id/event/" in a.get_attribute("href"))
    assert link.get_attribute("href").startswith(server.url + "/id/event/")
    driver.get(link.get_attribute("href"))
    wait_for(driver, lambda d: d.find_elements(By.ID, "label"))
    assert driver.find_elements(By.CSS_SELECTOR, "#outgoing tr")
    assert driver.find_elements(By.CSS_SELECTOR, "#provenance li")
    shoot(driver, "event-page")
    assert not console_errors(driver)


def test_a_query_error_is_shown(driver: Any, server: Server, shoot: Callable) -> None:
    open_query_page(driver, server.url + "/")
    set_query(driver, "SELECT * WHERE { ?s nope:x ?o }")
    visible(driver, ".yasqe_queryButton")[0].click()
    error = wait_for(driver, lambda d: visible(d, ".yasr .errorResult"))[0]
    assert "nope:" in error.text and "not declared" in error.text
    shoot(driver, "error")
    assert not console_errors(driver, "/sparql - Failed to load resource: the server "
                                      "responded with a status of 400")


# -- the validation page


def test_the_validation_page_reports_a_bad_document(
        driver: Any, server: Server, shoot: Callable) -> None:
    from selenium.webdriver.common.by import By

    driver.get(server.url + "/validate")
    driver.find_element(By.ID, "document").send_keys(BAD_TURTLE.read_text(encoding="utf-8"))
    driver.find_element(By.ID, "validate").click()
    verdict = wait_for(driver, lambda d: visible(d, "#verdict"))[0]
    assert verdict.text == "Does not conform (1 violation)"
    rows = visible(driver, "#report tbody tr")
    assert len(rows) == 1
    cells = [td.text for td in rows[0].find_elements(By.TAG_NAME, "td")]
    assert cells[0] == "Violation"
    assert cells[1] == "id:state/russia" and cells[2] == "rdfs:label"
    assert "rdfs:label" in cells[4]
    assert cells[5] == "ActorShape"
    shoot(driver, "report")
    rows[0].find_element(By.CSS_SELECTOR, "a.shape").click()
    wait_for(driver, lambda d: d.current_url.endswith("/ontology#ActorShape"))
    assert driver.find_element(By.ID, "ActorShape").is_displayed()
    shoot(driver, "shape-documentation")
    assert not console_errors(driver)


def test_an_uploaded_event_page_is_mapped_and_checked(
        driver: Any, server: Server, shoot: Callable) -> None:
    from selenium.webdriver.common.by import By

    driver.get(server.url + "/validate")
    driver.find_element(By.ID, "file").send_keys(str(EVENT_PAGE))
    wait_for(driver, lambda d: d.find_element(By.ID, "document").get_attribute("value"))
    assert driver.find_element(By.ID, "format").get_attribute("value") == "doc:"
    driver.find_element(By.ID, "validate").click()
    verdict = wait_for(driver, lambda d: visible(d, "#verdict"))[0]
    assert verdict.text.startswith("Conforms (") and "warning" in verdict.text
    assert visible(driver, "#report tbody tr.warning")
    shoot(driver, "upload")
    assert not console_errors(driver)


# -- the ontology page


def test_the_ontology_page_renders_with_its_diagram(
        driver: Any, server: Server, shoot: Callable) -> None:
    from selenium.webdriver.common.by import By

    started = time.monotonic()
    driver.get(server.url + "/ontology")
    assert driver.find_element(By.TAG_NAME, "h1").text == "Diplomacy ontology"
    boxes = driver.find_elements(By.CSS_SELECTOR, "svg.class-diagram a")
    assert len(boxes) > 20
    shoot(driver, "diagram")
    event = next(b for b in boxes if b.text == "dip:Event")
    event.click()
    wait_for(driver, lambda d: d.current_url.endswith("/ontology#Event"))
    section = driver.find_element(By.ID, "Event")
    assert "subclass of" in section.text and "sem:Event" in section.text
    shoot(driver, "event-class")
    assert len(driver.find_elements(By.CSS_SELECTOR, "section.shape table.constraints")) > 20
    assert time.monotonic() - started < WAIT
    assert not console_errors(driver)
