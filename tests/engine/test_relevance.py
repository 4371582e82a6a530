"""Which rules and routes matter for an option and what they read: one closure for bundle, lint and columnar."""
import datetime as dt
from types import SimpleNamespace as NS

from engine.relevance import condition_names, option_items, through_derived, unknowable
from engine.status import plan

DAY = dt.date(2025, 9, 15)


def derived_rule(*names):
    return NS(value=NS(names=frozenset(names)))


def test_a_name_read_by_a_derived_fact_is_read_by_whatever_reads_that_fact():
    derived = {"a": derived_rule("b", "c"), "b": derived_rule("d"), "e": NS(value=None)}
    assert through_derived({"a"}, derived) == {"a", "b", "c", "d"}
    assert through_derived({"c", "e"}, derived) == {"c", "e"}  # a plain fact, and a derived fact without a value
    assert through_derived((), derived) == frozenset()


def test_the_closure_over_a_real_bundle_is_closed_and_contains_every_derived_facts_reads(registry):
    bundle = registry.bundle("zaanstad", DAY)
    derived = {r.rule.fact: r for r in bundle.derive}
    for option, names in bundle.reads.items():
        assert through_derived(names, derived) == names, option
        for fact in names & derived.keys():
            assert derived[fact].value.names <= names, (option, fact)


def test_an_option_reads_every_condition_the_status_plan_asks(registry):
    bundle = registry.bundle("zaanstad", DAY)
    for option in bundle.by_option:
        p = plan(bundle, option)
        asked = [*p.rules, *(route for routes in p.routes.values() for route in routes)]
        assert condition_names(asked) <= bundle.reads[option], option
        assert {i.id for i in asked} <= {i.id for i in option_items(p.rules, bundle.routes_for_block)}, option


def test_what_can_be_unknown_is_a_case_fact_without_presumption_or_an_open_term(registry):
    bundle = registry.bundle("zaanstad", DAY)
    options = sorted(bundle.by_option)
    names = unknowable(bundle, options)
    presumed = {p.fact for p, _ in bundle.presumptions}
    assert names == sorted(names) and names
    for n in names:
        assert n in registry.vocabulary.facts and n not in presumed or n in bundle.parameters, n
    assert set(names) <= set().union(*(bundle.reads[o] for o in options))
