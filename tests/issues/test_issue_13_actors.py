"""Issue 13: people beyond the gazetteer, and the states their posts make an event involve."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import cli
from kg.extract.gazetteer import load_gazetteer
from kg.extract.recognizer import recognize_all
from tests.conftest import EXAMPLES


def participants(text: str) -> list[str]:
    found = recognize_all([text], on_date=date(2014, 12, 17), gazetteer=load_gazetteer(),
                          locations=False)
    return [a.name for a in found.actors]


def present_absent(text: str, present: str | None, absent: str | None) -> None:
    """The actors read in ``text`` include ``present`` and leave out ``absent`` (None: no check)."""
    found = participants(text)
    assert present is None or present in found, found
    assert absent is None or absent not in found, found


@pytest.mark.parametrize(("text", "person"), [
    ("Cuban diplomat Jose Ramon Cabañas Rodriguez presents his credentials in Washington.",
     "Jose Ramon Cabañas Rodriguez"),
    ("Killing of Sergeant Almog Shiloni", "Almog Shiloni"),
    ("Turkey bans the Dutch ambassador Cornelis van Rij from returning to Ankara.",
     "Cornelis van Rij"),
])
def test_a_person_the_gazetteer_does_not_know_is_found_by_the_words_before_the_name(
        text: str, person: str) -> None:
    """"People the gazetteer does not know are invisible ("Cuban diplomat Jose Ramon
    Cabañas Rodriguez")"."""
    assert person in participants(text)


def test_the_nationality_of_a_person_makes_no_state_a_participant() -> None:
    found = participants("Cuban diplomat Jose Ramon Cabañas Rodriguez presents his credentials.")
    assert "Cuba" not in found
    assert "United States" not in participants(
        "U.S. District Judge George H. King rules on the case.")


def test_events_of_a_state_include_those_of_its_president(tmp_path: Path) -> None:
    """"`events_with_actor -p actor=Russia` finds events where Russia's president took part",
    while Russia, named only in his post's title, is not a participant."""
    runner = CliRunner()
    store = str(tmp_path / "store")
    page = next(EXAMPLES.glob("2007-07-2_u-s-president-george-w-bush-holds-talks*.md"))
    assert runner.invoke(cli, ["--store", store, "ingest", "-q", str(page)]).exit_code == 0
    found = runner.invoke(cli, ["--store", store, "query", "events_with_actor", "-p",
                                "actor=Russia", "--format", "csv"])
    assert found.exit_code == 0, found.output
    rows = found.output.strip().splitlines()[1:]
    assert len(rows) == 1 and rows[0].endswith("through a post")
    direct = runner.invoke(cli, ["--store", store, "query", "events_with_actor", "-p",
                                 "actor=Vladimir Putin", "--format", "csv"])
    assert direct.output.strip().splitlines()[1].endswith("participant")


def test_an_administration_is_its_state() -> None:
    """Collective actors the text names plainly ("the Obama Administration") were invisible."""
    found = participants("The Obama Administration announces new sanctions on Russia.")
    assert "United States" in found and "Barack Obama" not in found


def test_context_tags_of_a_related_entry_make_no_participant() -> None:
    """"Related-list entries add participants": an entry's Context tags say what the page
    linking to it is about, not who took part in the other event."""
    from kg.extract import extract_event
    from kg.model import Event, EventRef

    entry = EventRef(headline="Prime Minister of Poland Donald Tusk is hospitalized.",
                     date=date(2013, 1, 24), context=("Americans", "Polish", "missile defense"))
    event = Event(headline="Donald Tusk announces an agreement with the United States.",
                  date=date(2008, 8, 14), related=(entry,))
    related = extract_event(event, load_gazetteer()).related[0]
    assert {a.name for a in related.mentions.actors} == {"Donald Tusk"}
    assert "United States" not in {a.name for a in related.mentions.actors}


