"""Overlays change a rule set from a date and are checked like a rule set (file and line)."""
import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from engine.errors import RegelruimteError, RulesetError
from tests.conftest import RULESETS
from whatif.overlay import load_overlay, load_with, overlay_from_text, parameter_overlay
from whatif.scenario import Ref, baseline, parse_ref, reform

EXAMPLES = Path(__file__).resolve().parents[2] / "whatif" / "examples"
DAY = dt.date(2025, 9, 15)


def write(tmp_path, text: str) -> Path:
    path = tmp_path / "overlay.yaml"
    path.write_text(text)
    return path


HEADER = """overlay:
  title: Test overlay
  ruleset: zaanstad
  from: 2026-01-01
"""


def test_the_example_raises_the_limit_from_its_date_and_keeps_the_old_version_before_it():
    registry = load_with(RULESETS, load_overlay(EXAMPLES / "zaanstad-120.yaml"))
    versions = registry.rulesets["zaanstad"].versions
    # the overlay adds a version from 2026-01-01; the version before it now ends the day before
    assert (versions[-1].version, versions[-1].valid_to) == ("2026-01-01", None)
    assert versions[-2].valid_to == dt.date(2025, 12, 31)
    old, new = versions[-2], versions[-1]
    assert old.parameters["percentage_inkomensgrens"].value == Decimal("1.10")
    assert new.parameters["percentage_inkomensgrens"].value == Decimal("1.20")
    # only the words of the rule changed; its condition and source are inherited
    assert new.rules["zaanstad.bb.inkomensgrens"].rule.title.endswith("120% van de bijstandsnorm")
    assert new.rules["zaanstad.bb.inkomensgrens"].rule.when == old.rules["zaanstad.bb.inkomensgrens"].rule.when
    assert new.digest != old.digest
    assert registry.bundle("zaanstad", dt.date(2026, 3, 1)).params["zaanstad.percentage_inkomensgrens"] == Decimal("1.20")
    assert registry.bundle("zaanstad", DAY).params["zaanstad.percentage_inkomensgrens"] == Decimal("1.10")


def test_a_new_route_for_another_municipality_is_compiled_and_lifts_by_tag():
    registry = load_with(RULESETS, load_overlay(EXAMPLES / "amsterdam-maatwerkbudget.yaml"))
    bundle = registry.bundle("amsterdam", dt.date(2026, 1, 1))
    assert "amsterdam.maatwerkbudget" in [r.id for r in bundle.routes_for_block["amsterdam.bb.inkomensgrens"]]
    assert bundle.params["amsterdam.maatwerkbudget_max"] == Decimal("500")


def test_a_typo_in_a_parameter_name_is_refused_with_its_line_and_a_suggestion(tmp_path):
    path = write(tmp_path, HEADER + "parameters:\n  percentage_inkomensgrns:\n    value: \"1.20\"\n")
    with pytest.raises(RulesetError) as err:
        load_with(RULESETS, load_overlay(path))
    (problem,) = err.value.problems
    assert problem.file == str(path) and problem.line == 6
    assert "bedoelde u 'percentage_inkomensgrens'" in problem.message
    assert "ontbreekt title, unit, source" in problem.message


def test_a_bad_condition_in_a_new_rule_names_the_overlay_file_and_line(tmp_path):
    path = write(tmp_path, HEADER + """rules:
  - id: zaanstad.nieuw
    kind: block
    title: Een nieuwe blokkade
    applies_to: [special_assistance]
    when: income.net_montly > 100
    reason: Te veel inkomen.
    source: {law: Concept}
""")
    with pytest.raises(RulesetError) as err:
        load_with(RULESETS, load_overlay(path))
    (problem,) = err.value.problems
    assert problem.file == str(path) and problem.line == 6 and problem.rule == "zaanstad.nieuw"
    assert "bedoelde u 'income.net_monthly'" in problem.message


