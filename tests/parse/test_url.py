"""URL unwrapping and thecontext.net path normalisation."""

from __future__ import annotations

from datetime import date

import pytest

from kg.parse.url import date_from_news_path, news_path, unwrap_url

SPIEGEL = "http://www.spiegel.de/politik/deutschland/0,1518,487262,00.html"


def test_google_translate_wrapper_gives_the_decoded_real_url() -> None:
    wrapped = (
        "http://translate.google.com/translate?u=http%3A%2F%2Fwww.spiegel.de%2Fpolitik"
        "%2Fdeutschland%2F0%2C1518%2C487262%2C00.html&langpair=de%7Cen&hl=en&ie=UTF8"
    )
    assert unwrap_url(wrapped) == SPIEGEL


@pytest.mark.parametrize(
    "wrapped",
    [
        f"https://www.google.com/url?q={SPIEGEL}&sa=D",
        f"https://news.google.com/news/url?url={SPIEGEL}&ct=ga",
        f"https://l.facebook.com/l.php?u={SPIEGEL}&h=x",
        f"http://translate.google.co.uk/translate?hl=en&u={SPIEGEL}",
        # a wrapper inside a wrapper
        "http://translate.google.com/translate?u=https%3A%2F%2Fwww.google.com%2Furl%3Fq%3D"
        "http%253A%252F%252Fwww.spiegel.de%252Fpolitik%252Fdeutschland%252F0%252C1518%252C"
        "487262%252C00.html",
    ],
)
def test_other_redirect_wrappers(wrapped: str) -> None:
    assert unwrap_url(wrapped) == SPIEGEL


def test_encoded_trailing_newline_is_trimmed() -> None:
    url = "http://www.nytimes.com/2007/09/12/world/africa/12ebola.html?em&ex=1189656000&ei=5087%0A"
    assert unwrap_url(url) == url.removesuffix("%0A")


@pytest.mark.parametrize(
    "url",
    [
        "http://www.guardian.co.uk/worldlatest/story/0,,-6690625,00.html",
        "http://canadianpress.google.com/article/ALeqM5g09Qi-4TudGPTab5vX2w1lFJb1hA",
        "http://www.thehindu.com/migration_catalog/article10022722.ece/pm%20sharif",
        "http://translate.google.com/translate?sl=de",  # no target: left alone
    ],
)
def test_ordinary_urls_are_unchanged(url: str) -> None:
    assert unwrap_url(url) == url


@pytest.mark.parametrize(
    ("href", "expected"),
    [
        ("/news/2007/07/2/u-s-president.md", "/news/2007/07/2/u-s-president.md"),
        ("2014/11/10/index.html", "/news/2014/11/10/index.md"),
        ("/news/2008/04/3/greek.json", "/news/2008/04/3/greek.md"),
        ("news/2008/04/3/greek.xml", "/news/2008/04/3/greek.md"),
        ("/news/2008/04/3/", "/news/2008/04/3/index.md"),
        ("http://example.com/2008/04/3/x.html", None),
        ("#", None),
    ],
)
def test_news_path(href: str, expected: str | None) -> None:
    assert news_path(href) == expected


def test_date_from_news_path_reads_unpadded_days() -> None:
    assert date_from_news_path("/news/2007/06/7/index.md") == date(2007, 6, 7)
    assert date_from_news_path("/news/2007/02/30/x.md") is None
    assert date_from_news_path(None) is None
