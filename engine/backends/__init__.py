"""Other ways of deciding rule conditions than the core's closures (see engine.evaluator.Conditions).

`leaves` splits a condition into atomic comparisons joined by and/or/not, and turns their operands
into integers; `durable` lets the durable-rules engine decide those comparisons, fenced.
"""
