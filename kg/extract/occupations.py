"""Occupations: lower-case nouns that, right before a capitalised name, say it is a person's
("graffiti artist Danilo Maldonado Machado", "a top student, Mariam Malak", "migrant smuggler
Salah Al-Maskhout"). Read as roles by the matcher, in lower case only ("Coach" and "Artist"
begin names of things)."""

from __future__ import annotations

OCCUPATIONS = (
    "artist", "artists", "painter", "sculptor", "novelist", "writer", "poet", "author",
    "filmmaker", "photographer", "musician", "rapper", "composer", "comedian", "student",
    "students", "teacher", "schoolgirl", "schoolboy", "smuggler", "trafficker", "catcher",
    "pitcher", "coach", "manager", "athlete", "runner", "cyclist", "boxer", "wrestler",
    "swimmer", "tennis player", "economist", "entrepreneur", "billionaire", "tycoon",
    "banker", "hacker", "whistleblower", "nurse", "surgeon", "priest", "pastor",
    "missionary", "aid worker", "blogger", "scholar", "historian", "philosopher",
    "businessmen", "reporter", "reporters", "photojournalist", "producer", "designer",
    "mountaineer", "chef", "model", "inventor", "researcher", "physicist", "commander",
    "citizen", "citizens", "CEO", "chief executive", "founder", "co-founder",
)
