"""The weigh command line and the Textual app."""
