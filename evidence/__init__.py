"""The evidence locker: the durable store, file import/export and the default case.

The README's "How it works" (under Development) shows how the parts fit.
"""
