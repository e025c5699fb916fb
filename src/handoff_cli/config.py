"""The configuration file: TTV targets by motion, rule thresholds and weights,
health bands, the adoption threshold. A missing file means the defaults of
PRODUCT.md; a malformed one is a clear error naming the line."""

from __future__ import annotations

import copy
import os
import tomllib
from pathlib import Path
from typing import Any

from handoff_cli.errors import BadInput

DEFAULTS: dict[str, Any] = {
    "ttv_target_days": {"high-touch": 90, "self-serve": 14},
    "adoption": {"threshold": 3, "weeks": 4},
    "bands": {"green": 75, "yellow": 50},
    "store": {"busy_timeout_seconds": 10},
    # One row per rule: severity, weight, thresholds. A new rule is one function
    # in services/rules.py and one row here.
    "rules": {
        "ttv-breach": {"severity": "breach", "weight": 40},
        "ttv-at-risk": {
            "severity": "warning",
            "weight": 15,
            "min_accounts_for_lag": 3,
            "default_lag_days": {"high-touch": 14, "self-serve": 3},
        },
        "ownerless": {"severity": "breach", "weight": 30},
        "stalled": {"severity": "breach", "weight": 25, "days": 14},
        "premature-close": {"severity": "breach", "weight": 20},
        "no-success-plan": {"severity": "warning", "weight": 15, "days": 7},
        "no-exec-sponsor": {"severity": "warning", "weight": 10},
        "sponsor-change": {"severity": "warning", "weight": 10, "days": 30},
        "milestone-overdue": {"severity": "warning", "weight": 5, "max_weight": 15},
        "config-gate-handover": {"severity": "warning", "weight": 10},
        "cold-handover": {"severity": "warning", "weight": 5},
        "scope-creep": {"severity": "warning", "weight": 10},
        "champion-only": {"severity": "warning", "weight": 10, "days": 30, "max_users": 1},
    },
}


def config_path() -> Path:
    env = os.environ.get("HANDOFF_CONFIG")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_config_dir

    return Path(user_config_dir("handoff", appauthor=False)) / "config.toml"


def _merge(base: dict[str, Any], over: dict[str, Any], where: str = "") -> dict[str, Any]:
    out = copy.deepcopy(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value, f"{where}{key}.")
        else:
            out[key] = value
    return out


def load_config(path: Path | None = None) -> dict[str, Any]:
    """The effective configuration: defaults overlaid with the user's file."""
    path = path or config_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return copy.deepcopy(DEFAULTS)
    except OSError as exc:
        raise BadInput(f"cannot read config {path}: {exc.strerror}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise BadInput(f"config {path} is not valid TOML: {exc}") from None
    return _merge(DEFAULTS, data)
