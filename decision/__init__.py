"""The public decision: validate the raw case (engine), decide it (engine) and write its explanation
(explain). This package sits above both, so the engine never imports the explanation: `decide` is
the one call every delivery mechanism (service/cli, service/http, service/web), the casebook and the
rule-set tests use to turn case data into the decision a professional reads
(docs/decisions/0027-package-layout.md)."""
