"""Text is checked at every way in (PRODUCT.md section 8, issue 9 item 2): the command
line, imports and restore NFC-normalise every text, refuse control and format
characters with one line naming the field (exit 2, nothing written), and compare
names after NFC and case folding, so the NFC and NFD spellings of "Café" are one account."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest

NFC = "Café Crème"
NFD = unicodedata.normalize("NFD", NFC)
assert NFC != NFD


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def assert_refused(result, line: str, dump, before) -> None:
    assert result.exit_code == 2, (result.exit_code, result.stdout, result.stderr)
    assert result.stdout == ""
    assert result.stderr.splitlines() == [f"handoff: {line}"], result.stderr
    assert dump() == before


# -- the command line --------------------------------------------------------


def test_nfc_and_nfd_spellings_are_one_account(handoff, dump):
    added = handoff.json("account", "add", NFD, "--signed", "2026-01-01")
    assert added["account"]["name"] == NFC  # stored as NFC
    before = dump()
    assert_refused(
        handoff("account", "add", NFC.upper(), "--signed", "2026-01-01"),
        f"an account named '{NFC.upper()}' exists already (names are unique, ignoring case)",
        dump,
        before,
    )
    assert handoff.json("account", "show", NFC)["account"]["name"] == NFC
    assert handoff.json("account", "show", NFD.upper())["account"]["name"] == NFC


def test_every_text_of_every_write_is_stored_nfc(handoff):
    def d(text: str) -> str:
        return unicodedata.normalize("NFD", text)

    handoff.ok("account", "add", d("Zoë Bâtiment"), "--signed", "2026-01-01", "--segment", d("PME Générale"))
    handoff.ok("owner", "assign", "Zoë Bâtiment", "implementation", d("Renée"), "--on", "2026-01-02")
    handoff.ok(
        "plan", "set", "Zoë Bâtiment", "--outcome", d("Délai réduit"), "--sponsor", d("Émile"), "--criterion", d("Zéro")
    )
    handoff.ok("milestone", "add", "Zoë Bâtiment", d("Intégration"), "--due", "2026-02-01", "--on", "2026-01-02")
    handoff.ok(
        "milestone",
        "slip",
        "Zoë Bâtiment",
        "Intégration",
        "--to",
        "2026-02-10",
        "--cause",
        "scope",
        "--note",
        d("Étendu"),
    )
    handoff.ok("event", "log", "Zoë Bâtiment", "note", "--on", "2026-01-03", "--note", d("Réunion"))
    handoff.ok("handover", "Zoë Bâtiment", "--to", d("Inès"), "--on", "2026-01-04", "--promised", d("Qualité"))
    exported = handoff.ok("export").stdout
    for word in ("Zoë Bâtiment", "PME Générale", "Renée", "Délai réduit", "Émile", "Zéro", "Intégration", "Étendu"):
        assert json.dumps(word, ensure_ascii=False) in exported, word
    for word in ("Réunion", "Inès", "Qualité"):
        assert json.dumps(word, ensure_ascii=False) in exported, word
    assert unicodedata.normalize("NFC", exported) == exported
    # the milestone is one milestone whichever form its title is typed in
    handoff.ok("milestone", "done", "Zoë Bâtiment", d("INTÉGRATION"), "--on", "2026-02-10")


CF = "invisible format characters (zero-width or bidi)"


@pytest.mark.parametrize(
    "argv, line",
    [
        (["account", "add", "Acme\u200b", "--signed", "2026-01-01"], f"account name contains {CF}"),
        (["account", "add", "\u202eemCA", "--signed", "2026-01-01"], f"account name contains {CF}"),
        (["account", "add", "Beta", "--signed", "2026-01-01", "--segment", "s\u2066x"], f"segment contains {CF}"),
        (
            ["account", "add", "Beta", "--signed", "2026-01-01", "--external-id", "\ufeffhs-1"],
            f"external id contains {CF}",
        ),
        (["account", "add", "Be\u2028ta", "--signed", "2026-01-01"], "account name contains line separators"),
        (["account", "edit", "Acme", "--name", "Ac\u200dme"], f"account name contains {CF}"),
        (["owner", "assign", "Acme", "csm", "Da\u200bna"], f"person contains {CF}"),
        (["plan", "set", "Acme", "--outcome", "faster\u202e"], f"outcome contains {CF}"),
        (["plan", "set", "Acme", "--outcome", "ok", "--criterion", "a\u200bb"], f"criterion 1 contains {CF}"),
        (["milestone", "add", "Acme", "U\u200bAT", "--due", "2026-02-01"], f"milestone title contains {CF}"),
        (
            ["milestone", "slip", "Acme", "Kickoff", "--to", "2026-03-01", "--cause", "scope", "--note", "x\u2067"],
            f"note contains {CF}",
        ),
        (["event", "log", "Acme", "note", "--note", "hi\u200b"], f"note contains {CF}"),
        (["event", "log", "Acme", "note", "--note", "two\nlines"], "note contains control characters"),
        (["handover", "Acme", "--to", "Kim", "--promised", "p\u202ex"], f"--promised contains {CF}"),
        (
            ["handover", "Acme", "--to", "Kim", "--open-issues", "a\x1b[2Jb"],
            "--open-issues contains control characters",
        ),
    ],
)
def test_control_and_format_characters_are_refused_naming_the_field(handoff, dump, argv, line):
    handoff.ok("account", "add", "Acme", "--signed", "2026-01-01")
    handoff.ok("milestone", "add", "Acme", "Kickoff", "--due", "2026-02-01")
    before = dump()
    assert_refused(handoff(*argv), line, dump, before)


# -- imports -------------------------------------------------------------------


def test_import_accounts_matches_an_nfd_name_to_the_nfc_account(handoff, tmp_path):
    handoff.ok("account", "add", NFC, "--signed", "2026-01-01")
    f = write(tmp_path, "a.csv", f"name,signed,segment\n{NFD},2026-01-01,retail\n")
    handoff.ok("import", "accounts", f)
    rows = handoff.json("account", "list")["accounts"]
    assert [(r["name"], r["segment"]) for r in rows] == [(NFC, "retail")]


def test_import_accounts_nfc_and_nfd_rows_of_one_name_are_one_account(handoff, tmp_path):
    handoff.ok("init")
    # one account twice in a file: both rows are bad (PRODUCT.md section 2), each naming the other
    f = write(tmp_path, "a.csv", f"name,signed\n{NFD},2026-01-01\n{NFC.upper()},2026-01-01\n")
    result = handoff("import", "accounts", f)
    assert result.exit_code == 1
    once = ": a file may name each account once"
    assert result.stderr.splitlines()[:2] == [
        f"{f}:2: account '{NFC}' is also on line 3{once}",
        f"{f}:3: account '{NFC.upper()}' is also on line 2{once}",
    ]
    # a file that names it once, in NFD, updates the account stored in NFC
    handoff.ok("account", "add", NFC.upper(), "--signed", "2026-01-01")
    g = write(tmp_path, "b.csv", f"name,signed\n{NFD},2026-01-02\n")
    assert "create 0, update 1" in handoff.ok("import", "accounts", g).stderr
    assert [r["name"] for r in handoff.json("account", "list")["accounts"]] == [NFC]


def test_import_refuses_format_characters_naming_file_line_and_field(handoff, tmp_path, dump):
    handoff.ok("init")
    f = write(tmp_path, "a.csv", "name,signed\nAcme,2026-01-01\nBe\u200bta,2026-01-01\n")
    before = dump()
    result = handoff("import", "accounts", f)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == f"{f}:3: name contains {CF}"
    assert dump() == before
    handoff.ok("account", "add", NFC, "--signed", "2026-01-01")
    e = write(tmp_path, "e.csv", f"account,kind,on,note\n{NFD},note,2026-01-02,{NFD}\n{NFC},note,2026-01-02,a\u202eb\n")
    result = handoff("import", "events", e)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == f"{e}:3: note contains {CF}"
    handoff.ok("import", "events", e, "--skip-invalid")
    assert [x["note"] for x in handoff.json("event", "list", NFC)["events"]] == [NFC]
