"""The casebook's free text (team, signal) holds no person's name: what looks like one is refused."""
from __future__ import annotations

import pytest

from casebook.names import looks_like_name

TEAMS = ["Team Noord", "Schuldhulp Zaanstad", "wijkteam-oost", "Wijkteam De Pijp", "Sociaal wijkteam Bos en Lommer",
         "WIJ Groningen", "Team Inkomen 2", "Schuldhulpverlening Den Haag", "Buurtteam Oost", "team-utrecht",
         "Wijkteam St. Pieter", "Team Maas en Waal", "Zaanstad-Noord wijkteam", "Team Post-Zuid", "Sint-Jan team",
         "Team Werk & Inkomen", "Jongerenloket Maastricht", "Klantmanagers Noord-Oost"]
SIGNALS = ["systeemprobleem: voorschot komt te laat", "systeemprobleem: de lange wachttijd bij de jonge aanvrager",
           "meneer zegt dat het te laat is", "mevrouw kon de lening niet krijgen door de Wsnp",
           "systeemprobleem: werkgever mag het werkmiddel niet voorschieten tijdens de schuldsanering",
           "De bewindvoerder reageert niet binnen 14 dagen", "Art. 16 duurt langer dan de werkgever wacht"]
NAMES = ["Jan de Vries", "Team Jan", "mevrouw Jansen kon niet", "Dhr. El Amrani", "J. de Vries", "A.B. Bakker",
         "fam. Yilmaz", "Fatima", "klant Mohamed heeft schulden", "Piet Bakker", "de heer Visser", "Mw. de Boer",
         "Team van den Berg", "mevr. Bos", "Wijkteam Noord (Kees)", "systeemprobleem bij Yilmaz",
         "St. Pieter en Jan de Vries", "M. Yilmaz-Kaya"]


@pytest.mark.parametrize("text", TEAMS + SIGNALS)
def test_team_names_and_plain_signals_pass(text):
    assert not looks_like_name(text)


@pytest.mark.parametrize("text", NAMES)
def test_what_names_a_person_is_caught(text):
    assert looks_like_name(text)
