"""Recognising actors and posts in real sentences from the seeds and the development pages."""

from __future__ import annotations

from datetime import date

from kg.extract import Gazetteer, recognize
from kg.extract.recognizer import recognize_all
from kg.model import ActorKind, Mentions

SEED_HEADLINE = (
    "President of the United States George W. Bush and President of Russia Vladimir Putin "
    "meet to discuss missile defense."
)
SEED_DAY = date(2007, 6, 7)
ARTICLE_DAY = date(2008, 4, 5)


def names(found: Mentions) -> list[str]:
    return [actor.name for actor in found.actors]


def held(found: Mentions) -> dict[str, str | None]:
    return {post.name: post.holder.name if post.holder else None for post in found.posts}


def test_seed_headline_gives_persons_and_the_posts_they_hold(gazetteer: Gazetteer) -> None:
    found = recognize(SEED_HEADLINE, on_date=SEED_DAY, gazetteer=gazetteer)
    persons = {a.name: a.qid for a in found.actors if a.kind is ActorKind.PERSON}
    assert persons == {"George W. Bush": "Q207", "Vladimir Putin": "Q7747"}
    assert held(found) == {
        "President of the United States": "George W. Bush",
        "President of Russia": "Vladimir Putin",
    }
    posts = {p.name: p for p in found.posts}
    assert posts["President of Russia"].state is not None
    assert posts["President of Russia"].state.qid == "Q159"
    assert posts["President of the United States"].holder.qid == "Q207"  # type: ignore[union-attr]


def test_order_is_first_appearance(gazetteer: Gazetteer) -> None:
    found = recognize("Putin and Bush met in Sochi.", on_date=ARTICLE_DAY, gazetteer=gazetteer)
    assert names(found) == ["Vladimir Putin", "George W. Bush"]
    found = recognize("Bush and Putin met in Sochi.", on_date=ARTICLE_DAY, gazetteer=gazetteer)
    assert names(found) == ["George W. Bush", "Vladimir Putin"]
    assert [p.name for p in found.places] == ["Sochi"]


def test_a_post_alone_resolves_to_its_holder_on_the_day(gazetteer: Gazetteer) -> None:
    text = "The Russian President said the plan threatens Russia's security."
    on_2009 = recognize(text, on_date=date(2009, 1, 1), gazetteer=gazetteer)
    assert held(on_2009) == {"President of Russia": "Dmitry Medvedev"}
    assert "Dmitry Medvedev" in names(on_2009)
    on_2007 = recognize(text, on_date=SEED_DAY, gazetteer=gazetteer)
    assert held(on_2007) == {"President of Russia": "Vladimir Putin"}
    undated = recognize(text, on_date=None, gazetteer=gazetteer)
    assert held(undated) == {"President of Russia": None}
    assert names(undated) == ["Russia"]


def test_tenures_end_exclusive(gazetteer: Gazetteer) -> None:
    inauguration = date(2009, 1, 20)
    found = recognize("the U.S. President", on_date=inauguration, gazetteer=gazetteer)
    assert held(found) == {"President of the United States": "Barack Obama"}
    found = recognize("the U.S. President", on_date=date(2009, 1, 19), gazetteer=gazetteer)
    assert held(found) == {"President of the United States": "George W. Bush"}


def test_former_holder_is_not_the_one_in_office(gazetteer: Gazetteer) -> None:
    found = recognize("a former President of Russia said", on_date=date(2010, 1, 1),
                      gazetteer=gazetteer)
    assert held(found) == {"President of Russia": None}


def test_deputy_foreign_minister_sentence_from_the_article(gazetteer: Gazetteer) -> None:
    text = (
        "“the context of the Russia-NATO meeting changed,” Russian Deputy Foreign Minister "
        "Sergei Ryabkov was quoted by the daily as saying."
    )
    found = recognize(text, on_date=ARTICLE_DAY, gazetteer=gazetteer)
    assert held(found) == {"Deputy Foreign Minister of Russia": "Sergei Ryabkov"}
    assert "NATO" in names(found)
    post = found.posts[0]
    assert post.state is not None and post.state.name == "Russia"


def test_secretary_of_state_and_surnames_in_the_article(gazetteer: Gazetteer) -> None:
    text = (
        "Briefing reporters in Bucharest on Thursday, US Secretary of State Condoleezza Rice "
        "said Bush hoped Putin would acknowledge “the usefulness and the importance” of US "
        "moves to allay Russian worries about the missile plan."
    )
    found = recognize(text, on_date=ARTICLE_DAY, gazetteer=gazetteer)
    assert held(found) == {"United States Secretary of State": "Condoleezza Rice"}
    assert names(found) == [
        "Condoleezza Rice", "George W. Bush", "Vladimir Putin", "United States", "Russia",
    ]
    assert found.actors[0].qid == "Q47216"
    assert [p.name for p in found.places] == ["Bucharest"]


