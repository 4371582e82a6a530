"""The edges of Regelruimte, by delivery mechanism: `cli/` (the command line), `http/` (the web service
and its JSON API), `web/` (the pages for people). Modules at this level are shared by more than one of
them: where the rule sets are and the settings (`config.py`), the example cases, the optional extras,
the rule-set catalogue, the open questions and CSV for spreadsheets (docs/decisions/0027-package-layout.md)."""
