"""What the reports of the casebook and the what-if share: the SVG charts (reporting.charts)."""
