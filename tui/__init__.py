"""The weigh command line and the Textual app.

tui/README.md shows how the parts fit.
"""
