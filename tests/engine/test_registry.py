"""Which rule sets a bundle holds: every national one, and the municipality's own."""
import datetime as dt

import pytest


@pytest.mark.parametrize("day", [dt.date(2024, 1, 1), dt.date(2025, 12, 31), dt.date(2026, 1, 1), dt.date(2027, 3, 1)])
def test_debt_help_and_remission_are_in_every_municipalitys_bundle(registry, day):
    for municipality in registry.municipalities:
        ids = {v.id for v in registry.select(municipality, day)}
        assert {"schuldhulpverlening", "kwijtschelding", "participatiewet", municipality} <= ids, municipality
        assert not ids & (set(registry.municipalities) - {municipality})  # no other town's policy


def test_every_municipality_leaves_its_remission_percentage_open_within_the_legal_band(registry):
    for municipality in registry.municipalities:
        version = next(v for v in registry.select(municipality, dt.date(2026, 3, 2)) if v.id == municipality)
        term = version.parameters["percentage_kwijtschelding_kosten_van_bestaan"]
        # NOT FOUND for every municipality: open, never guessed, bounded by Gemeentewet art. 255 lid 4
        assert term.value is None and str(term.minimum) == "0.90" and str(term.maximum) == "1.00"


@pytest.mark.parametrize("backwards", [False, True])
def test_the_bundle_of_a_day_holds_the_versions_in_force_on_that_day(backwards):
    # bundles are kept per span of days between two version boundaries; every day, the first and last of each
    # version included, must get the versions `select` finds for it (a span one day too wide would apply a
    # repealed rule or a figure not yet in force), whichever day of a span is asked first
    from engine.errors import NoRulesetInForce
    from engine.registry import Registry
    from tests.conftest import RULESETS
    registry = Registry.load(RULESETS)  # its own: the spans are kept as days are asked
    boundaries = {v.valid_from for rs in registry.rulesets.values() for v in rs.versions} | \
        {v.valid_to for rs in registry.rulesets.values() for v in rs.versions if v.valid_to}
    days = sorted({d + dt.timedelta(k) for d in boundaries for k in (-1, 0, 1)}, reverse=backwards)
    for municipality in registry.municipalities:
        for day in days:
            try:
                expected = registry.select(municipality, day)
            except NoRulesetInForce as exc:
                with pytest.raises(NoRulesetInForce) as raised:
                    registry.bundle(municipality, day)
                assert str(raised.value) == str(exc) and day.isoformat() in str(exc)  # it names the day asked
                continue
            assert registry.bundle(municipality, day).versions == expected, (municipality, day)


def test_an_unknown_municipality_is_refused_and_not_kept(registry):
    from engine.errors import CaseError
    with pytest.raises(CaseError):
        registry.bundle("atlantis", dt.date(2026, 1, 1))
    assert "atlantis" not in registry._changes


@pytest.mark.parametrize("day", [dt.date(2024, 9, 15), dt.date(2026, 3, 2)])
def test_a_derive_reading_a_later_rule_sets_derived_fact_comes_after_it(registry, day):
    # the Participatiewet's draagkracht reads the Wsnp term (Fw 349a, decision record 0036 amended): although the
    # Participatiewet comes first in the layering order, its derive must run after the one it reads
    bundle = registry.bundle("zaanstad", day)
    order = [r.rule.fact for r in bundle.derive]
    assert order.index("wsnp.regeling_loopt") < order.index("participatiewet.beschikbaar_inkomen")
    seen = set()
    derived = set(order)
    for r in bundle.derive:  # every derive after the derived facts it reads
        assert not (set(r.value.names) & derived) - seen, r.id
        seen.add(r.rule.fact)
