"""The onderbouwing for the client file: pastes cleanly, each route once, plain words."""
from __future__ import annotations

import re

from decision.decide import decide, fact_labels
from explain import onderbouwing


def render(registry, case, **kw):
    decision = decide(case, registry)
    return decision, onderbouwing.render(decision, "nl", fact_labels(registry, "nl"), **kw)


def test_plain_paragraphs_without_hard_wraps_or_underlines(registry, welding_case):
    _, text = render(registry, welding_case)
    assert text.startswith("Onderbouwing casus zaanstad-lasmasker\n\n")
    assert "===" not in text and "\n\n\n" not in text
    for paragraph in text.strip().split("\n\n"):
        assert "\n" not in paragraph and not paragraph.startswith(("-", " "))
    # about two A4 pages of plain text (the CLI's text was 11,835 characters); 9,000 before the amounts (ADR 0015),
    # the advice first, 9,700 before the marked readings and the Wsnp term's steps (5 December); the short form
    # (below) is what fits a text field
    assert len(text) < 10_000


def test_each_route_once_with_the_options_it_serves(registry, welding_case):
    decision, text = render(registry, welding_case)
    text = text.split("\n\nPer optie:", 1)[1]  # (the advice above names the fastest route too)
    routes = {r["route"]: r["title"] for o in decision["options"] for r in o["routes"]}
    served = {rid: [o["title"] for o in decision["options"] if any(r["route"] == rid for r in o["routes"])]
              for rid in routes}
    for rid, title in routes.items():
        assert text.count(f"{title} (") == 1, title
        options = served[rid]
        said = ", ".join(options[:-1]) + " en " + options[-1] if len(options) > 1 else options[0]
        assert f"voor {said}:" in text, title


def test_a_power_is_said_as_one_and_never_granted(registry, welding_case):
    _, text = render(registry, welding_case)
    assert "Het college van B&W mag dit toestaan, maar hoeft het niet" in text
    assert "discretionair" not in text and "gebonden beoordeling" not in text
    assert "moet dit toestaan als aan de voorwaarden is voldaan, volgens een uitleg van de wet" in text  # 35 on the VTLB


def test_per_option_not_one_verdict(registry, welding_case):
    decision, text = render(registry, welding_case)
    assert "Uitkomst:" not in text
    for o in decision["options"]:
        assert f"{o['title']}: " in text


def test_questions_and_unknown_figures_are_said_apart(registry, welding_case):
    _, text = render(registry, welding_case, questions=["Hoe oud is de partner?"],
                     figures=["Drempel bijzondere bijstand (bedrag)"])
    assert "Nog uit te zoeken: Hoe oud is de partner?" in text
    assert "Niet bekend in deze regelset (geen vraag aan u" in text and "Drempel bijzondere bijstand" in text


def test_the_cli_text_is_unchanged_by_it(registry, welding_case):
    decision = decide(welding_case, registry)
    assert decision["explanation"].splitlines()[1].startswith("=")  # the CLI keeps its own layout


def test_only_the_rule_sets_it_cites_are_named(registry, welding_case):
    """The welding mask touches the Participatiewet, the Wsnp and Zaanstad; debt help and tax remission are
    checked (the decision keeps their digests) but say nothing, so the client file does not name them."""
    decision, text = render(registry, welding_case)
    assert {r["id"] for r in decision["rulesets"]} >= {"schuldhulpverlening", "kwijtschelding"}
    last = text.strip().split("\n\n")[-1]
    assert last.startswith("Gebruikte regelsets: participatiewet ")
    assert "wsnp" in last and "zaanstad" in last
    assert "schuldhulpverlening" not in last and "kwijtschelding" not in last


def test_a_ground_that_may_apply_is_not_what_it_rests_on(registry):
    from tests.explain.test_lines import SEIZURE
    decision, text = render(registry, SEIZURE)
    grounds = decision["options"][0]["grounds"]
    conditional = next(g["title"] for g in grounds if g["status"] == "conditional")
    applying = next(g["title"] for g in grounds if g["status"] == "applies")
    rests_on, may_apply = text.split("Waarop het rust:", 1)[1].split(
        "Wat ook kan gelden, afhankelijk van wat nog uitgezocht moet worden:", 1)
    assert applying in rests_on and conditional not in rests_on
    assert conditional in may_apply.split("\n", 1)[0]


