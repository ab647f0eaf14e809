"""The JSON, CSV and XML parsers' errors in plain words: the one place each becomes text.

A parser's own message ("Unterminated string starting at", "',' expected after '\"'",
"not well-formed (invalid token)") is written for programmers and reads badly after
weigh's words. Each function here maps the library's error to what went wrong, in a
user's words, with the position where the library gives one, and falls back to plain
words for an error it does not know. The callers name the file.
"""

from __future__ import annotations

import json
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the CSV and XML parsers load with their importers, not with the database
    import csv
    from xml.etree.ElementTree import ParseError

#: The one wording of a JSON integer past Python's 4,300-digit limit.
TOO_MANY_DIGITS = "a number in it has more than 4,300 digits"

_JSON_EXPECTED = {
    "Expecting value": "a value",
    "Expecting property name enclosed in double quotes": "a key in double quotes",
    "Expecting ':' delimiter": "':' after a key",
    "Expecting ',' delimiter": "',' or a closing bracket",
}


def not_json(exc: json.JSONDecodeError) -> str:
    """Why a text is not JSON: 'not valid JSON: unexpected character at line 1, column 2 (…)'."""
    return f"not valid JSON: {_json_words(exc)}"


#: The lines git writes into a file it merged line by line and could not.
_GIT_MARKERS = ("<<<<<<<", "=======", ">>>>>>>", "|||||||")


def _json_words(exc: json.JSONDecodeError) -> str:
    at = f"line {exc.lineno}, column {exc.colno}"
    text, msg = exc.doc, exc.msg
    if not text.strip():
        return "the file is empty"
    line = text[exc.pos - exc.colno + 1:].partition("\n")[0]
    marker = next((m for m in _GIT_MARKERS if line.startswith(m)), None)
    if exc.colno == 1 and marker is not None:  # a case file merged by git without weigh's driver
        return (f"line {exc.lineno} is a git conflict marker ({marker!r}): git merged the file line "
                "by line, without weigh's merge driver; set it up in this clone (git config "
                'merge.weigh.driver "weigh merge %O %A %B") and run \'git checkout -m\' on the file '
                "to merge it again")
    if msg.startswith("Unterminated string"):  # strict JSON: only the end of the text stops one
        return f"it ends in the middle of a text value ({at})"
    if msg in _JSON_EXPECTED:
        rest = text[exc.pos:].strip()
        if not rest or (rest == "-" or any(word.startswith(rest) for word in ("true", "false", "null"))):
            return f"it ends before the JSON is complete ({at})"
        if text[exc.pos] in "]}" and text[:exc.pos].rstrip().endswith(","):
            return f"a comma before a closing bracket at {at}"
        return f"unexpected character at {at} (expected {_JSON_EXPECTED[msg]})"
    if msg.startswith("Invalid control character"):
        return f"a line break, tab or other control character inside a text value at {at}"
    if msg.startswith("Invalid \\"):
        return f"a backslash that starts no valid escape inside a text value at {at}"
    if msg.startswith("Extra data"):
        return f"more text after the end of the JSON at {at}"
    if msg.startswith("Illegal trailing comma"):
        return f"a comma before a closing bracket at {at}"
    return f"it is damaged at {at}"


def not_csv(exc: csv.Error) -> str:
    """Why a text is not CSV, in words (the caller names the line)."""
    msg = str(exc)
    if "expected after" in msg:
        words = "text follows the '\"' that closes a quoted cell (a '\"' inside a cell is written '\"\"')"
    elif msg == "unexpected end of data":
        words = "a quoted cell is never closed (its closing '\"' is missing)"
    elif "NUL" in msg:
        words = "it holds a NUL character, which text never does"
    elif msg.startswith("new-line character"):
        words = "a line break inside a cell that is not in quotes"
    else:
        words = "its quoting or separators are broken"
    return f"not readable as CSV: {words}"


@cache
def _xml_words() -> tuple[dict[int, str], dict[str, str], set[str]]:
    """expat's message of each error code, its words for each message, and the messages
    that mean the text ended too soon."""
    from xml.parsers.expat import errors as e

    words = {
        e.XML_ERROR_SYNTAX: "a syntax error",
        e.XML_ERROR_NO_ELEMENTS: "it ends before the XML is complete",
        e.XML_ERROR_INVALID_TOKEN: "a character or markup not allowed here",
        e.XML_ERROR_UNCLOSED_TOKEN: "it ends in the middle of a tag",
        e.XML_ERROR_PARTIAL_CHAR: "it ends in the middle of a character",
        e.XML_ERROR_TAG_MISMATCH: "a closing tag that does not match the element it closes",
        e.XML_ERROR_DUPLICATE_ATTRIBUTE: "an attribute given twice",
        e.XML_ERROR_JUNK_AFTER_DOC_ELEMENT: "more content after the end of the document",
        e.XML_ERROR_UNDEFINED_ENTITY: "an entity (&name;) that is not defined",
        e.XML_ERROR_BAD_CHAR_REF: "a character reference (&#…;) to a character XML does not allow",
        e.XML_ERROR_UNCLOSED_CDATA_SECTION: "a CDATA section that is never closed",
        e.XML_ERROR_MISPLACED_XML_PI: "an XML declaration that is not at the very start",
        e.XML_ERROR_UNBOUND_PREFIX: "a namespace prefix that is not declared",
        e.XML_ERROR_INCORRECT_ENCODING: "bytes that do not match the declared encoding",
    }
    return e.messages, words, {e.XML_ERROR_NO_ELEMENTS, e.XML_ERROR_UNCLOSED_TOKEN, e.XML_ERROR_PARTIAL_CHAR}


def not_xml(exc: ParseError) -> str:
    """Why a text is not XML: 'not readable XML: an attribute given twice at line 3, column 9'."""
    messages, known, at_end = _xml_words()
    message = messages.get(exc.code, "")
    words = known.get(message, "it is damaged")
    try:
        line, column = exc.position
    except (AttributeError, TypeError, ValueError):
        return f"not readable XML: {words}"
    at = f"line {line}, column {column + 1}"  # expat counts columns from 0
    where = f"({at})" if message in at_end else f"at {at}"
    return f"not readable XML: {words} {where}"
