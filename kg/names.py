"""The key a name is looked up by: its words, however they were cased, accented or spelt.

The mapper writes it as ``dip:nameKey`` on every actor, post, place, topic and outlet (one per
label and alias), and a named query's ``name`` parameter is bound to it, so that a lookup by
name is an index lookup in the store instead of a scan of every label.
"""

from __future__ import annotations

import re

from kg.iri import event_key

_WORD = re.compile(r"[^\W_]+")


def name_key(name: str) -> str:
    """The lookup key of a name: "Recep Tayyip Erdoğan", "recep tayyip ERDOGAN" and
    " Recep  Tayyip Erdogan " all give "recep tayyip erdogan"."""
    # The folding of a headline's identity (kg.iri.event_key): entities decoded, Unicode forms,
    # accents and case folded, apostrophes inside words dropped, other punctuation separating
    # words. One folding for both, so that a name and a headline that spell it meet.
    return event_key(name)


def name_words(text: str) -> list[str]:
    """The words of a text as its key spells them ("U.S. President" -> ["u", "s", "president"]);
    none for a text of punctuation alone."""
    return _WORD.findall(name_key(text))
