from handoff_cli.store.lookup import account_not_found, close_matches


def test_close_matches_ignore_case():
    names = ["Acme", "Beta Corp", "Globex"]
    assert close_matches("acne", names) == ["Acme"]
    assert close_matches("ACNE", names) == ["Acme"]


def test_close_matches_fall_back_to_substring():
    assert close_matches("corp", ["Acme", "Beta Corp"]) == ["Beta Corp"]


def test_close_matches_keep_the_stored_spelling_and_dedupe():
    assert close_matches("globx", ["GLOBEX", "globex"]) == ["GLOBEX"]


def test_not_found_message_is_one_line_with_a_hint():
    err = account_not_found("acne", ["Acme"])
    assert str(err) == "no account 'acne'; did you mean 'Acme'?"
    assert str(account_not_found("zzz", ["Acme"])) == "no account 'zzz'; see `handoff account list`"