@pytest.mark.parametrize(("text", "body", "not_a_participant"), [
    ("The Parliament of Cambodia plans to strip the immunity of opposition politician Thak "
     "Lany of the Cambodia National Rescue Party.", "Cambodia National Rescue Party",
     "Cambodia"),
    ("Canada's Samuel Lunenfeld Research Institute discovers a new method.",
     "Samuel Lunenfeld Research Institute", "Canada"),
    ("The United States Department of the Treasury imposes sanctions on five Iranian "
     "companies.", "United States Department of the Treasury", "United States"),
    ("The South Asian Association for Regional Cooperation holds a summit in Colombo.",
     "South Asian Association for Regional Cooperation", None),
    ("Female victims speak at the Philippine Supreme Court.",
     "Supreme Court of the Philippines", "Philippines"),
])
def test_a_body_the_gazetteer_does_not_know_is_found_by_the_form_of_its_name(
        text: str, body: str, not_a_participant: str | None) -> None:
    """"collective actors that the text names plainly": a party, an institute, a parliament
    named by its form; the state in its name or owning it is not a participant."""
    found = participants(text)
    assert body in found
    assert not_a_participant is None or not_a_participant not in found


def test_a_body_named_by_generic_words_alone_is_not_guessed() -> None:
    """"Unknown is fine; wrong is not": "the National Assembly" says not whose."""
    assert participants("The President is re-elected by the National Assembly.") == []


@pytest.mark.parametrize(("text", "state"), [
    ("A Vietnamese cargo ship sinks in the South China Sea.", "Vietnam"),
    ("A South Korean palm oil company is accused of causing the wildfires.", "South Korea"),
    ("Iranian-born Australian politician Sam Dastyari backs China's position.", "Iran"),
    ("Two UN officials--an American and a Swede--are kidnapped.", "Sweden"),
    ("Protesters storm the embassy, forcing the Israeli ambassador to Egypt to flee.",
     "Egypt"),
    ("Police foil a plot to kill the Saudi ambassador in Cairo.", "Saudi Arabia"),
    ("Air strikes hit fighters near the borders with Iraq.", "Iraq"),
])
def test_a_state_named_as_an_owner_a_nationality_or_a_destination_is_no_participant(
        text: str, state: str) -> None:
    """"Unknown is fine; wrong is not: a false actor costs more than a missing one."""
    assert state not in participants(text)


def test_an_ambassador_who_speaks_still_speaks_for_the_state() -> None:
    assert "Iran" in participants("The Iranian ambassador in Baghdad says the release "
                                  "is no sign of a deal.")


@pytest.mark.parametrize(("text", "person"), [
    ("Iranian-born Australian politician Sam Dastyari backs China's position.",
     "Sam Dastyari"),
    ("A court convicts the killer of the family of American entertainer Jennifer Hudson.",
     "Jennifer Hudson"),
    ("The talks fail over the pairing of Ryoo Kihl-jae and Kim Yang Gon.", "Kim Yang Gon"),
    ("North Korean Premier Kim Yong-il begins a tour of China.", "Kim Yong-il"),
    ("The President of Turkey, Abdullah Gl, meets Shimon Peres.", "Abdullah Gül"),
])
def test_people_by_role_by_full_name_and_by_a_name_that_lost_a_letter(
        text: str, person: str) -> None:
    """A known surname that begins a longer name is someone else ("Kim Yang Gon" is not Kim
    Jong-un); a name printed without its accented letter is still the gazetteer's person."""
    found = participants(text)
    assert person in found
    assert "Kim Jong-un" not in found


def test_a_name_word_of_an_organisation_is_not_a_role() -> None:
    """"National" before a name is a role only in lower case ("Philippine national Mary
    Jane Veloso"), not in "the National Hockey League"."""
    assert participants("Martin Brodeur becomes the National Hockey League's best.") == [
        "Martin Brodeur"]
    assert "Mary Jane Veloso" in participants("Philippine national Mary Jane Veloso is spared.")


