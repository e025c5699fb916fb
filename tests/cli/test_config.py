"""`handoff config path | show`, and validation of the config file."""

from __future__ import annotations

import tomllib

from handoff_cli.config import DEFAULTS


def test_config_path_is_handoff_config(handoff, tmp_path):
    assert handoff.ok("config", "path").stdout == f"{tmp_path / 'config.toml'}\n"


def test_config_show_defaults_as_toml_that_reads_back(handoff):
    out = handoff.ok("config", "show").stdout
    assert tomllib.loads(out) == DEFAULTS
    assert '[rules.stalled]\nseverity = "breach"\nweight = 25\ndays = 14\n' in out


def test_config_show_json_overlays_the_file(handoff, tmp_path):
    (tmp_path / "config.toml").write_text("[bands]\ngreen = 80\n\n[rules.ownerless]\nweight = 35\n")
    out = handoff.json("config", "show")
    assert out["config"]["bands"] == {"green": 80, "yellow": 50}
    assert out["config"]["rules"]["ownerless"] == {"severity": "breach", "weight": 35}
    assert out["config"]["rules"]["stalled"] == DEFAULTS["rules"]["stalled"]


def test_config_weights_and_bands_drive_the_reports(handoff, tmp_path):
    # Nobody owns Acme (signed 05-20, 12 days ago): ownerless 30 -> 35 here, no-success-plan 15,
    # no-exec-sponsor 10: 100 - 60 = 40; with yellow at 40 the band is yellow.
    (tmp_path / "config.toml").write_text("[bands]\nyellow = 40\n\n[rules.ownerless]\nweight = 35\n")
    handoff.ok("account", "add", "Acme", "--signed", "2026-05-20")
    (row,) = handoff.json("report", "health")["accounts"]
    assert (row["score"], row["band"]) == (40, "yellow")


def bad(handoff, tmp_path, text):
    (tmp_path / "config.toml").write_text(text)
    result = handoff("report", "breaches")
    assert result.exit_code == 2
    assert result.stdout == ""
    return result.stderr.strip()


def test_unknown_rule_id_names_the_line(handoff, tmp_path):
    err = bad(handoff, tmp_path, "[bands]\ngreen = 80\n\n[rules.stale]\nweight = 1\n")
    assert err.startswith(f"handoff: config {tmp_path / 'config.toml'}, line 4: rules.stale is not a known rule id")
    assert "\n" not in err


def test_wrong_type_names_the_line(handoff, tmp_path):
    err = bad(handoff, tmp_path, '[rules.stalled]\nseverity = "breach"\ndays = "two weeks"\n')
    assert err == f"handoff: config {tmp_path / 'config.toml'}, line 3: rules.stalled.days must be a whole number"


def test_unknown_setting_and_bad_severity(handoff, tmp_path):
    assert "rules.stalled.dayz is not a setting" in bad(handoff, tmp_path, "[rules.stalled]\ndayz = 3\n")
    assert "must be one of breach, warning" in bad(handoff, tmp_path, '[rules.stalled]\nseverity = "fatal"\n')
    assert "must be from 0 to 100" in bad(handoff, tmp_path, "[rules.stalled]\nweight = -5\n")
    assert "yellow <= green" in bad(handoff, tmp_path, "[bands]\ngreen = 40\n")
    assert "not a known section" in bad(handoff, tmp_path, "[colours]\nred = 1\n")


def test_malformed_toml_names_the_line(handoff, tmp_path):
    err = bad(handoff, tmp_path, "[bands]\ngreen = 80\n[rules\n")
    assert "is not valid TOML" in err and "line 3" in err
