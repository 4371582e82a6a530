"""Citations are memoised per source dict; a new dict (perhaps at a freed one's address) is cited anew."""
from explain.citation import cite


def test_a_citation_belongs_to_its_source_not_to_its_address():
    for i in range(2_000):  # fresh dicts, each dropped at once: CPython reuses their addresses
        assert cite({"law": "Participatiewet", "article": str(i), "paragraph": "1"}, "nl") == \
            f"Participatiewet art. {i} lid 1"


def test_each_language_its_words():
    source = {"law": "Participatiewet", "article": "35", "paragraph": "1", "onderdeel": "a"}
    assert cite(source, "nl") == "Participatiewet art. 35 lid 1 onderdeel a"
    assert cite(source, "en") == "Participatiewet art. 35 para. 1 point a"