def test_adviser_to_a_person_in_office(gazetteer: Gazetteer) -> None:
    text = "Putin adviser Sergei Prikhodko raised hopes of a positive response from Putin"
    found = recognize(text, on_date=ARTICLE_DAY, gazetteer=gazetteer)
    assert names(found) == ["Vladimir Putin", "Sergei Prikhodko"]
    assert held(found) == {"Aide to the President of Russia": "Sergei Prikhodko"}


def test_title_before_an_unknown_name_makes_a_new_person(gazetteer: Gazetteer) -> None:
    text = "Zimbabwean Information Minister Sikhanyiso Ndlovu denied the report."
    found = recognize(text, on_date=ARTICLE_DAY, gazetteer=gazetteer)
    assert held(found) == {"Information Minister of Zimbabwe": "Sikhanyiso Ndlovu"}
    person = found.actors[0]
    assert (person.name, person.kind, person.qid) == ("Sikhanyiso Ndlovu", ActorKind.PERSON, None)
    assert found.posts[0].state is not None and found.posts[0].state.name == "Zimbabwe"


def test_title_of_state_before_an_unknown_name(gazetteer: Gazetteer) -> None:
    text = ("The Dutch prosecution says former Deputy Prime Minister of the Netherlands "
            "Els Borst was murdered.")
    found = recognize(text, on_date=date(2015, 9, 1), gazetteer=gazetteer)
    assert held(found) == {"Deputy Prime Minister of the Netherlands": "Els Borst"}


def test_post_then_person_not_in_office_yet_known(gazetteer: Gazetteer) -> None:
    text = ("Prime Minister of Norway Erna Solberg meets with Premier of the People's Republic "
            "of China Li Keqiang in Beijing")
    found = recognize(text, on_date=date(2017, 4, 7), gazetteer=gazetteer)
    assert held(found) == {"Prime Minister of Norway": "Erna Solberg",
                           "Premier of China": "Li Keqiang"}
    assert [p.name for p in found.places] == ["Beijing"]


def test_person_then_comma_then_post(gazetteer: Gazetteer) -> None:
    text = ('"The Herald", a government-run newspaper, reports that Robert Mugabe, the '
            "President of Zimbabwe, will not attend the regional crisis meeting in Lusaka, Zambia")
    found = recognize(text, on_date=date(2008, 4, 12), gazetteer=gazetteer)
    assert held(found) == {"President of Zimbabwe": "Robert Mugabe"}
    assert names(found) == ["Robert Mugabe", "Zambia"]


def test_bare_title_before_a_known_person(gazetteer: Gazetteer) -> None:
    text = ("South Korea announces that Foreign Minister Yun Byung-se will meet with Japanese "
            "Foreign Minister Fumio Kishida in Seoul Monday")
    found = recognize(text, on_date=date(2015, 12, 25), gazetteer=gazetteer)
    assert held(found) == {
        "Minister of Foreign Affairs of South Korea": "Yun Byung-se",
        "Minister for Foreign Affairs of Japan": "Fumio Kishida",
    }


def test_mangled_and_misspelt_names(gazetteer: Gazetteer) -> None:
    text = "China urges Turkish Prime Minister Tayyip Erdoaan to retract his comments."
    found = recognize(text, on_date=date(2009, 7, 14), gazetteer=gazetteer)
    assert held(found) == {"Prime Minister of Turkey": "Recep Tayyip Erdoğan"}
    assert found.actors[-1].qid == "Q39259"
    found = recognize("Barrack Obama spoke.", on_date=None, gazetteer=gazetteer)
    assert [(a.name, a.qid) for a in found.actors] == [("Barack Obama", "Q76")]


def test_first_words_of_a_longer_known_name(gazetteer: Gazetteer) -> None:
    text = "Guatemala's Congress votes to strip President Otto Pérez of immunity."
    found = recognize(text, on_date=date(2015, 9, 1), gazetteer=gazetteer)
    assert "Otto Pérez Molina" in names(found)
    assert "Otto Pérez" not in names(found)


def test_israel_in_the_teaser_headline(gazetteer: Gazetteer) -> None:
    found = recognize("The shocking story of Israel's disappeared babies", on_date=None,
                      gazetteer=gazetteer)
    assert [(a.name, a.kind) for a in found.actors] == [("Israel", ActorKind.STATE)]


