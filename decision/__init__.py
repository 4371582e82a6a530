"""Deciding cases: from raw case data to explained decisions, one case or many (above engine and explain)."""
