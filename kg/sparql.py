"""SPARQL text read as tokens, before any parser sees it.

Strings and comments are skipped, IRIs, variables, prefixed names, keywords and braces
come out with the brace depth they stand at. Enough to find a query's form, its WHERE
group or the graphs an update names; the store's parser still decides what is valid.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_TOKENS = re.compile(
    r"""
    (?P<skip>
        \#[^\n]*
      | \"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
      | '''(?:[^'\\]|\\.|'(?!''))*'''
      | "(?:[^"\\\n\r]|\\.)*"
      | '(?:[^'\\\n\r]|\\.)*'
    )
    | (?P<var>[?$][\w\u00B7\u00C0-\uFFFF]+)
    | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
    | (?P<open>\{)
    | (?P<close>\})
    | (?P<semi>;)
    | (?P<pname>(?:[A-Za-z\u00C0-\uFFFF][\w\-.\u00B7\u00C0-\uFFFF]*)?
        :[\w\-.:%\\\u00B7\u00C0-\uFFFF]*)
    | (?P<word>[A-Za-z_][\w]*)
    | (?P<other>\S)
    """,
    re.VERBOSE | re.DOTALL,
)
QUERY_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")


@dataclass(frozen=True)
class Token:
    """One token: its kind (var, iri, open, close, semi, pname, word, other) and place."""

    kind: str
    text: str
    start: int
    end: int
    depth: int  # the brace depth it stands at (an opening brace: the depth outside it)

    def is_word(self, *words: str) -> bool:
        """Whether this is one of ``words`` (keywords are case-insensitive)."""
        return self.kind == "word" and self.text.upper() in words


def tokens(text: str) -> list[Token]:
    """The tokens of a SPARQL text; strings and comments are left out."""
    found: list[Token] = []
    depth = 0
    for match in _TOKENS.finditer(text):
        kind = match.lastgroup or "other"
        if kind == "skip":
            continue
        value = match.group()
        if kind == "pname" and value.endswith(".") and not value.endswith(":."):
            # A prefixed name cannot end with a dot: that dot ends the triple.
            stripped = value.rstrip(".")
            found.append(Token(kind, stripped, match.start(), match.start() + len(stripped), depth))
            continue
        if kind == "close":
            depth = max(depth - 1, 0)
        found.append(Token(kind, value, match.start(), match.end(), depth))
        if kind == "open":
            depth += 1
    return found
