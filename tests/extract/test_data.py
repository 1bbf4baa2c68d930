"""The shipped gazetteer's data: well-formed QIDs, resolvable references, full coverage."""

from __future__ import annotations

import re
from collections import Counter
from itertools import pairwise

from kg.extract import Gazetteer

UN_MEMBERS = frozenset({
    'Afghanistan', 'Albania', 'Algeria', 'Andorra', 'Angola', 'Antigua and Barbuda', 'Argentina',
    'Armenia', 'Australia', 'Austria', 'Azerbaijan', 'Bahamas', 'Bahrain', 'Bangladesh',
    'Barbados', 'Belarus', 'Belgium', 'Belize', 'Benin', 'Bhutan', 'Bolivia',
    'Bosnia and Herzegovina', 'Botswana', 'Brazil', 'Brunei', 'Bulgaria', 'Burkina Faso',
    'Burundi', 'Cambodia', 'Cameroon', 'Canada', 'Cape Verde', 'Central African Republic', 'Chad',
    'Chile', 'China', 'Colombia', 'Comoros', 'Costa Rica', 'Croatia', 'Cuba', 'Cyprus',
    'Czech Republic', 'Democratic Republic of the Congo', 'Denmark', 'Djibouti', 'Dominica',
    'Dominican Republic', 'East Timor', 'Ecuador', 'Egypt', 'El Salvador', 'Equatorial Guinea',
    'Eritrea', 'Estonia', 'Eswatini', 'Ethiopia', 'Federated States of Micronesia', 'Fiji',
    'Finland', 'France', 'Gabon', 'Gambia', 'Georgia', 'Germany', 'Ghana', 'Greece', 'Grenada',
    'Guatemala', 'Guinea', 'Guinea-Bissau', 'Guyana', 'Haiti', 'Honduras', 'Hungary', 'Iceland',
    'India', 'Indonesia', 'Iran', 'Iraq', 'Ireland', 'Israel', 'Italy', 'Ivory Coast', 'Jamaica',
    'Japan', 'Jordan', 'Kazakhstan', 'Kenya', 'Kiribati', 'Kuwait', 'Kyrgyzstan', 'Laos',
    'Latvia', 'Lebanon', 'Lesotho', 'Liberia', 'Libya', 'Liechtenstein', 'Lithuania',
    'Luxembourg', 'Madagascar', 'Malawi', 'Malaysia', 'Maldives', 'Mali', 'Malta',
    'Marshall Islands', 'Mauritania', 'Mauritius', 'Mexico', 'Moldova', 'Monaco', 'Mongolia',
    'Montenegro', 'Morocco', 'Mozambique', 'Myanmar', 'Namibia', 'Nauru', 'Nepal', 'Netherlands',
    'New Zealand', 'Nicaragua', 'Niger', 'Nigeria', 'North Korea', 'North Macedonia', 'Norway',
    'Oman', 'Pakistan', 'Palau', 'Panama', 'Papua New Guinea', 'Paraguay', 'Peru', 'Philippines',
    'Poland', 'Portugal', 'Qatar', 'Republic of the Congo', 'Romania', 'Russia', 'Rwanda',
    'Saint Kitts and Nevis', 'Saint Lucia', 'Saint Vincent and the Grenadines', 'Samoa',
    'San Marino', 'Saudi Arabia', 'Senegal', 'Serbia', 'Seychelles', 'Sierra Leone', 'Singapore',
    'Slovakia', 'Slovenia', 'Solomon Islands', 'Somalia', 'South Africa', 'South Korea',
    'South Sudan', 'Spain', 'Sri Lanka', 'Sudan', 'Suriname', 'Sweden', 'Switzerland', 'Syria',
    'São Tomé and Príncipe', 'Tajikistan', 'Tanzania', 'Thailand', 'Togo', 'Tonga',
    'Trinidad and Tobago', 'Tunisia', 'Turkey', 'Turkmenistan', 'Tuvalu', 'Uganda', 'Ukraine',
    'United Arab Emirates', 'United Kingdom', 'United States', 'Uruguay', 'Uzbekistan', 'Vanuatu',
    'Venezuela', 'Vietnam', 'Yemen', 'Zambia', 'Zimbabwe',
})
OBSERVERS_AND_OTHERS = {"Palestine", "Holy See", "Taiwan", "Kosovo"}
# Organisations and posts the extractors are expected to know by name.
REQUIRED = {
    "organization": {
        "United Nations", "United Nations Security Council", "United Nations General Assembly",
        "NATO", "European Union", "European Commission", "G7", "G8", "G20", "OPEC", "ASEAN",
        "Asia-Pacific Economic Cooperation", "African Union", "Arab League",
        "Gulf Cooperation Council", "Organization for Security and Co-operation in Europe",
        "World Health Organization", "International Atomic Energy Agency",
        "International Monetary Fund", "World Bank", "World Trade Organization", "Interpol",
        "International Criminal Court", "International Court of Justice", "Council of Europe",
        "Shanghai Cooperation Organisation", "BRICS", "Commonwealth of Nations",
        "Organization of American States", "International Committee of the Red Cross",
        "UNICEF", "UNHCR", "Hamas", "Hezbollah", "Fatah", "Taliban",
        "Islamic State of Iraq and the Levant", "al-Qaeda", "Palestinian Authority",
    },
    "person": {
        "Sergei Ryabkov", "Sergei Prikhodko", "Condoleezza Rice", "John Kerry",
        "Mohammad Javad Zarif", "Hu Jintao", "Li Keqiang", "Narendra Modi", "Nawaz Sharif",
        "Recep Tayyip Erdoğan", "Omar al-Bashir", "Robert Mugabe", "Erna Solberg",
        "John Howard", "Yun Byung-se", "Fumio Kishida", "Vincent Siew",
    },
    "post": {
        "President of the United States", "President of Russia", "President of China",
        "President of France", "President of Iran", "Prime Minister of the United Kingdom",
        "Prime Minister of Japan", "Prime Minister of India", "Prime Minister of Pakistan",
        "Prime Minister of Israel", "Prime Minister of Australia", "Prime Minister of Canada",
        "Prime Minister of Turkey", "Chancellor of Germany", "United States Secretary of State",
        "Minister of Foreign Affairs of Russia", "Minister of Foreign Affairs of China",
        "Minister of Foreign Affairs of Iran", "Foreign Secretary of the United Kingdom",
        "Secretary-General of the United Nations", "Secretary General of NATO",
        "Deputy Foreign Minister of Russia",
    },
}
# Well-known identifiers, checked by hand; a typo in the data shows up here.
KNOWN_QIDS = {
    "Vladimir Putin": "Q7747", "George W. Bush": "Q207", "Barack Obama": "Q76",
    "Dmitry Medvedev": "Q23530", "Condoleezza Rice": "Q47216", "Donald Trump": "Q22686",
    "United States": "Q30", "Russia": "Q159", "China": "Q148", "United Kingdom": "Q145",
    "France": "Q142", "Germany": "Q183", "Iran": "Q794", "Georgia": "Q230",
    "United Nations": "Q1065", "NATO": "Q7184", "European Union": "Q458",
    # Added with their sources named in CHANGELOG.md (issue 6).
    "International Atomic Energy Agency": "Q41984", "UNHCR": "Q132551", "G20": "Q19771",
    "Gulf Cooperation Council": "Q217172", "Park Geun-hye": "Q138048",
}