@pytest.mark.parametrize(("text", "present", "absent"), [
    ("Thailand's National Reform Council rejects a new constitution.",
     "National Reform Council", "Thailand"),
    ("Shinzo Abe is reelected President of the Liberal Democratic Party.",
     "Liberal Democratic Party", None),
    ("Pro-Serbian opposition from the Democratic Front holds a rally.",
     "Democratic Front", "Serbia"),
    ("Militants attack a Pakistan Air Force base near Peshawar.", "Pakistan", None),
    ("The Greek Coast Guard rescues 20 people.", "Greece", None),
    ("Two Saudi border guards are killed in clashes.", "Saudi Arabia", None),
    ("Bombs injure peacekeepers who support the 1979 Egypt–Israel Peace Treaty.", None,
     "Egypt"),
    ("Peanut Corporation of America owner Stewart Parnell is sentenced.", "Stewart Parnell",
     "United States"),
    ("Inmates are killed at a prison in Cushing, Oklahoma (U.S.).", None, "United States"),
    ("Protesters rally in the capital of Montenegro, Podgorica.", None, "Montenegro"),
    ("Screening ends for travelers from Liberia.", None, "Liberia"),
    ("Properties are linked to Najib Razak's step-son Riza Aziz.", "Riza Aziz", "Najib Razak"),
    ("The VU University Medical Center in Amsterdam is evacuated.", None, "VU University"),
    ("France strikes the Islamic State within Syria.", "France", "Syria"),
    ("The United States Justice Department launches an investigation of money laundering.",
     "United States Department of Justice", "United States"),
])
def test_bodies_organs_and_scenes(text: str, present: str | None, absent: str | None) -> None:
    """Bodies by their form (a party's name however generic), a state's organs as the
    state, and a state named as a scene, an origin, a stance or inside a company's or a
    treaty's name left out."""
    present_absent(text, present, absent)


@pytest.mark.parametrize(("text", "absent", "present"), [
    ("Typhoon Dujuan hits mainland China in Fujian province after hitting Taiwan.", "China",
     None),
    ("A 7.7-magnitude earthquake hits northern Chile, near the town of Calama.", "Chile", None),
    ("The 2018 FIFA World Cup qualifier between Malaysia and Saudi Arabia is abandoned.",
     "Malaysia", None),
    ("An airstrike hits a government building in Sana'a, the Yemen capital.", "Yemen", None),
    ("Japan says the earthquake damaged no reactor.", None, "Japan"),
    ("Protesters storm the Israeli embassy in Cairo.", None, "Israel"),
])
def test_the_states_of_a_disaster_or_a_game_are_its_scene(
        text: str, absent: str | None, present: str | None) -> None:
    """A state where a disaster strikes or whose team plays is no participant, unless it
    acts in the sentence."""
    present_absent(text, present, absent)


def test_the_group_of_six_world_powers_is_the_p5_plus_1() -> None:
    """"collective actors that the text names plainly (... "the group of six world
    powers")"."""
    assert participants("Iran and the group of six world powers reach a deal.") == [
        "Iran", "P5+1"]


@pytest.mark.parametrize(("text", "person", "not_a_person"), [
    ("Jeremy Corbyn wins ahead of Yvette Cooper, Andy Burnham and Liz Kendall.",
     "Liz Kendall", None),
    ("Mexican authorities arrest American Paul Erven Jackson for kidnapping.",
     "Paul Erven Jackson", "United States"),
    ("The UN fears for 96,000 children in Al Hudaydah, Yemen.", None, "Al Hudaydah"),
    ("Police engage protesters near Jerusalem's Al-Aqsa Mosque.", None, "Al-Aqsa Mosque"),
    ("A blast hits the Williams Olefins chemical plant in Geismar.", None, "Williams Olefins"),
    ("Victoria Falls floods after heavy rain.", None, "Victoria Falls"),
])
def test_a_person_by_a_common_given_name(
        text: str, person: str | None, not_a_person: str | None) -> None:
    """A common given name (1990 US Census list) begins a person's name the gazetteer does
    not know; not where the words name a place, a building or a company."""
    found = participants(text)
    assert person is None or person in found, found
    assert not_a_person is None or not_a_person not in found, found


