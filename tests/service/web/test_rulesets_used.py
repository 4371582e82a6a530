"""'Gebruikte regelsets' in plain Dutch: the name of the law or policy and the date of its version; the
rule-set ids and digests are there for whoever checks them, folded away."""
from __future__ import annotations

import re
from html import unescape

from tests.service.web.test_site import welding_form


def words(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def test_the_rule_sets_are_named_in_plain_dutch_with_the_technical_detail_folded_away(client):
    page = client.post("/toets", data=welding_form()).text
    section = re.search(r'<section class="rulesets-used".*?</section>', page, re.S)[0]
    technical = re.search(r'<details class="technical">.*?</details>', section, re.S)
    assert technical, "the technical detail is not folded away"
    shown = words(section.replace(technical[0], ""))
    assert "Participatiewet, versie van 1 juli 2025" in shown
    assert "Beleid gemeente Zaanstad (werk en inkomen), versie van 1 juli 2025" in shown
    assert "Wsnp (Faillissementswet, titel III), versie van 1 juli 2025" in shown
    assert "sha256" not in shown and "2025-07-01" not in shown and "beslagvrije_voet" not in shown
    folded = words(technical[0])
    assert folded.startswith("Technische gegevens")
    assert "participatiewet 2025-07-01 sha256:" in folded and "zaanstad 2025-07-01 sha256:" in folded


def test_in_english(client):
    page = client.post("/toets?lang=en", data=welding_form()).text
    section = words(re.search(r'<section class="rulesets-used".*?</section>', page, re.S)[0])
    assert "Participatiewet, version of 1 July 2025" in section and "Technical details" in section
