from casebook.demo import ensure_demo
from casebook.store import Filters, Store


def test_the_demo_casebook_is_made_once(tmp_path):
    path = tmp_path / "demo.sqlite"
    first = ensure_demo(path, cases=60)
    assert (first["created"], first["cases"]) == (60, 60)
    assert ensure_demo(path, cases=60)["created"] == 0
    with Store.open(str(path)) as store:
        municipalities = {m["municipality"] for m in store.stats()["municipalities"]}
        assert municipalities == {"amsterdam", "groningen", "maastricht", "utrecht", "zaanstad"}
        assert store.list_cases(Filters())[0] == 60 and store.check() == []