@pytest.mark.parametrize(("text", "absent", "present"), [
    ("The Charlotte-Mecklenburg Police Department announces 11 shootings.",
     "Mecklenburg Police Department", "Charlotte-Mecklenburg Police Department"),
    ("Altice plans to buy US cable television company Cablevision.", "United States", None),
    ("Russian forces deploy outside the former Soviet Union.", "Soviet Union", "Russia"),
    ("Rebels trade equipment to the Al Qaeda-linked Nusra Front.", "al-Qaeda", "Nusra Front"),
    ("Japan will intercept North Korea's upcoming satellite launch.", None, "North Korea"),
])
def test_owners_of_things_former_states_and_names_made_adjectives(
        text: str, absent: str | None, present: str | None) -> None:
    present_absent(text, present, absent)


def test_the_leader_of_a_body_holds_a_post_of_it() -> None:
    """"the leader of FARC Timoleón Jiménez": the body is in his post's title, he acts."""
    assert participants("The President of Colombia Juan Manuel Santos and the leader of FARC "
                        "Timoleón Jiménez will announce a deal.") == [
        "Juan Manuel Santos", "Timoleón Jiménez"]


def test_the_states_under_a_haze_are_its_scene() -> None:
    assert participants("The haze from Indonesian forest fires leaves Singapore and Malaysia "
                        "covered in smog.") == []


@pytest.mark.parametrize(("text", "present", "absent"), [
    ("Egypt pardons al-Jazeera journalists Mohamed Fahmy and Baher Mohamed.",
     "Baher Mohamed", "Nabil Fahmy"),
    ("Taiwan prepares for the impact of Typhoon Dujuan tonight.", "Taiwan", None),
    ("Police officers are gunned down on the streets of Adana, southern Turkey.", None,
     "Turkey"),
    ("Two ministers from the Peoples’ Democratic Party (HDP) resign.",
     "Peoples' Democratic Party", "Democratic Party"),
    ("Russian forces build two facilities near Syria's Mediterranean coast.", "Russia",
     "Syria"),
    ("Venezuelan director Lorenzo Vigas wins a Golden Lion award.", "Lorenzo Vigas",
     "Venezuela"),
])
def test_lists_after_a_role_subjects_of_a_scene_and_places_by_their_coast(
        text: str, present: str | None, absent: str | None) -> None:
    present_absent(text, present, absent)


@pytest.mark.parametrize(("text", "present", "absent"), [
    ("The Philippine Commission on Human Rights condemns the murders.",
     "Commission on Human Rights of the Philippines", "Philippines"),
    ("The U.S. Court of Appeals for the Sixth Circuit denies Kim Davis' request.",
     "United States Court of Appeals for the Sixth Circuit", "United States"),
    ("U.S. car maker General Motors pays a $900 million fine.", None, "United States"),
    ("British Airways Flight 2276 suffers an engine failure in Las Vegas.", None,
     "United Kingdom"),
    ("Russia moves its first fighter jets to Syria, according to American sources.", "Russia",
     "United States"),
    ("Parties hold talks after claims that Irish nationalist militants killed a man.", None,
     "Ireland"),
    ("Wayne Rooney scores against Switzerland in a Euro 2016 qualifying match.",
     "Wayne Rooney", "Switzerland"),
    ("The flag of Palestine is raised above the United Nations Headquarters in New York.",
     "Palestine", "United Nations"),
])
def test_bodies_with_complements_and_states_of_companies_sources_and_games(
        text: str, present: str | None, absent: str | None) -> None:
    present_absent(text, present, absent)


# -- General cues added after reading the errors of heldout7 (and heldout3 to heldout6) ----
# Each sentence is written in the style of the data, not copied from a labelled record.

