"""The analysis of competing hypotheses: models, scoring and summaries. Pure: no I/O.

The README's "How it works" (under Development) shows how the parts fit.
"""
