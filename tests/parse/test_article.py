"""Articles: the Markdown page (seed 001), the plain-text page (seed 002) and the fallback."""

from __future__ import annotations

from datetime import date

import pytest

from kg.model import Article, ParseError
from kg.parse.article import parse_article
from tests.parse.golden import GOLDEN_DIR


def _article(case: str) -> Article:
    text = (GOLDEN_DIR / case / "input.txt").read_text(encoding="utf-8")
    (article,) = parse_article(text, f"{case}/input.txt").articles
    return article


def test_markdown_article_header() -> None:
    article = _article("seed-001-article-markdown")
    assert article.title == "Putin, Bush to debate missile defence plans"
    assert article.line == 3
    assert article.byline == "Global Research"
    assert article.publisher_text == "Global Research"
    assert article.published == date(2008, 4, 5)
    assert article.regions == ("Russia and FSU", "USA")
    assert article.themes == ("Militarization and WMD",)


def test_markdown_article_dateline_and_agencies() -> None:
    article = _article("seed-001-article-markdown")
    assert article.dateline == "Sochi, Russia"
    assert article.agency_texts == ("AFP", "Associated Press")
    assert article.body.startswith(
        "President George W. Bush was to arrive in the Russian Black Sea"
    )


def test_markdown_article_footer_is_not_body() -> None:
    body = _article("seed-001-article-markdown").body
    assert body.endswith("at Kennebunkport in Maine in 2007, Prikhodko said.")
    for boilerplate in (
        "original source",
        "Copyright",
        "Disclaimer",
        "Facebook",
        "---",
        "fair use",
    ):
        assert boilerplate not in body


def test_markdown_article_keeps_quote_characters() -> None:
    body = _article("seed-001-article-markdown").body
    assert "“strategic framework”" in body
    assert "Putin’s residence" in body
    assert "the alliance's promise" in body


def test_plain_article_title_and_standfirst() -> None:
    article = _article("seed-002-article-plain")
    assert article.title == "Putin offers Bush new missile plan"
    assert article.line == 1
    assert article.published is None
    assert article.body.startswith("The US and Russian leaders seek to mend ties")


def test_plain_article_drops_captions_subheads_and_teasers() -> None:
    article = _article("seed-002-article-plain")
    for not_body in ("[AFP]", "fishing trips", "New bonhomie", "Sticking points", "SOURCE"):
        assert not_body not in article.body
    for teaser_word in ("Israel", "Yemeni", "India", "sex trade", "fertility"):
        assert teaser_word not in article.body
    assert article.body.endswith("to revive their relationship.")
    assert article.agency_texts == ("Agencies",)


def test_plain_article_keeps_quotes_intact() -> None:
    body = _article("seed-002-article-plain").body
    assert '"Do I trust him?" Bush said of Putin' in body
    assert '"very sincere" and "very innovative".' in body


def test_generic_plain_text_fallback() -> None:
    text = (
        "\n\nA short headline\n\nFirst paragraph of the story.\nStill the first.\n\nSecond one.\n"
    )
    (article,) = parse_article(text, "x.txt").articles
    assert article.title == "A short headline"
    assert article.line == 3
    assert article.body == "First paragraph of the story.\nStill the first.\n\nSecond one."


def test_wire_dateline_in_plain_text() -> None:
    text = "Talks resume\n\nUNITED NATIONS (AP) — Diplomats welcomed a shift.\n"
    (article,) = parse_article(text, "x.txt").articles
    assert article.dateline == "United Nations"
    assert article.agency_texts == ("AP",)
    assert article.body == "Diplomats welcomed a shift."


@pytest.mark.parametrize("text", ["", "   \n\n\t\n"])
def test_empty_article_is_an_error(text: str) -> None:
    with pytest.raises(ParseError, match="empty"):
        parse_article(text, "x.txt")


def test_markdown_heading_without_text_is_an_error() -> None:
    with pytest.raises(ParseError, match="empty title") as caught:
        parse_article("\n## **  **\n\nBody.\n", "x.md")
    assert caught.value.line == 2