def test_georgia_the_country_and_its_lookalikes(gazetteer: Gazetteer) -> None:
    text = ("NATO also told ex-Soviet states Ukraine and Georgia that they would be admitted "
            "in the future")
    found = recognize(text, on_date=ARTICLE_DAY, gazetteer=gazetteer)
    assert names(found) == ["NATO", "Ukraine", "Georgia"]
    assert found.actors[2].qid == "Q230"
    found = recognize("A storm hit Atlanta, Georgia, and Jordan Peterson spoke.",
                      on_date=None, gazetteer=gazetteer)
    assert names(found) == []
    found = recognize("Chad's president met the King of Jordan.", on_date=None,
                      gazetteer=gazetteer)
    assert names(found)[:1] == ["Chad"]
    assert "King of Jordan" in held(found)


def test_lower_case_us_is_not_the_united_states(gazetteer: Gazetteer) -> None:
    found = recognize("Let us know; it tells us nothing.", on_date=None, gazetteer=gazetteer)
    assert found == Mentions()
    found = recognize("US and Russian officials have said", on_date=None, gazetteer=gazetteer)
    assert names(found) == ["United States", "Russia"]


def test_demonyms_and_possessives(gazetteer: Gazetteer) -> None:
    text = ("Russian officials said Bush's plan worried the Iranians and Britain's Foreign "
            "Secretary.")
    found = recognize(text, on_date=ARTICLE_DAY, gazetteer=gazetteer)
    assert names(found)[:3] == ["Russia", "George W. Bush", "Iran"]
    assert held(found) == {"Foreign Secretary of the United Kingdom": "David Miliband"}


def test_surname_alone_is_ambiguous_without_a_date(gazetteer: Gazetteer) -> None:
    assert names(recognize("Bush said so.", on_date=None, gazetteer=gazetteer)) == []
    on_1990 = recognize("Bush said so.", on_date=date(1990, 1, 1), gazetteer=gazetteer)
    assert names(on_1990) == []  # no tenure of George H. W. Bush is listed
    with_full_name = recognize("George H. W. Bush arrived. Bush said so.", on_date=None,
                               gazetteer=gazetteer)
    assert names(with_full_name) == ["George H. W. Bush"]
    in_office = recognize("Bush said so.", on_date=SEED_DAY, gazetteer=gazetteer)
    assert names(in_office) == ["George W. Bush"]


def test_surnames_that_are_words_need_the_full_name(gazetteer: Gazetteer) -> None:
    text = "In May, Rice prices rose."
    assert recognize(text, on_date=date(2017, 1, 1), gazetteer=gazetteer) == Mentions()
    text = "Theresa May arrived. May said the talks went well."
    assert names(recognize(text, on_date=None, gazetteer=gazetteer)) == ["Theresa May"]


def test_headline_and_body_together(gazetteer: Gazetteer) -> None:
    found = recognize_all(
        ["Putin, Bush to debate missile defence plans",
         "President George W. Bush was to arrive in Sochi for talks with President Vladimir "
         "Putin."],
        on_date=None, gazetteer=gazetteer,
    )
    assert names(found) == ["Vladimir Putin", "George W. Bush"]


def test_acronyms_and_organisations(gazetteer: Gazetteer) -> None:
    text = ("The U.N. Security Council approves a third round of sanctions against Iran; "
            "the IAEA and the EU welcomed it.")
    found = recognize(text, on_date=date(2008, 3, 3), gazetteer=gazetteer)
    assert names(found) == [
        "United Nations Security Council", "Iran", "International Atomic Energy Agency",
        "European Union",
    ]


def test_capitals_in_a_dateline(gazetteer: Gazetteer) -> None:
    found = recognize("SOCHI, RUSSIA (AFP) — talks", on_date=None, gazetteer=gazetteer)
    assert names(found) == ["Russia"]
    assert [p.name for p in found.places] == ["Sochi"]


def test_blocked_phrases(gazetteer: Gazetteer) -> None:
    found = recognize("Latin American leaders and African Americans", on_date=None,
                      gazetteer=gazetteer)
    assert found == Mentions()


def test_a_comma_after_a_post_is_an_apposition_only_when_it_closes(gazetteer: Gazetteer) -> None:
    found = recognize("the President of Russia, Vladimir Putin, said", on_date=None,
                      gazetteer=gazetteer)
    assert held(found) == {"President of Russia": "Vladimir Putin"}
    found = recognize("He held talks with the President of Russia, Bush said.", on_date=SEED_DAY,
                      gazetteer=gazetteer)
    assert held(found) == {"President of Russia": "Vladimir Putin"}
    assert names(found) == ["Vladimir Putin", "George W. Bush"]