def test_removing_what_does_not_exist_is_an_error_and_removing_a_route_removes_it(tmp_path):
    with pytest.raises(RulesetError) as err:
        load_with(RULESETS, load_overlay(write(tmp_path, HEADER + "removed: [zaanstad.maatwerkbudgt]\n")))
    assert "bedoelde u 'zaanstad.maatwerkbudget'" in err.value.problems[0].message
    registry = load_with(RULESETS, load_overlay(write(tmp_path, HEADER + "removed: [zaanstad.maatwerkbudget]\n")))
    new = registry.rulesets["zaanstad"].versions[-1]
    assert "zaanstad.maatwerkbudget" not in new.routes
    assert "zaanstad.maatwerkbudget" in registry.rulesets["zaanstad"].versions[0].routes


def test_an_overlay_before_the_first_version_or_for_an_unknown_rule_set_is_refused():
    with pytest.raises(RulesetError, match="niet in werking op 2023-01-01"):
        load_with(RULESETS, overlay_from_text(HEADER.replace("2026-01-01", "2023-01-01")))
    with pytest.raises(RulesetError, match="bedoelde u 'zaanstad'"):
        load_with(RULESETS, overlay_from_text(HEADER.replace("ruleset: zaanstad", "ruleset: zaandam")))


def test_malformed_yaml_and_unknown_fields_name_their_line():
    with pytest.raises(RulesetError) as err:
        overlay_from_text(HEADER + "parameters: [oops\n", "x.yaml")
    assert err.value.problems[0].file == "x.yaml" and err.value.problems[0].line
    with pytest.raises(RulesetError) as err:
        overlay_from_text(HEADER + "paramters: {}\n", "x.yaml")
    assert err.value.problems[0].field == "paramters" and err.value.problems[0].line == 5


def test_an_overlay_on_the_first_day_of_a_version_changes_that_version_and_later_ones():
    registry = load_with(RULESETS, parameter_overlay("participatiewet", "vermogensgrens_alleenstaande",
                                                     Decimal("9000"), dt.date(2025, 1, 1)))
    versions = {v.version: v for v in registry.rulesets["participatiewet"].versions}
    assert len(versions) == len(load_with(RULESETS).rulesets["participatiewet"].versions)  # no split needed
    assert versions["2024-07-01"].parameters["vermogensgrens_alleenstaande"].value != Decimal("9000")
    assert all(versions[d].parameters["vermogensgrens_alleenstaande"].value == Decimal("9000")
               for d in ("2025-01-01", "2025-07-01", "2026-01-01", "2026-07-01"))


def test_the_reform_uses_the_overlay_version_and_the_base_stays_pinned():
    base = parse_ref("zaanstad@2025-09-15")
    before = baseline(RULESETS, base)
    after = reform(RULESETS, base, str(EXAMPLES / "zaanstad-120.yaml"))
    # a case dated 2025: the baseline keeps 110%; the reform applies the overlay's version
    assert before.bundle("zaanstad", dt.date(2024, 3, 1)).params["zaanstad.percentage_inkomensgrens"] == Decimal("1.10")
    assert after.bundle("zaanstad", DAY).params["zaanstad.percentage_inkomensgrens"] == Decimal("1.20")
    # other rule sets still follow the case's own date
    assert [v.key for v in after.bundle("zaanstad", DAY).versions][0] == "participatiewet@2025-07-01"


def test_a_version_change_pins_that_version():
    after = reform(RULESETS, Ref("participatiewet", DAY), "participatiewet@2026-01-01")
    assert after.bundle("zaanstad", DAY).params["participatiewet.norm_alleenstaande"] == Decimal("1401.50")


def test_bad_references_are_clear():
    with pytest.raises(RegelruimteError, match="regelset@datum"):
        parse_ref("zaanstad@15-09-2025")
    with pytest.raises(RegelruimteError, match="bedoelde u 'zaanstad'"):
        baseline(RULESETS, parse_ref("zaanstat@2025-09-15"))
    with pytest.raises(RegelruimteError, match="geen versie"):
        reform(RULESETS, Ref("zaanstad", DAY), "zaanstad@2020-01-01").bundle("zaanstad", DAY)


def test_an_overlay_from_a_date_that_does_not_exist_names_its_line():
    with pytest.raises(RulesetError) as err:
        overlay_from_text(HEADER.replace("2026-01-01", "2026-02-30"), "x.yaml")
    [problem] = err.value.problems
    assert (problem.file, problem.line) == ("x.yaml", 4) and "geen bestaande datum" in problem.message
