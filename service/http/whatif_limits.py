"""The bounds of one what-if, shared by the API (service.http.whatif) and the page (service.web.whatif)
(docs/decisions/0010-input-limits.md)."""
# Cases one what-if may take: sent to the API, or read from the casebook by the page.
MAX_CASES = 10_000
MAX_POPULATION = 200_000
MAX_FLIPS = 1_000
# One what-if may evaluate at most this many households in all (households × (1 + sweep points)),
# and may take this long; after that, or when its client has gone, it stops.
MAX_EVALUATIONS = 2_000_000
MAX_SECONDS = 60.0
