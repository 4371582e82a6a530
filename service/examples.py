"""Example cases shown in the API documentation and offered on the web page."""
from __future__ import annotations

# Zaanstad, the welding mask (../shared/cases/zaanstad-lasmasker.yaml): a welder in the Wsnp needs a
# €1,100 mask within 14 days to keep his new job.
WELDING_MASK = {
    "case_id": "zaanstad-lasmasker",
    "reference_date": "2025-09-15",
    "municipality": "zaanstad",
    "household": {"composition": "single", "members": [{"role": "applicant", "age": 41}], "children": [],
                  "cost_sharers": 0},
    "income": [{"source": "wages", "net_monthly": "1720.00"}],
    "assets": "0.00",
    "debts": {"regime": "wsnp", "since": "2025-03-01", "free_allowance_monthly": "1310.00"},
    "benefit": "none",
    "work": "employed",
    "need": {"kind": "one_off_cost", "purpose": "work", "description": "Welding mask the employer requires for the job",
             "amount": "1100.00", "needed_within_days": 14, "at_risk": "job_loss"},
    "options": ["wage_deduction", "special_assistance", "cash_gift", "in_kind"],
    "avoided_costs": [{"item": "bijstand benefit after losing the job", "per_year": "16428.72"}],
}

# The same case as the Dutch page offers it: the professional's own words in Dutch.
WELDING_MASK_NL = {
    **WELDING_MASK,
    "need": {**WELDING_MASK["need"], "description": "Lasmasker dat de werkgever verplicht stelt voor het werk"},
    "avoided_costs": [{"item": "Bijstandsuitkering na baanverlies", "per_year": "16428.72"}],
}
