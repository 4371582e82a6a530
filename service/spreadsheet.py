"""CSV for a spreadsheet, shared by the command line and the what-if page: a text cell that a
spreadsheet would run as a formula is written as text (casebook.exports.neutral_text does the same)."""
from __future__ import annotations


def neutral_csv_text():
    """Text columns with a would-be spreadsheet formula made text (a Polars expression)."""
    import polars as pl
    text = pl.col(pl.Utf8).str.replace_all(r"(;\s*)([=+\-@])", "${1}'${2}")  # a ";" starts a cell there too
    return pl.when(text.str.contains(r"^[=+\-@\t\r]")).then(pl.lit("'") + text).otherwise(text).name.keep()
