"""The weigh command line and the Textual app.

The README's "How it works" (under Development) shows how the parts fit.
"""