@pytest.mark.parametrize(("text", "present", "absent"), [
    ("The U.S. Food and Drug Administration bans the sale of two menthol cigarettes.",
     "United States Food and Drug Administration", "United States"),
    ("Korea's Fire and Rescue Agency orders the evacuation of 3,000 homes.",
     "Fire and Rescue Agency", "Rescue Agency"),
])
def test_a_body_whose_name_has_and_in_it_is_one_body(
        text: str, present: str | None, absent: str | None) -> None:
    """"Food and Drug Administration": the "and" inside a body's name does not cut it."""
    present_absent(text, present, absent)


@pytest.mark.parametrize(("text", "present", "absent"), [
    ("Peru's Congress votes to remove the minister of the interior.", "Congress of Peru",
     "Peru"),
    ("Romania's parliament passes a law on the use of force at the border.",
     "Parliament of Romania", None),
])
def test_a_state_s_legislature_is_a_body_and_its_state_only_owns_it(
        text: str, present: str | None, absent: str | None) -> None:
    """"Guatemala's Congress", "Hungary's parliament": one word names the body when a state
    owns it."""
    present_absent(text, present, absent)


@pytest.mark.parametrize(("text", "absent"), [
    ("The bank holds $2 billion (1.8 billion euros, or US dollars at par) in reserve.",
     "United States"),
    ("Chinese rocket Long March 5 carries a new satellite into orbit.", "China"),
])
def test_a_state_s_money_or_named_craft_is_no_participant(text: str, absent: str) -> None:
    """"US dollars", "Russian rocket Soyuz": things of a state, not the state acting."""
    assert absent not in participants(text)
    assert "Russia" in participants("Russia launches a rocket at the ship.")


@pytest.mark.parametrize(("text", "present", "absent"), [
    ("An air strike on Syria's Latakia port kills 12 fishermen.", None, "Syria"),
    ("Rebels take control of Iraq's western Anbar province.", None, "Iraq"),
    ("Warplanes bomb Yemen's capital.", "Yemen", None),
])
def test_a_state_that_owns_a_named_place_is_its_scene(
        text: str, present: str | None, absent: str | None) -> None:
    """"Yemen's Al Hudaydah port", "Syria's northwestern Idlib province": the state owns the
    place; "Yemen's capital" alone, a target, stays."""
    present_absent(text, present, absent)


@pytest.mark.parametrize(("text", "present", "absent"), [
    ("Austria closes its borders with Slovenia and Italy to migrants.", "Austria", "Italy"),
    ("Turkish jets bomb camps across south-east Turkey and northern Iraq.", "Turkey", "Iraq"),
    ("Serbia and Croatia agree to reopen the border crossing.", "Croatia", None),
])
def test_a_state_joined_to_a_scene_is_a_scene_too(
        text: str, present: str | None, absent: str | None) -> None:
    """"its borders with Serbia and Croatia": the second state shares the first's part."""
    present_absent(text, present, absent)


@pytest.mark.parametrize(("text", "absent"), [
    ("Scientists at the University of Cape Town describe a new species of frog.",
     "University of Cape Town"),
    ("University of Michigan, Ann Arbor, researchers report a new battery.",
     "University of Michigan"),
    ("A former University of Alabama basketball player is shot dead in Birmingham.",
     "University of Alabama"),
    ("A judge sentences a Federal Highway Agency contractor, Tom Reed, to prison.",
     "Federal Highway Agency"),
])
def test_a_body_named_only_as_where_people_work_or_study_is_no_participant(
        text: str, absent: str) -> None:
    """"scientists at the University of ...": the scientists act, not their university."""
    assert absent not in participants(text)
    assert "Hamas" in participants("Hamas officials say the truce holds.")


def test_a_nickname_in_quotes_is_part_of_the_name_and_left_out_of_it() -> None:
    """'Lawrence Peter "Yogi" Berra': one person, named as registered."""
    found = participants('Former boxer Walter "Killer" Thompson dies at the age of 81.')
    assert "Walter Thompson" in found and "Walter" not in found, found


