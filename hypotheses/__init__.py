"""The analysis of competing hypotheses: models, scoring and summaries. Pure: no I/O.

hypotheses/README.md shows how the parts fit.
"""
