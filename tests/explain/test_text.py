import textwrap

from hypothesis import given, settings
from hypothesis import strategies as st

from decision.decide import decide
from explain import explain, fragments, text
from explain.text import fill


def test_welding_mask_explanation_names_blocks_routes_and_receipt(registry, welding_case):
    text = " ".join(decide(welding_case, registry)["explanation"].split())
    for needle in ("Faillissementswet art. 297 lid 2 onderdeel a", "Geen bijzondere bijstand boven 110%",
                   "Faillissementswet art. 295 lid 1", "Budget Maatwerkondersteuning", "Participatiewet art. 16 lid 1",
                   "vrij te laten bedrag", "ten hoogste € 1.505,97", "geen wettelijke termijn",
                   "14,94 keer", "Snelste route die op tijd kan: Budget Maatwerkondersteuning"):
        assert needle in text, needle


def test_amounts_are_never_split_over_two_lines(registry, welding_case):
    text = decide(welding_case, registry)["explanation"]
    assert not any(line.rstrip().endswith("€") for line in text.splitlines())


def test_missing_facts_become_questions(registry, welding_case):
    del welding_case["income"]
    text = decide(welding_case, registry)["explanation"]
    assert "Nog uit te zoeken" in text
    assert "Wat is het netto maandinkomen van het huishouden" in text


def test_english_and_markdown(registry, welding_case):
    d = decide(welding_case, registry, "en")
    assert "Fastest route in time" in d["explanation"]
    md = explain(d, "en", "markdown")
    assert md.startswith("# Justification for case zaanstad-lasmasker")
    assert "\n## Cash gift: blocked.\n" in md
    tree = explain(d, "en", "json")
    assert {n["kind"] for n in tree} >= {"title", "option", "section"}


WORDS = ["a", "bb", "lid", "onderdeel", "€\u00a01.505,97", "art.\u00a016", "e-mail", "x" * 40, "y" * 97, "z" * 120,
         " ", "  ", "\n", "\t", "\u00a0", "\u2009", "\x85", "\x1c"]


@settings(max_examples=1500)
@given(st.lists(st.sampled_from(WORDS), max_size=60), st.sampled_from([" ", ""]),
       st.sampled_from([("", ""), ("- ", "  "), ("    - ", "      "), ("  ", "    ")]), st.sampled_from([100, 40]))
def test_fill_is_textwrap_fill_byte_for_byte(words, joiner, indents, width):
    text = joiner.join(words)
    assert fill(text, width, *indents) == textwrap.fill(text, width=width, initial_indent=indents[0],
                                                        subsequent_indent=indents[1], break_on_hyphens=False)


def test_the_same_fragment_at_two_depths():
    heading = fragments.line(0, "section", "Kop")
    stream = [(0, "title", "T"), heading, (1, "detail", "onder de kop"),
              (0, "option", "Optie"), fragments.line(1, "section", "Kop"), (2, "detail", "onder de kop in de optie")]
    shared = fragments.fragment(("test-depth", 1), lambda: [(1, "section", "Kop")])
    assert text.render(stream) == "T\n=\n\nKop\n  onder de kop\n\nOptie\n\n  Kop\n    onder de kop in de optie\n"
    assert text.render([(0, "option", "Optie"), shared, (2, "detail", "x")]) == "Optie\n\n  Kop\n    x\n"
    assert text.render([shared, (2, "detail", "x")], width=100) == "Kop\n  x\n"


def test_a_wsnp_without_its_start_date_is_not_said_to_start_on_onbekend(registry, welding_case):
    """The form may leave the start of the Wsnp open; no sentence then reads "zit sinds onbekend in de Wsnp"."""
    del welding_case["debts"]["since"]
    text = decide(welding_case, registry)["explanation"]
    assert "De aanvrager zit in de Wsnp." in text and "sinds onbekend" not in text
