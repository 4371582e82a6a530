"""Citations are memoised on the parts they are made of; a new dict (perhaps at a freed one's address) is cited
anew, and values that are equal but written differently are not taken for each other."""
from explain.citation import cite


def test_a_citation_belongs_to_its_source_not_to_its_address():
    for i in range(2_000):  # fresh dicts, each dropped at once: CPython reuses their addresses
        assert cite({"law": "Participatiewet", "article": str(i), "paragraph": "1"}, "nl") == \
            f"Participatiewet art. {i} lid 1"


def test_each_language_its_words():
    source = {"law": "Participatiewet", "article": "35", "paragraph": "1", "onderdeel": "a"}
    assert cite(source, "nl") == "Participatiewet art. 35 lid 1 onderdeel a"
    assert cite(source, "en") == "Participatiewet art. 35 para. 1 point a"


def test_a_value_equal_to_a_cached_one_but_written_differently_is_cited_as_written():
    # (sources from the rule sets hold text; a decision read back from elsewhere might not)
    assert cite({"law": "Wet X", "article": "1"}, "nl") == "Wet X art. 1"
    assert cite({"law": "Wet X", "article": True}, "nl") == "Wet X art. True"
    assert cite({"law": "Wet X", "article": 1.0}, "nl") == "Wet X art. 1.0"
    assert cite({"law": "Wet X", "article": 1}, "nl") == "Wet X art. 1"


def test_a_dated_copy_cites_as_its_source():
    source = {"law": "Participatiewet", "article": "21", "url": "https://wetten.overheid.nl/jci1.3:c:BWBR0015703"}
    assert cite(dict(source, url=source["url"] + "&g=2026-01-01"), "en") == cite(source, "en") == \
        "Participatiewet art. 21"
