"""The amounts in the explanation: the text, the Markdown and the onderbouwing show each amount with its steps
and articles (Dutch by default, English on request), and say why an amount is not known."""
from __future__ import annotations

from decision.decide import decide
from engine.yamlsource import load_file
from explain import explain, onderbouwing
from tests.conftest import CASES


def _decision(registry, name: str, lang: str = "nl", **changes) -> dict:
    case = dict(load_file(CASES / f"{name}.yaml"))
    case.update(changes)
    return decide(case, registry, lang)


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_text_shows_the_amount_then_each_step_with_its_article(registry):
    d = _decision(registry, "maastricht-alleenstaande-ouder")
    text = _flat(d["explanation"])
    # 21.a per 1-1-2025: € 1.345,45; a single parent has the same norm (law-facts §2.1)
    assert "Bedragen (hoe ze zijn berekend) - Algemene bijstand per maand (de norm min het inkomen dat meetelt): € 1.345,45." in text
    assert "Bijstandsnorm zonder kostendelers (art. 20, 21 en 22): € 1.345,45 (Participatiewet art. 21)." in text
    assert "Bijstandsnorm alleenstaande of alleenstaande ouder, 21 jaar tot AOW-leeftijd: € 1.345,45 (Participatiewet art. 21 onderdeel a)" in text
    # the case's own facts are in the JSON (a choice in words) and on the page; the text names the figures
    norm = next(s for a in d["amounts"] for s in a["steps"] if s["fact"] == "participatiewet.basisnorm")
    assert {"name": "household.composition", "kind": "fact", "title": "de samenstelling van het huishouden",
            "value": "single_parent", "value_label": "alleenstaande ouder"} in norm["inputs"]
    assert "de samenstelling van het huishouden: alleenstaande ouder" not in text
    assert text.index("Bijstandsnorm zonder kostendelers") < text.index("Toepasselijke bijstandsnorm")


def test_markdown_lists_the_steps(registry):
    md = explain(_decision(registry, "utrecht-jongere-zoektermijn"), "nl", "markdown")
    assert "## Bedragen (hoe ze zijn berekend)" in md
    assert "- Algemene bijstand per maand (de norm min het inkomen dat meetelt): € 1.401,50 (bij: Algemene bijstand)." in md
    assert "  - Toepasselijke bijstandsnorm" in md


def test_unknown_amount_in_the_text_says_why(registry):
    text = _flat(_decision(registry, "zaanstad-onvolledig")["explanation"])
    assert "Bijzondere bijstand na aftrek van de draagkracht: niet te berekenen" in text
    assert "Niet bekend: het netto maandinkomen van het huishouden." in text
    assert "Niet bekend (open norm): Draagkrachtperiode" in text


def test_onderbouwing_has_one_short_paragraph_of_amounts(registry):
    d = _decision(registry, "groningen-zzp-start")
    text = onderbouwing.render(d, "nl")
    paragraph = next(p for p in text.split("\n\n") if p.startswith("Bedragen"))
    # 25% of € 400 = € 100 left free; 1.369,06 - (400 - 100) = € 1.069,06 (law-facts §2.1, §2.3)
    assert "Vrij te laten bedrag per maand bij de verwachte bijverdiensten: € 100,00" in paragraph
    assert "Algemene bijstand per maand naast de verwachte bijverdiensten: € 1.069,06, uit:" in paragraph
    assert "Bijstandsnorm zonder kostendelers € 1.369,06 (Participatiewet art. 21)" in paragraph
    assert "\n" not in paragraph


def test_english_on_request(registry):
    d = _decision(registry, "utrecht-jongere-zoektermijn", lang="en")
    text = _flat(d["explanation"])
    assert "Amounts (how they were computed) - General assistance per month (the norm minus the income that counts): €1,401.50" in text
    assert "Bedragen" not in text
    assert "Amounts (how they were computed): General assistance per month: €1,401.50, from:" in onderbouwing.render(d, "en")