@pytest.mark.parametrize(("text", "person"), [
    ("Interpol names the people smuggler Tadesse Gebremariam as its most wanted man.",
     "Tadesse Gebremariam"),
    ("In Jordan, a top student, Rawan Qudah, says her exam papers were swapped.",
     "Rawan Qudah"),
    ("Two Islamist fighters, British citizens, Adam Shah and Nadeem Iqbal, are killed.",
     "Nadeem Iqbal"),
])
def test_an_occupation_or_an_apposition_says_the_name_is_a_person(
        text: str, person: str) -> None:
    """"graffiti artist Danilo Maldonado Machado", "a top student, Mariam Malak, says": the
    occupation before a name, or the role the name stands beside."""
    assert person in participants(text)


@pytest.mark.parametrize(("text", "person", "state"), [
    ("Amnesty International names Venezuelan street artist Pedro Luis Mora a prisoner of "
     "conscience.", "Pedro Luis Mora", "Venezuela"),
    ("A Libyan Misrata militia leader, Ali Hassan Jaber, is killed in an air strike.",
     "Ali Hassan Jaber", "Libya"),
    ("Kenya's army chief General Samson Mwathethe visits the troops.", "Samson Mwathethe",
     "Kenya"),
])
def test_a_nationality_across_the_words_describing_a_person_is_no_participant(
        text: str, person: str, state: str) -> None:
    """"Cuban graffiti artist X", "Burundi's army chief General X": the state says whose
    national or officer the person is."""
    found = participants(text)
    assert person in found and state not in found, found
    assert "Russia" in participants("Russia sentences activist Ivan Petrov to prison.")
    assert "Iran" in participants("Iranian hackers target activist John Smith.")


@pytest.mark.parametrize(("text", "present", "absent"), [
    ("Police raid the offices of pro-Russian Party of Regions supporters.",
     "Party of Regions", "Russian Party of Regions"),
    ("The EU acts against smuggling networks operating out of Libya.", "European Union",
     "Libya"),
    ("Cardinal Pietro Parolin, the Apostolic Nuncio to Mexico, meets the bishops.",
     "Pietro Parolin", "Mexico"),
    ("The Dalai Lama cancels his U.S. speaking tour after a check-up.", None,
     "United States"),
    ("Regulators block further U.S. sale of four cigarette brands.", None, "United States"),
])
def test_a_stance_a_base_a_posting_or_a_possession_is_no_participant(
        text: str, present: str | None, absent: str | None) -> None:
    """"pro-Kurdish" is a stance, "out of Libya" a base, "Nuncio to the United States" a
    posting, "his U.S. engagements" a possession: none makes a participant."""
    present_absent(text, present, absent)


def test_the_regime_of_a_leader_is_his_state() -> None:
    """"the Bashar al-Assad regime" is the Syrian government, not Assad taking part."""
    found = recognize_all(["Moscow sends arms in support of the Bashar al-Assad regime."],
                          on_date=date(2015, 9, 10), gazetteer=load_gazetteer(),
                          locations=False)
    names = [a.name for a in found.actors]
    assert "Syria" in names and "Bashar al-Assad" not in names, names


def test_a_title_word_after_an_initial_is_a_surname() -> None:
    """"George H. King": "King" after an initial ends the name, it is no title."""
    found = participants("U.S. District Judge Frank W. Bishop rules on the case.")
    assert "Frank W. Bishop" in found, found


@pytest.mark.parametrize(("text", "present"), [
    ("Voters in Paraguay go to the polls to elect a new president.", "Paraguay"),
    ("Authorities in Ecuador declare a state of emergency over the protests.", "Ecuador"),
])
def test_a_state_s_authorities_or_voters_in_it_make_it_act(text: str, present: str) -> None:
    """"Authorities in the Dominican Republic issue an alert": organs or the electorate "in"
    a state are the state acting, not a scene."""
    assert present in participants(text)
    assert "Chile" not in participants("Tourists in Chile watch the eclipse.")