def test_an_undated_surname_resolves_by_the_tenures_of_its_neighbours(
    gazetteer: Gazetteer,
) -> None:
    """The Al Jazeera seed has no date: "Bush" beside Putin is George W. Bush, whose
    presidency overlapped Putin's, not his father."""
    text = ('"Do I trust him?" Bush said of Putin, standing alongside the Russian leader on the '
            'craggy Atlantic shoreline.')
    found = recognize(text, on_date=None, gazetteer=gazetteer)
    assert {"George W. Bush", "Vladimir Putin"} <= set(names(found))
    assert "George H. W. Bush" not in names(found)


def test_a_state_locating_a_city_is_no_participant(gazetteer: Gazetteer) -> None:
    headline = ("U.S. Secretary of State John Kerry meets in Vienna, Austria, with the foreign "
                "ministers of Turkey and Saudi Arabia.")
    found = recognize_all([headline], on_date=date(2015, 11, 13), gazetteer=gazetteer,
                          locations=False)
    assert {"John Kerry", "Turkey", "Saudi Arabia"} <= set(names(found))
    assert "Austria" not in names(found)
    assert "Vienna" in [p.name for p in found.places]
    # An article's mentions keep it.
    mentioned = recognize(headline, on_date=date(2015, 11, 13), gazetteer=gazetteer)
    assert "Austria" in names(mentioned)


def test_a_state_name_inside_another_name_or_a_currency_is_no_state(
    gazetteer: Gazetteer,
) -> None:
    day = date(2014, 11, 10)
    dos_santos = ("Isabel dos Santos has entered an auction for Portugal Telecom, bidding "
                  "against a France based company, Altice.")
    assert "Portugal" not in names(recognize(dos_santos, on_date=day, gazetteer=gazetteer))
    immelman = "Trevor Immelman has become the first South African to win the US Masters."
    assert "United States" not in names(recognize(immelman, on_date=day, gazetteer=gazetteer))
    fund = ("Shinzo Abe plans to create a fund containing over 100 million yen "
            "(US$831,200-GBP556,600) to help former South Korean comfort women.")
    assert "United States" not in names(recognize(fund, on_date=day, gazetteer=gazetteer))
    condor = "an Argentina court ruling on the Operation Condor conspiracy in South America"
    assert "United States" not in names(recognize(condor, on_date=day, gazetteer=gazetteer))


def test_datelines_and_located_towns_are_no_participants(gazetteer: Gazetteer) -> None:
    summary = ('UNITED NATIONS (AP) — U.S. and European diplomats welcomed a "significant '
               "shift\" in Iran's attitude at talks on Thursday.")
    found = recognize_all([summary], on_date=date(2013, 9, 27), gazetteer=gazetteer,
                          locations=False)
    assert "United Nations" not in names(found) and "Iran" in names(found)
    potiskum = ("A suicide bomber kills at least 47 students at a school assembly in the "
                "Nigerian town of Potiskum in Yobe state.")
    found = recognize_all([potiskum], on_date=date(2014, 11, 10), gazetteer=gazetteer,
                          locations=False)
    assert "Nigeria" not in names(found)


def test_places_the_gazetteer_lacks_are_told_by_their_form(gazetteer: Gazetteer) -> None:
    day = date(2015, 12, 25)
    found = recognize_all([
        "Ten policemen, including a commander, are killed by bomb blasts in Jalalabad and "
        "Logar Province.",
        "Greek and Turkish Cypriots open a crossing at Ledra Street, a main shopping street.",
        "Narendra Modi is met by Nawaz Sharif at Allama Iqbal International Airport in Lahore.",
        "A suicide bomber kills at least 47 students in the Nigerian town of Potiskum.",
        "Five people are hurt in Afghanistan's Nangarhar Province.",
    ], on_date=day, gazetteer=gazetteer)
    places = [p.name for p in found.places]
    for name in ("Logar Province", "Ledra Street", "Allama Iqbal International Airport",
                 "Potiskum", "Nangarhar Province", "Lahore"):
        assert name in places
    assert "Afghanistan's Nangarhar Province" not in places
    assert all(p.qid is None for p in found.places if p.name == "Logar Province")


