"""The query page's vendored YASGUI: served from the package, nothing from another site, and a
Content-Security-Policy that lets it run without 'unsafe-inline'."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from html.parser import HTMLParser
from pathlib import Path

from flask.testing import FlaskClient

from kg.web.pages import YASGUI_STYLE_HASHES

ROOT = Path(__file__).resolve().parents[2]
VENDOR = ROOT / "kg" / "web" / "static" / "vendor" / "yasgui"


class _Assets(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.data: dict[str, str] = {}
        self._json: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script" and values.get("src"):
            self.urls.append(str(values["src"]))
        if tag == "link" and values.get("rel") == "stylesheet":
            self.urls.append(str(values["href"]))
        if tag == "script" and values.get("type") == "application/json":
            self._json = str(values["id"])

    def handle_data(self, data: str) -> None:
        if self._json:
            self.data[self._json] = data
            self._json = None


def test_the_page_loads_yasgui_from_this_server(client: FlaskClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    page = _Assets()
    page.feed(response.text)
    assert "/static/vendor/yasgui/yasgui.min.js" in page.urls
    assert "/static/vendor/yasgui/yasgui.min.css" in page.urls
    for url in page.urls:
        assert url.startswith("/static/"), url
        with client.get(url) as asset:
            assert asset.status_code == 200, url
    prefixes = json.loads(page.data["prefixes"])
    assert prefixes["dip"] == "https://w3id.org/diplomacy-kg/ontology#"
    assert "id" in prefixes and "prov" in prefixes
    names = [q["name"] for q in json.loads(page.data["named-queries"])]
    assert "events_with_actor" in names


def test_the_policy_allows_only_our_scripts_and_yasguis_two_styles(client: FlaskClient) -> None:
    policy = client.get("/").headers["Content-Security-Policy"]
    directives = {d.split()[0]: d.split()[1:] for d in policy.split("; ")}
    assert directives["script-src"] == ["'self'"]
    assert directives["connect-src"] == ["'self'"]
    assert "'unsafe-inline'" not in policy
    assert directives["style-src"] == ["'self'", *(f"'{h}'" for h in YASGUI_STYLE_HASHES)]
    # Other pages keep the strict policy.
    assert "sha256" not in client.get("/validate").headers["Content-Security-Policy"]


def test_the_style_hashes_are_those_of_the_vendored_build() -> None:
    bundle = (VENDOR / "yasgui.min.js").read_text(encoding="utf-8")
    # The column resizer's own CSS, and the cursor it sets while a column is dragged (with
    # the default dragCursor, col-resize).
    static = re.search(r"createStyle\(a,`( \.grip-resizable[^`]*)`\)", bundle)
    assert static is not None, "the vendored YASGUI no longer injects the resizer's CSS"
    assert "`*{cursor:`+n.opt.dragCursor+`!important}`" in bundle
    styles = (static.group(1), "*{cursor:col-resize!important}")
    hashes = tuple("sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode()
                   for s in styles)
    assert hashes == YASGUI_STYLE_HASHES


def test_the_vendored_build_loads_nothing_from_elsewhere() -> None:
    css = (VENDOR / "yasgui.min.css").read_text(encoding="utf-8")
    assert "@import" not in css
    assert not re.findall(r"url\(\s*['\"]?(?!data:)", css), "the CSS loads a file (a font?)"
    bundle = (VENDOR / "yasgui.min.js").read_text(encoding="utf-8")
    assert "sourceMappingURL" not in bundle
    # Its one fetch from another site is Linked Open Vocabularies' completion, which query.js
    # turns off (the browser test checks the editor's completers).
    assert "lov.linkeddata.es" in bundle
    script = (ROOT / "kg" / "web" / "static" / "query.js").read_text(encoding="utf-8")
    assert 'autocompleters.splice(0, Infinity, "prefixes", "variables")' in script


def test_the_licence_is_shipped_and_noticed() -> None:
    licence = (VENDOR / "LICENSE").read_text(encoding="utf-8")
    assert "MIT License" in licence and "@zazuko/yasgui 4.6.2" in licence
    notice = (ROOT / "NOTICE").read_text(encoding="utf-8")
    assert "kg/web/static/vendor/yasgui/yasgui.min.js" in notice
