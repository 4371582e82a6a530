"""The condition language: one front end (parse.py: text → checked, resolved ir.py nodes) for every backend.

Backends compile the IR, never the text: closures for the single case (engine/expressions.py), Polars
expressions for many cases (whatif/columnar.py), leaves for durable-rules (engine/backends/leaves.py), and
the per-case reads of an amount (engine/reads.py).
"""
