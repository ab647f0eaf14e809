"""Benchmarks for issue 6 (scale): run ``python -m tests.benchmarks [--quick]``.

They print a table and a ``summary:`` line; no test asserts on their timings.
"""