def test_the_conclusion_comes_first(registry, welding_case):
    """What a professional pastes opens with the route to take, who decides and how fast (the verdict is per option)."""
    _, text = render(registry, welding_case)
    paragraphs = text.split("\n\n")
    assert paragraphs[1] == "Peildatum 15 september 2025, gemeente Zaanstad."
    assert paragraphs[2] == ("Snelste route die op tijd kan: Budget Maatwerkondersteuning, rechtstreeks betaald aan de "
                             "leverancier (het sociaal wijkteam, ca. 1 dag).")


def test_a_duty_read_from_the_law_is_said_as_a_reading(registry, welding_case):
    """A route that is not discretionary but rests on an interpretation is no entitlement in the client file."""
    decision, text = render(registry, welding_case)
    read = [r for o in decision["options"] for r in o["routes"]
            if not r["discretionary"] and r["confidence"] == "assessment"]
    assert read  # art. 35 on the vrij te laten bedrag
    for r in read:
        said = text[text.index(f"{r['title']} (", text.index("Per optie:")):]
        paragraph = said.split("\n\n")[0]
        assert ("Het college van B&W moet dit toestaan als aan de voorwaarden is voldaan, volgens een uitleg van de "
                "wet.") in paragraph and "voldaan." not in paragraph


def test_a_power_read_from_the_law_is_said_as_a_reading(registry, welding_case):
    """A discretionary route that rests on an interpretation (the administrator's consent to the advance) keeps
    that mark in the client file, as it does on the page and in the CLI text."""
    decision, text = render(registry, welding_case)
    read = [r for o in decision["options"] for r in o["routes"]
            if r["discretionary"] and r["confidence"] == "assessment"]
    assert read
    body = text[text.index("Routes die een blokkade kunnen opheffen:"):]
    for r in read:
        paragraph = body[body.index(f"{r['title']} ("):].split("\n\n")[0]
        assert "mag dit toestaan (volgens een uitleg van de wet), maar hoeft het niet;" in paragraph
    literal = next(r for o in decision["options"] for r in o["routes"]
                   if r["discretionary"] and r["confidence"] != "assessment")  # art. 16: the law's own power
    paragraph = body[body.index(f"{literal['title']} ("):].split("\n\n")[0]
    assert "uitleg" not in paragraph


# -- the brief form (`--format onderbouwing-kort`): what fits a client file's text field ---------------------------

def brief(registry, case, lang="nl"):
    decision = decide(case, registry, lang)
    full = onderbouwing.render(decision, lang, fact_labels(registry, lang))
    return decision, full, onderbouwing.render(decision, lang, fact_labels(registry, lang), brief=True)


def test_brief_is_about_half_and_pastes_cleanly(registry, welding_case):
    _, full, text = brief(registry, welding_case)
    assert len(text.split()) < 0.55 * len(full.split())
    for paragraph in text.strip().split("\n\n"):
        assert "\n" not in paragraph
    assert text.split("\n\n")[2].startswith("Snelste route die op tijd kan: Budget Maatwerkondersteuning")


def test_brief_names_every_option_and_every_rule_in_its_way_but_not_the_reasons(registry, welding_case):
    decision, _, text = brief(registry, welding_case)
    for o in decision["options"]:
        paragraph = next(p for p in text.split("\n\n") if p.startswith(f"{o['title']}: "))
        for b in o["blocked_by"]:
            assert f"{b['title']} (" in paragraph
            assert b["reason"].rstrip(".") not in text  # the reasons are in the full text
    # what would have to change stays: it is short and it is what the professional can act on
    assert "zou ten hoogste € 1.505,97 moeten zijn (nu € 1.720,00)" in text


def test_brief_gives_the_advised_route_in_full_and_every_other_usable_route_once(registry, welding_case):
    decision, _, text = brief(registry, welding_case)
    body = text.split("\n\nPer optie:", 1)[1]
    advised = next(p for p in body.split("\n\n") if p.startswith("Geadviseerde route: "))
    assert "Budget Maatwerkondersteuning" in advised and "Onderbouwen:" in advised and "Bewijs:" in advised
    routes = {r["route"]: r for o in decision["options"] for r in o["routes"]}
    assert len(routes) > 2
    for r in routes.values():
        assert body.count(f"{r['title']} (") == (0 if r["status"] == "unavailable" else 1), r["title"]
    others = next(p for p in body.split("\n\n") if p.startswith("Andere routes: "))
    assert "Onderbouwen:" not in others


