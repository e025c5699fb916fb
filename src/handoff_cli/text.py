"""Stored text, in and out: the one place that says what a stored text may hold.

Every way in (the command line, imports, restore) cleans text with :func:`clean`:
NFC-normalised, stripped, and refused (one line naming the field, exit 2) when it
holds a control character (Unicode category Cc: ESC, BEL, NUL, line breaks, tabs),
a format character (Cf: zero-width spaces and joiners, bidi overrides, BOM), a
line or paragraph separator (Zl, Zp) or a lone surrogate (Cs: bytes that were not
UTF-8). Names are compared by :func:`name_key`: NFC, then case-folded, so the NFC
and NFD spellings of "Café" are one account.

Every way out shows the same characters escaped (render.safe), and messages quote a
stored text with :func:`quoted`. Light: the standard library only, usable on the
read path."""

from __future__ import annotations

import unicodedata

from handoff_cli.errors import BadInput

MAX_TEXT = 200
MAX_NOTE = 10_000

# What no stored text may hold, and what every terminal view shows escaped.
UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs"})
_WHAT = {
    "Cc": "contains control characters",
    "Cf": "contains invisible format characters (zero-width or bidi)",
    "Zl": "contains line separators",
    "Zp": "contains paragraph separators",
    "Cs": "is not valid UTF-8 text",
}


def quoted(text: object) -> str:
    """A stored text quoted in a message exactly as stored: 'Tools [/] Co', never its repr
    (a repr doubles backslashes and escapes accented or rare characters). Control characters
    that reach a message anyway are escaped once, where it is printed (render.safe)."""
    return f"'{text}'"


def unsafe_char(text: str) -> str | None:
    """The first character of text that no stored text may hold, or None."""
    if text.isprintable():  # fast path in C; a space is printable
        return None
    for ch in text:
        if unicodedata.category(ch) in UNSAFE_CATEGORIES:
            return ch
    return None


def refusal(ch: str, what: str) -> str:
    """The one line that refuses a text holding ch, naming the field."""
    return f"{what} {_WHAT[unicodedata.category(ch)]}"


def clean(value: str | None, what: str, *, required: bool = True, max_len: int = MAX_TEXT) -> str | None:
    """A text for the store: NFC-normalised and stripped; refused (BadInput naming `what`) when
    empty but required, longer than max_len, or holding a character of UNSAFE_CATEGORIES."""
    if value is None:
        if required:
            raise BadInput(f"{what} is required")
        return None
    text = value.strip()  # a trailing newline or tab from a shell or a file is not part of the text
    bad = unsafe_char(text)
    if bad is not None:
        raise BadInput(refusal(bad, what))
    text = unicodedata.normalize("NFC", text)
    if not text:
        if required:
            raise BadInput(f"{what} must not be empty")
        return None
    if len(text) > max_len:
        raise BadInput(f"{what} is too long ({len(text)} characters; at most {max_len})")
    return text


def fold(text: str | None) -> str:
    """What names are compared by: NFC-normalised, then case-folded ('Café' in NFC or NFD,
    'CAFÉ' -> 'café'); None is ''."""
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", text or "").casefold())


def name_key(name: str) -> str:
    """The stored key of a name (fold). Case folding can lengthen a name ('ß' -> 'ss'), so
    the key is checked against the column's length too."""
    key = fold(name)
    if len(key) > MAX_TEXT:
        raise BadInput(f"name is too long once case is ignored ({len(key)} characters; at most {MAX_TEXT})")
    return key
