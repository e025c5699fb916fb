"""Stored text, in and out: one place for what a text may hold and how a message quotes it.

Light: the standard library only, usable on the read path and by every way in
(the command line, imports, restore)."""

from __future__ import annotations


def quoted(text: str) -> str:
    """A stored text quoted in a message exactly as stored: 'Tools [/] Co', never its repr
    (a repr doubles backslashes and escapes accented or rare characters). Control characters
    that reach a message anyway are escaped once, where it is printed (render.safe)."""
    return f"'{text}'"
