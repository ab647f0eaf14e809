"""Build PARC `.achz` files for tests from the documented element names.

Text goes in as written (not escaped) when `raw=True`, so hostile files can be
built as easily as good ones.
"""

from __future__ import annotations

import gzip
from xml.sax.saxutils import escape

FIELDS = ("NAME", "NOTES", "LINK", "TYPE", "DATE", "CODE", "FLAG", "CREDIBILITY", "VALUES")


def element(tag: str, text: str, raw: bool = False) -> str:
    return f"<{tag}>{text if raw else escape(text)}</{tag}>"


def evidence_xml(item: dict[str, str], raw: bool = False) -> str:
    """One EVIDENCE element; keys are element names (any, documented or not)."""
    return "<EVIDENCE>" + "".join(element(k, v, raw) for k, v in item.items()) + "</EVIDENCE>"


def project_xml(
    title: str = "Who broke the vase?",
    hypotheses: list[str] | None = None,
    evidence: list[dict[str, str]] | None = None,
    *,
    classification: str | None = "UNCLASSIFIED",
    last_index: str | None = "2",
    color_scheme: str | None = "1",
    extra_top: str = "",
    matrix: str | None = None,
    root: str = "ACH",
    declaration: str = '<?xml version="1.0" encoding="UTF-16"?>',
) -> str:
    """A whole PARC project document as text; `matrix` replaces the built MATRIX."""
    hyps = ["The cat", "The dog"] if hypotheses is None else hypotheses
    items = (
        [
            {"NAME": "Paw prints on the shelf", "NOTES": "Small ones.", "CREDIBILITY": "HIGH",
             "VALUES": "C C,I"},
            {"NAME": "The dog was outside", "CREDIBILITY": "MEDIUM", "VALUES": "N,I I"},
        ]
        if evidence is None
        else evidence
    )
    if matrix is None:
        matrix = (
            "<MATRIX>"
            + "".join(f"<HYPOTHESIS>{element('NAME', h)}</HYPOTHESIS>" for h in hyps)
            + "".join(evidence_xml(item) for item in items)
            + "</MATRIX>"
        )
    parts = [element("PROJECT-TITLE", title)]
    for tag, value in (("CLASSIFICATION", classification), ("LAST-INDEX", last_index),
                       ("COLOR-SCHEME", color_scheme)):
        if value is not None:
            parts.append(element(tag, value))
    return f"{declaration}\n<{root}>" + "".join(parts) + extra_top + matrix + f"</{root}>"


def pack(xml: str | bytes, encoding: str = "utf-16") -> bytes:
    """gzip(encoded XML), as PARC saves it (Python's utf-16 codec writes a BOM)."""
    data = xml if isinstance(xml, bytes) else xml.encode(encoding)
    return gzip.compress(data, mtime=0)


def achz(**kwargs: object) -> bytes:
    return pack(project_xml(**kwargs))
