"""The casebook's command-line summaries count in good Dutch: 1 batch, 0 problemen, 1 probleem."""
from service.cli.main import main
from tests.conftest import CASES


def test_one_batch_and_no_problems_in_the_singular_and_plural(tmp_path, capsys):
    db = str(tmp_path / "c.sqlite")
    assert main(["casebook", "--db", db, "init"]) == 0
    assert main(["casebook", "--db", db, "import", str(CASES)]) == 0
    out = capsys.readouterr().out
    assert "0 problemen (1 batch," in out and "1 batches" not in out
    assert main(["casebook", "--db", db, "stats"]) == 0
    out = capsys.readouterr().out
    assert "1 batch" in out and "1 batches" not in out