def test_brief_says_a_power_as_a_power_and_keeps_readings_and_unverified_lead_times_marked(registry, welding_case):
    decision, _, text = brief(registry, welding_case)
    others = next(p for p in text.split("\n\n") if p.startswith("Andere routes: "))
    sentences = {r["title"]: re.split(r"\. (?=[A-Z])", others[others.index(f"{r['title']} ("):], 1)[0]
                 for o in decision["options"] for r in o["routes"] if f"{r['title']} (" in others}
    for o in decision["options"]:
        for r in o["routes"]:
            said = sentences.get(r["title"])
            if said is None:
                continue
            assert ("mag, maar hoeft niet" in said) == r["discretionary"], r["title"]
            assert ("moet, als aan de voorwaarden is voldaan" in said) == (not r["discretionary"]), r["title"]
            assert ("een uitleg van de wet" in said) == (r["confidence"] == "assessment"), r["title"]
            if r.get("lead_time_days") is not None:
                assert ("niet geverifieerd)" in said) == (r.get("lead_time_verified", True) is False), r["title"]
    # art. 16: about 42 days from practice where the help is needed within 14: uncertain, never "te laat" (D-27)
    art16 = sentences["Bijstand in afwijking van de wet wegens zeer dringende redenen"]
    assert "ca. 42 dagen, onzeker voor 14 dagen (de doorlooptijd uit de praktijk is langer, niet geverifieerd)" in art16
    assert "te laat" not in others


def test_brief_in_english(registry, welding_case):
    _, full, text = brief(registry, welding_case, "en")
    assert text.startswith("Justification for case zaanstad-lasmasker")
    assert "Other routes: " in text and "may, but need not" in text and "Advised route: " in text
    assert "In de weg" not in text and len(text.split()) < 0.55 * len(full.split())


def test_brief_without_an_advised_route_lists_the_routes_once(registry):
    """No deadline-proof route to advise: the usable routes are listed, none written out in full."""
    from tests.explain.test_lines import SEIZURE
    decision, _, text = brief(registry, SEIZURE)
    assert "Geadviseerde route" not in text and "Andere routes" not in text
    usable = [r for o in decision["options"] for r in o["routes"] if r["status"] != "unavailable"]
    assert usable  # art. 60 lid 6: giving the information asked for
    listed = next(p for p in text.split("\n\n") if p.startswith("Routes die een blokkade kunnen opheffen: "))
    assert all(f"{r['title']} (" in listed for r in usable) and "Onderbouwen:" not in listed


def test_a_power_to_refuse_that_may_hold_is_said_as_the_college_s_power(registry):
    """Art. 36 lid 1 at 67 in 2028 (AOW age 67 jaar en 3 maanden, not known whether reached): the power block may
    hold. It is said as what the college may refuse, apart from the blocks that may stand in the way (D-64)."""
    case = {"case_id": "iit", "reference_date": "2028-03-01", "municipality": "utrecht", "benefit": "bijstand",
            "household": {"composition": "single", "members": [{"role": "applicant", "age": 67}], "children": [],
                          "cost_sharers": 0},
            "income": [{"source": "bijstand", "net_monthly": "1419.46"}], "assets": "0.00", "debts": {"regime": "none"},
            "need": {"kind": "income_support"}, "options": ["income_supplement"],
            "circumstances": {"income_prospects": False, "iit_last_12_months": False, "low_income_years": 6}}
    _, text = render(registry, case)
    power = "De individuele inkomenstoeslag is een bevoegdheid van het college, geen recht (Participatiewet art. 36 lid 1)"
    assert f"Wat het college misschien mag weigeren (een bevoegdheid, geen verbod), afhankelijk van wat nog uitgezocht " \
           f"moet worden: {power}." in text
    may_block = text.split("Wat in de weg kan staan", 1)[1].split(".", 1)[0]
    assert "bevoegdheid van het college" not in may_block
    _, _, short = brief(registry, case)
    assert f"Het college mag misschien weigeren (een bevoegdheid; nog uit te zoeken): {power}." in short
