"""The onderbouwing on the decision page: the short form first, copied by the main button; the full form folded
away below it, with a button of its own (the independent page review found the onderbouwing too long to paste)."""
from __future__ import annotations

import re
from html import unescape

from service.cli.main import main
from tests.conftest import ROOT
from tests.service.web.test_site import welding_form


def test_the_main_button_copies_the_short_form_and_the_full_one_is_folded_with_its_own(client, registry):
    page = client.post("/toets", data=welding_form()).text
    main = re.search(r'<button type="button" class="primary js-only" data-copy="([^"]+)"', page)[1]
    assert main == "onderbouwing-kort"
    short = unescape(re.search(r'<div id="onderbouwing-kort"[^>]*>(.*?)</div>', page, re.S)[1])
    folded = re.search(r'<details class="full-explanation">(.*?)</details>', page, re.S)[1]
    assert 'data-copy="onderbouwing"' in folded
    full = unescape(re.search(r'<div id="onderbouwing"[^>]*>(.*?)</div>', folded, re.S)[1])
    assert short.startswith("Onderbouwing casus") and "Geadviseerde route: Budget Maatwerkondersteuning" in short
    assert "Onderbouwen:" in full and full.count("Onderbouwen:") > short.count("Onderbouwen:") == 1
    assert len(short) < 0.6 * len(full)


def test_the_page_gives_what_the_command_line_gives(client, capsys):
    """What the professional copies is what `regelruimte check --format onderbouwing-kort` prints."""
    page = client.post("/toets", data=welding_form()).text
    short = unescape(re.search(r'<div id="onderbouwing-kort"[^>]*>(.*?)</div>', page, re.S)[1])
    assert main(["check", str(ROOT / "examples" / "zaanstad-lasmasker.yaml"), "--format", "onderbouwing-kort"]) == 0
    printed = capsys.readouterr().out
    assert short.strip() == printed.strip()


def test_the_page_says_a_route_cannot_open_a_blocked_option(client):
    from tests.explain.test_stays_blocked import YOUNG_SELF_EMPLOYED
    from service.web.form import case_to_form
    page = client.post("/toets", data=case_to_form(YOUNG_SELF_EMPLOYED)).text
    notice = re.search(r'<p class="notice stays-blocked">(.*?)</p>', page, re.S)
    assert notice is not None
    assert " ".join(unescape(notice.group(1)).split()) == (
        "Let op: er is geen enkele route voor ‘Geen inkomstenvrijlating van art. 31 lid 2 onder n en r onder de 27 jaar’. Deze optie blijft dus "
        "geblokkeerd. Een route hieronder kan nog nodig zijn voor iets anders, maar opent deze optie niet.")


def test_a_block_that_waits_for_a_figure_of_the_rule_set_says_so_not_an_empty_list(client):
    """The page review found "Ontbreekt nog:" followed by nothing where a block waits only for a percentage the
    rule set lacks (Utrecht's income limit for the collective insurance): that is no question for the professional."""
    from service.web.form import case_to_form
    case = {"case_id": "cz-utrecht", "reference_date": "2026-03-02", "municipality": "utrecht",
            "household": {"composition": "single", "members": [{"role": "applicant", "age": 40}]},
            "income": [{"source": "wages", "net_monthly": "1500.00"}], "benefit": "none",
            "options": ["collective_insurance"]}
    page = client.post("/toets", data=case_to_form(case)).text
    block = re.search(r'<ul class="blocks possible">(.*?)</ul>', page, re.S)
    assert block is not None
    said = " ".join(unescape(re.sub(r"<[^>]+>", " ", block.group(1))).split())
    assert "Ontbreekt nog: <" not in block.group(1) and not re.search(r"Ontbreekt nog:\s*(</p>|$)", block.group(1))
    assert "Hangt ook af van een bedrag of percentage dat niet in de regelset staat" in said
