"""Accounts are named by name, external id, or a unique prefix (PRODUCT.md section 2)."""

from __future__ import annotations

import pytest


@pytest.fixture
def named(handoff):
    handoff.ok("account", "add", "Cobalt Freight", "--signed", "2026-01-05", "--external-id", "HS-1001")
    handoff.ok("account", "add", "Copper Mills", "--signed", "2026-01-05", "--external-id", "sf-77")
    handoff.ok("account", "add", "Fresh Freight Co", "--signed", "2026-01-05")
    handoff.ok("account", "add", "Cob", "--signed", "2026-01-05")


def name_of(handoff, ref: str) -> str:
    return handoff.json("account", "show", ref)["account"]["name"]


def test_a_unique_prefix_of_the_name_finds_the_account(handoff, named):
    assert name_of(handoff, "copp") == "Copper Mills"
    assert name_of(handoff, "COBALT") == "Cobalt Freight"
    assert name_of(handoff, "cobalt f") == "Cobalt Freight"


def test_a_prefix_of_a_word_of_the_name_finds_the_account(handoff, named):
    assert name_of(handoff, "mill") == "Copper Mills"


def test_the_external_id_is_matched_ignoring_case_and_by_prefix(handoff, named):
    assert name_of(handoff, "hs-1001") == "Cobalt Freight"
    assert name_of(handoff, "SF-77") == "Copper Mills"
    assert name_of(handoff, "sf-") == "Copper Mills"


def test_an_exact_name_beats_a_prefix(handoff, named):
    # "cob" is the whole name of Cob and a prefix of Cobalt Freight
    assert name_of(handoff, "cob") == "Cob"


def test_an_exact_external_id_beats_a_prefix(handoff):
    handoff.ok("account", "add", "Zeta", "--signed", "2026-01-05", "--external-id", "ab")
    handoff.ok("account", "add", "Abacus", "--signed", "2026-01-05")
    assert name_of(handoff, "AB") == "Zeta"


def test_an_ambiguous_prefix_is_bad_input_that_lists_the_candidates(handoff, named, dump):
    before = dump()
    result = handoff("event", "log", "fr", "note", "--note", "x")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "handoff: account 'fr' is ambiguous: it fits 'Cobalt Freight', 'Fresh Freight Co';"
        " type more of the name or the external id"
    ]
    assert dump() == before


def test_nothing_matching_is_bad_input_with_a_hint(handoff, named):
    result = handoff("status", "Zinc")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == ["handoff: no account 'Zinc'; see `handoff account list`"]


def test_a_write_found_by_prefix_names_the_account_in_its_confirmation(handoff, named):
    result = handoff.ok("event", "log", "copp", "note", "--on", "2026-05-01", "--note", "hello")
    assert result.stderr.splitlines() == ["logged note for Copper Mills on 2026-05-01"]
    result = handoff.ok("owner", "assign", "mill", "csm", "Dana")
    assert result.stderr.splitlines() == ["Dana holds the csm role on Copper Mills from 2026-06-01"]


def test_every_command_uses_the_same_lookup(handoff, named):
    handoff.ok("milestone", "add", "copp", "Kickoff", "--due", "2026-06-10")
    assert handoff.json("milestone", "list", "copp")["account"] == "Copper Mills"
    assert handoff.json("event", "list", "copp")["account"] == "Copper Mills"
    assert handoff.json("status", "copp")["account"] == "Copper Mills"
    assert handoff.json("owner", "history", "copp")["account"] == "Copper Mills"


def test_milestone_titles_are_named_by_a_unique_prefix_too(handoff, named):
    handoff.ok("milestone", "add", "copp", "SSO with Okta", "--due", "2026-06-10")
    handoff.ok("milestone", "add", "copp", "Go-live", "--kind", "go-live", "--due", "2026-06-20")
    handoff.ok("milestone", "add", "copp", "Go-live review", "--due", "2026-06-25")
    result = handoff.ok("milestone", "done", "copp", "okta")
    assert result.stderr == "milestone 'SSO with Okta' of Copper Mills done on 2026-06-01\n"
    result = handoff("milestone", "done", "copp", "go")
    assert result.exit_code == 2
    assert result.stderr == (
        "handoff: milestone 'go' of Copper Mills is ambiguous: it fits 'Go-live', 'Go-live review'; "
        "type more of the title\n"
    )
    # an exact title wins over the prefix it also is
    assert "milestone 'Go-live' of Copper Mills done" in handoff.ok("milestone", "done", "copp", "go-live").stderr
