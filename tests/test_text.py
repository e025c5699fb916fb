"""handoff_cli.text: what a stored text may hold, the one check every way in uses."""

from __future__ import annotations

import unicodedata

import pytest

from handoff_cli.errors import BadInput
from handoff_cli.text import clean, fold, name_key, quoted

NFD_CAFE = unicodedata.normalize("NFD", "Café")


def test_clean_normalises_to_nfc_and_strips():
    assert NFD_CAFE != "Café"
    assert clean(f"  {NFD_CAFE} \n", "account name") == "Café"
    assert clean("Ångström\u00a0Ltd", "account name") == "Ångström\u00a0Ltd"  # a no-break space is text


@pytest.mark.parametrize(
    "value, message",
    [
        ("a\x1bb", "account name contains control characters"),
        ("a\nb", "account name contains control characters"),
        ("a\tb", "account name contains control characters"),
        ("a\x00b", "account name contains control characters"),
        ("a\x85b", "account name contains control characters"),
        ("zero\u200bwidth", "account name contains invisible format characters (zero-width or bidi)"),
        ("\u202eevil", "account name contains invisible format characters (zero-width or bidi)"),
        ("bidi\u2066isolate", "account name contains invisible format characters (zero-width or bidi)"),
        ("\ufeffbom", "account name contains invisible format characters (zero-width or bidi)"),
        ("soft\u00adhyphen", "account name contains invisible format characters (zero-width or bidi)"),
        ("line\u2028sep", "account name contains line separators"),
        ("para\u2029sep", "account name contains paragraph separators"),
        ("bytes\udcffnot utf-8", "account name is not valid UTF-8 text"),
    ],
)
def test_clean_refuses_control_format_and_separator_characters_naming_the_field(value, message):
    with pytest.raises(BadInput) as exc:
        clean(value, "account name")
    assert str(exc.value) == message


def test_clean_required_empty_and_length():
    with pytest.raises(BadInput, match="^note is required$"):
        clean(None, "note")
    with pytest.raises(BadInput, match="^note must not be empty$"):
        clean("  \n", "note")
    assert clean("  ", "note", required=False) is None
    assert clean(None, "note", required=False) is None
    # the length counts the NFC form: 200 NFD 'é' are 400 code points but 200 characters
    assert clean(unicodedata.normalize("NFD", "é" * 200), "name") == "é" * 200
    with pytest.raises(BadInput, match=r"name is too long \(201 characters; at most 200\)"):
        clean("x" * 201, "name")


def test_fold_makes_nfc_nfd_and_case_one_key():
    assert fold(NFD_CAFE) == fold("Café") == fold("CAFÉ") == fold(unicodedata.normalize("NFD", "CAFÉ")) == "café"
    assert fold("Straße") == fold("STRASSE") == "strasse"
    assert name_key("Tools [/] Co") == "tools [/] co"
    with pytest.raises(BadInput, match="too long once case is ignored"):
        name_key("ß" * 150)


def test_quoted_is_the_text_as_stored():
    assert quoted("back\\slash é [b]") == "'back\\slash é [b]'"
