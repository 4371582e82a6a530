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