def test_a_state_that_is_the_scene_or_a_nationality_is_no_participant(
    gazetteer: Gazetteer,
) -> None:
    """Real sentences from the development pages and the 2015-09 WikiTimes records."""
    def participants(text: str, day: date) -> list[str]:
        return names(recognize_all([text], on_date=day, gazetteer=gazetteer, locations=False))

    sep = date(2015, 9, 1)
    # "in (northern) State", "in State's Province": the scene.
    assert participants("The Turkish Air Force strikes 64 PKK targets in northern Iraq "
                        "reportedly killing up to 60 PKK militants.", sep) == [
        "Turkey", "Kurdistan Workers' Party"]
    assert "China" not in participants("One person is dead and fourteen missing after floods "
                                       "hit Huaping County in China's Yunnan province.", sep)
    assert "Japan" not in participants("The death toll from flooding in Japan caused by "
                                       "Tropical Storm Etau rises to seven.", sep)
    # "Yemen-based", "the Saudi-Yemeni border", "the Afghanistan-Tajikistan border".
    assert participants("Five Bahraini soldiers are killed on the Saudi-Yemeni border while "
                        "taking part in a military operation against Yemen-based Houthi "
                        "militants.", sep) == ["Bahrain", "Houthis"]
    assert participants("A 6.3-magnitude earthquake hit near the Afghanistan-Tajikistan "
                        "border.", date(2015, 12, 25)) == []
    # People of a nation, not its state.
    assert participants("Israeli police engage Palestinian protesters with tear gas near "
                        "Jerusalem's Al-Aqsa Mosque.", sep) == ["Israel"]
    assert participants("Greek and Turkish Cypriots open a crossing at Ledra Street.",
                        date(2008, 4, 3)) == []
    assert participants("At least 12 citizens of Oman are killed by Cyclone Gonu.",
                        date(2007, 6, 7)) == []


def test_a_state_in_a_discussion_or_in_its_own_affairs_takes_part(
    gazetteer: Gazetteer,
) -> None:
    found = recognize_all(
        ["United States President Barack Obama and Russian President Vladimir Putin discuss "
         "the uprising in Syria, Iran and trade at the summit."],
        on_date=date(2012, 6, 18), gazetteer=gazetteer, locations=False)
    assert "Syria" in names(found)
    found = recognize_all(
        ['U.S. and European diplomats welcomed a "significant shift" in Iran\'s attitude at '
         "talks on Thursday."], on_date=date(2013, 9, 27), gazetteer=gazetteer,
        locations=False)
    assert "Iran" in names(found)


def test_a_relative_of_an_office_holder_is_not_the_holder(gazetteer: Gazetteer) -> None:
    text = ("Isabel dos Santos, a billionaire and the eldest daughter of the President of "
            "Angola, has entered an auction for Portugal Telecom.")
    found = recognize_all([text], on_date=date(2014, 11, 10), gazetteer=gazetteer,
                          locations=False)
    assert "José Eduardo dos Santos" not in names(found)


def names_and_places(text: str, gazetteer: Gazetteer) -> tuple[list[str], list[str]]:
    found = recognize(text, on_date=date(2016, 5, 1), gazetteer=gazetteer)
    return [a.name for a in found.actors], [p.name for p in found.places]


def test_a_capital_that_acts_is_its_government(gazetteer: Gazetteer) -> None:
    # Sentences like those of the 2015-09 WikiTimes records (tests/data/wikitimes), and issue 6's.
    assert names_and_places("Tokyo will set up an aid fund of about 1 billion yen.",
                            gazetteer) == (["Japan"], [])
    assert names_and_places("Washington and Moscow fail to agree on missile defense.",
                            gazetteer) == (["United States", "Russia"], [])
    assert names_and_places("Moscow warns Washington over the shield.",
                            gazetteer) == (["Russia", "United States"], [])
    assert names_and_places("The United States holds talks with Pyongyang.",
                            gazetteer) == (["United States", "North Korea"], [])
    assert names_and_places("The Kremlin says the shield is a threat.", gazetteer) == (
        ["Russia"], [])


def test_a_capital_that_is_a_scene_is_the_city(gazetteer: Gazetteer) -> None:
    assert names_and_places(
        "Eurostar services between Paris and London are delayed by hundreds of migrants "
        "trying to board the trains at Calais.", gazetteer)[1] == ["Paris", "London"]
    assert names_and_places("Bush and Putin meet in Moscow.", gazetteer) == (
        ["George W. Bush", "Vladimir Putin"], ["Moscow"])
    assert names_and_places("A rally is held in Washington, D.C. against the war.",
                            gazetteer) == ([], ["Washington, D.C."])
    assert names_and_places("Obama speaks at the White House.", gazetteer)[1] == ["White House"]
