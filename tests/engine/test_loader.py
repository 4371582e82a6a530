"""Loading figures as time series (parameters/<group>.yaml): each version has the value in force on its first day."""
import datetime as dt
from decimal import Decimal

import pytest

from engine.errors import RulesetError
from engine.loader import load_rulesets
from tests import demo_rulesets as demo
from tests.conftest import RULESETS


def _versions(root):
    return {v.version: v for v in load_rulesets(root).rulesets["demo"].versions}


def test_a_series_gives_each_version_what_restating_it_gave(tmp_path):
    restated = _versions(demo.write(tmp_path / "restated"))
    series = _versions(demo.write_series(tmp_path / "series"))
    assert restated.keys() == series.keys() == {"2024-01-01", "2025-01-01"}
    for key, v in series.items():
        assert v.parameters == restated[key].parameters
        assert v.param_env == restated[key].param_env
        assert v.digest == restated[key].digest  # what a decision cites does not change with the form


def test_a_version_reads_the_value_in_force_on_its_first_day_and_its_source(tmp_path):
    versions = _versions(demo.write_series(tmp_path))
    assert versions["2024-01-01"].param_env["demo.grens"] == Decimal("1000")
    assert versions["2025-01-01"].param_env["demo.grens"] == Decimal("1100")
    assert versions["2025-01-01"].parameters["grens"].source.url.endswith("/2025-01-01")
    origin = versions["2025-01-01"].origins["grens"]
    assert origin.file.endswith("demo/parameters/grenzen.yaml") and origin.line == 10  # the value's own line


def test_a_value_carries_over_to_later_versions_and_a_figure_exists_from_its_first_date(tmp_path):
    later = demo.SERIES + demo.EXTRA_FROM_2025
    root = demo.write_series(tmp_path, {"demo/parameters/grenzen.yaml": later,
                                        "demo/2026-01-01/version.yaml": "version:\n  changes: Niets.\n"})
    versions = _versions(root)
    assert "extra" not in versions["2024-01-01"].parameters
    assert versions["2025-01-01"].parameters["extra"] == versions["2026-01-01"].parameters["extra"]
    assert versions["2026-01-01"].param_env["demo.grens"] == Decimal("1100")


def _problems(root):
    with pytest.raises(RulesetError) as exc:
        load_rulesets(root)
    return exc.value.problems


@pytest.mark.parametrize("files, code, message", [
    # dates out of order
    ({"demo/parameters/grenzen.yaml": demo.SERIES.replace("2024-01-01:", "2026-01-01:", 1).replace("2025-01-01:", "2024-01-01:", 1)
      .replace("2026-01-01:", "2025-01-01:", 1)}, "RR033", "niet op volgorde"),
    # a value dated inside a version: no version would ever read it
    ({"demo/parameters/grenzen.yaml": demo.SERIES.replace("2025-01-01:", "2025-03-01:")}, "RR033", "begint geen versie"),
    # 'removed' cannot end a series (the next version would read it again)
    ({"demo/2025-01-01/version.yaml": "version:\n  changes: Weg.\nremoved: [grens]\n"}, "RR033", "reeks"),
    # a figure both as a series and restated in a version folder
    ({"demo/2025-01-01/version.yaml": demo.V2025}, "RR023", "heeft een reeks"),
    # a figure in two series files
    ({"demo/parameters/meer.yaml": demo.SERIES}, "RR023", "heeft al een reeks"),
])
def test_mistakes_in_a_series_refuse_the_rule_set_with_their_code(tmp_path, files, code, message):
    problems = _problems(demo.write_series(tmp_path, files))
    assert any(p.code == code and message in p.message and p.rule == "grens" for p in problems), [p.render() for p in problems]


def test_a_value_without_a_source_is_refused_at_its_file_and_line(tmp_path):
    text = demo.SERIES.replace('        source: {law: Demowet, article: "2", url: "https://wetten.overheid.nl/BWBR0000001/2025-01-01"}\n', "")
    [p] = [p for p in _problems(demo.write_series(tmp_path, {"demo/parameters/grenzen.yaml": text}))
           if p.file.endswith("grenzen.yaml")]  # (the rule reading the figure is refused too)
    assert p.line == 10 and "source" in p.field


def test_an_open_term_is_checked_as_the_parameter_it_becomes(tmp_path):
    text = demo.SERIES.replace('value: "1100"', "value: null")  # an unknown value must say so (verified: false, note)
    [p] = _problems(demo.write_series(tmp_path, {"demo/parameters/grenzen.yaml": text}))
    assert p.line == 10 and p.rule == "grens" and "open norm" in p.message


def test_the_bundled_national_rule_sets_restate_no_figure():
    """Every figure of a rule set with series is stated once per value, never again in a version folder."""
    for rs in load_rulesets(RULESETS).rulesets.values():
        if (rs.path / "parameters").is_dir():
            for v in rs.versions:
                assert all("/parameters/" in v.origins[k].file for k in v.parameters), (rs.id, v.version)


def test_each_bundled_value_date_is_a_version_start():
    for rs in load_rulesets(RULESETS).rulesets.values():
        starts = {v.valid_from for v in rs.versions}
        for v in rs.versions:
            for k, p in v.parameters.items():
                dated = p.source.url and p.source.url.rsplit("/", 1)[-1]
                if dated and dated[:4].isdigit() and "/parameters/" in v.origins[k].file:
                    assert dt.date.fromisoformat(dated) in starts


def test_a_rule_set_file_with_a_date_that_does_not_exist_is_refused_at_its_line(tmp_path):
    problems = _problems(demo.write_series(tmp_path, {"demo/parameters/grenzen.yaml":
                                                      demo.SERIES.replace("2025-01-01:", "2025-02-30:", 1)}))
    assert [(p.file.endswith("grenzen.yaml"), p.line) for p in problems if "geen bestaande datum" in p.message] \
        == [(True, demo.SERIES.splitlines().index("      2025-01-01:") + 1)], [p.render() for p in problems]