def test_every_qid_is_well_formed_and_unique(gazetteer: Gazetteer) -> None:
    qids = [entry.qid for entry in gazetteer if entry.qid is not None]
    assert all(re.fullmatch(r"Q[1-9][0-9]*", qid) for qid in qids)
    assert [qid for qid, count in Counter(qids).items() if count > 1] == []
    for name, qid in KNOWN_QIDS.items():
        assert gazetteer.get(name).qid == qid, name  # type: ignore[union-attr]


def test_references_resolve(gazetteer: Gazetteer) -> None:
    for entry in gazetteer.entries("post"):
        owner = gazetteer.get(entry.of or "")
        assert owner is not None and owner.kind in ("state", "organization"), entry.name
        assert entry.title, entry.name
        for tenure in entry.holders:
            holder = gazetteer.get(tenure.name)
            assert holder is not None and holder.kind == "person", (entry.name, tenure.name)
    for entry in gazetteer.entries("place"):
        assert entry.country is None or gazetteer.get(entry.country).kind == "state"  # type: ignore[union-attr]


def test_one_holder_at_a_time(gazetteer: Gazetteer) -> None:
    for entry in gazetteer.entries("post"):
        tenures = sorted(entry.holders, key=lambda t: t.start)
        for before, after in pairwise(tenures):
            assert before.end is not None and before.end <= after.start, (entry.name, after)


def test_states_cover_the_un_and_more(gazetteer: Gazetteer) -> None:
    states = {entry.name for entry in gazetteer.entries("state")}
    assert states >= UN_MEMBERS
    assert len(UN_MEMBERS) == 193
    assert states >= OBSERVERS_AND_OTHERS
    for name in UN_MEMBERS | OBSERVERS_AND_OTHERS:
        entry = gazetteer.get(name)
        assert entry is not None and entry.qid is not None, name
        assert entry.demonyms or name in {"Holy See", "Republic of the Congo", "Dominica"}, name
    us = gazetteer.get("United States")
    assert us is not None
    assert {"U.S.", "US", "USA", "America", "the United States"} <= set(us.aliases)
    assert {"American", "Americans"} <= set(us.demonyms)
    uk = gazetteer.get("United Kingdom")
    assert uk is not None and {"UK", "Britain"} <= set(uk.aliases)
    assert set(gazetteer.get("Taiwan").aliases) >= {"Republic of China"}  # type: ignore[union-attr]


def test_required_entries(gazetteer: Gazetteer) -> None:
    for kind, names in REQUIRED.items():
        known = {entry.name for entry in gazetteer.entries(kind)}
        assert names <= known, names - known
    assert len(gazetteer.entries("person")) >= 400


def test_no_alias_names_two_entries(gazetteer: Gazetteer) -> None:
    owners: dict[str, set[str]] = {}
    for entry in gazetteer:
        for alias in (*gazetteer.aliases_of(entry), *entry.demonyms):
            owners.setdefault(alias.casefold(), set()).add(entry.name)
    assert {alias: names for alias, names in owners.items() if len(names) > 1} == {}