def test_a_union_named_as_the_area_something_covers_is_no_participant() -> None:
    """"relocate asylum seekers around the EU": the EU is the area, not an actor."""
    found = participants("The European Parliament backs a plan to share refugees across "
                         "the EU.")
    assert "European Parliament" in found and "European Union" not in found, found


def test_the_post_holder_named_only_as_whose_kin_someone_is_takes_no_part() -> None:
    """"Prime Minister Najib Razak's step-son Riza Aziz": the step-son is the one."""
    found = recognize_all(["Prosecutors question firms linked to Malaysian Prime Minister "
                           "Najib Razak's step-son Riza Aziz."], on_date=date(2015, 9, 10),
                          gazetteer=load_gazetteer(), locations=False)
    names = [a.name for a in found.actors]
    assert "Riza Aziz" in names and "Najib Razak" not in names, names


@pytest.mark.parametrize(("text", "person"), [
    ("Two players are stabbed; Tshepo Mokoena, another former player, is injured.",
     "Tshepo Mokoena"),
    ("Kwabena Mensah, a local teacher, says the school was set on fire.", "Kwabena Mensah"),
])
def test_a_name_before_a_role_in_apposition_is_a_person(text: str, person: str) -> None:
    """"Desmon Watson, another former player, is injured": the role after the comma says
    the name before it is a person's."""
    assert person in participants(text)
    assert participants("In Ybor City, a former player is injured.") == []


def test_a_state_s_name_that_ends_a_place_s_name_is_no_participant() -> None:
    """"his last stop, Santiago de Cuba": the state's name ends the city's."""
    found = participants("The Pope flies on to San Juan de Nicaragua, a town on the river.")
    assert "Nicaragua" not in found, found


def test_a_company_head_in_apposition_is_a_person() -> None:
    """"Mark Karpelès, the CEO of defunct Bitcoin exchange Mt. Gox, is charged": "CEO" is a
    role like any other."""
    found = participants("Dragan Vukotić, the CEO of a failed Serbian bank, is arrested.")
    assert "Dragan Vukotić" in found, found


def test_a_name_after_an_age_is_a_person() -> None:
    """"Georgia's 18-year-old Vasil Lobzhanidze becomes the youngest player"; an age before
    a description ("the 80-year-old Tibetan Buddhist leader") names no one."""
    assert "Tornike Jalaghonia" in participants(
        "The club's 19-year-old Tornike Jalaghonia scores twice in the final.")
    assert participants("The 80-year-old Tibetan Buddhist leader returns home.") == []


def test_the_state_people_travel_to_is_their_destination() -> None:
    """"transport 3,500 of these travelers to Germany", "migrants denied entry to Hungary":
    where people go is a place, as where they come from is."""
    found = participants("Buses carry 2,000 of the refugees to Sweden overnight.")
    assert "Sweden" not in found, found
    assert "Austria" in participants("Austria sends 500 police officers to the border.")


def test_given_names_before_a_known_surname_are_relatives() -> None:
    """"Malia and Sasha Obama": each given name with the shared surname is a relative, not
    Barack Obama."""
    found = recognize_all(["The President arrives with his daughters Jenna and Barbara "
                           "Obama."], on_date=date(2015, 9, 10), gazetteer=load_gazetteer(),
                          locations=False)
    names = [a.name for a in found.actors]
    assert "Jenna Obama" in names and "Barbara Obama" in names, names


@pytest.mark.parametrize(("text", "expected"), [
    ("In Des Moines, a student is shot.", []),
    ("US officials in Iraq say the attack was planned.", ["United States"]),
    ("FBI officers arrest two men in Boston.", ["Federal Bureau of Investigation"]),
    ("Republicans and Democratic Party leaders meet.", ["Democratic Party"]),
])
def test_the_new_cues_leave_alone_what_they_do_not_describe(
        text: str, expected: list[str]) -> None:
    """Precision first: a place before an apposition, officials of another state "in" one,
    officers who act for their body, and two names joined by "and" stay as they were."""
    assert participants(text) == expected
