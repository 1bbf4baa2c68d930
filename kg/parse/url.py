"""URL and thecontext.net path normalisation shared by the parsers."""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import parse_qs, urlsplit

# Redirect and proxy wrappers whose query string carries the real address:
# host (suffix match) and path prefix -> the query parameters to look in, in order.
_WRAPPERS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("translate.google.", "/translate", ("u",)),
    ("translate.googleusercontent.com", "/translate", ("u",)),
    ("google.", "/url", ("q", "url")),
    ("news.google.com", "/news/url", ("url",)),
    ("facebook.com", "/l.php", ("u",)),
    ("l.facebook.com", "/l.php", ("u",)),
    ("t.umblr.com", "/redirect", ("z",)),
    ("out.reddit.com", "/", ("url",)),
)
_MAX_UNWRAP = 5
# An encoded line break or space left at the end of a URL by a copy-paste.
_TRAILING_JUNK = re.compile(r"(?:%0[aAdD]|%20|%09|[\s\u00a0])+$")
_NEWS_PATH = re.compile(r"^(?:\.?/)?(?:news/)?(\d{4})/(\d{1,2})/(\d{1,2})(/[^?#]*)?")
_FORMAT_EXT = re.compile(r"\.(?:html?|json|xml)$")


def unwrap_url(url: str) -> str:
    """The real address behind a link: redirect wrappers removed, stray trailing junk trimmed.

    ``http://translate.google.com/translate?u=http%3A%2F%2Fwww.spiegel.de%2F...&langpair=de%7Cen``
    gives ``http://www.spiegel.de/...``. Anything that is not a known wrapper comes back
    unchanged apart from surrounding whitespace and an encoded trailing newline.
    """
    url = url.strip().strip("<>")
    url = url.replace("&amp;", "&")
    for _ in range(_MAX_UNWRAP):
        inner = _unwrap_once(url)
        if inner is None:
            break
        url = inner
    return _TRAILING_JUNK.sub("", url)


def _unwrap_once(url: str) -> str | None:
    if "?" not in url:
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    host = (parts.hostname or "").lower()
    if not host:
        return None
    for host_part, path_prefix, params in _WRAPPERS:
        if host_part not in host or not parts.path.startswith(path_prefix):
            continue
        query = parse_qs(parts.query)
        for name in params:
            values = query.get(name)
            if values and values[0].strip().lower().startswith(("http://", "https://")):
                return values[0].strip()
    return None


def news_path(href: str) -> str | None:
    """A thecontext.net link as a site path ``/news/YYYY/MM/D/<page>.md``, or None.

    Relative links (``2014/11/10/index.html``) and the page's other formats
    (``.html``, ``.json``, ``.xml``) map to the same ``.md`` path, so that one page
    has one path however it is linked.
    """
    match = _NEWS_PATH.match(href.strip())
    if match is None:
        return None
    year, month, day, rest = match.groups()
    rest = _FORMAT_EXT.sub(".md", rest or "/index.md")
    if rest == "/":
        rest = "/index.md"
    return f"/news/{year}/{month}/{day}{rest}"


def date_from_news_path(path: str | None) -> date | None:
    """The day a ``/news/YYYY/MM/D/...`` path belongs to, or None if it names no valid day."""
    if not path:
        return None
    match = _NEWS_PATH.match(path)
    if match is None:
        return None
    try:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None
