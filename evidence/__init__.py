"""The evidence locker: the durable store, file import/export and the default case.

evidence/README.md shows how the parts fit.
"""
