"""The analysis of competing hypotheses: models, scoring and summaries. Pure: no I/O."""
