"""The configuration file: TTV targets by motion, rule thresholds and weights,
health bands, the adoption threshold. A missing file means the defaults of
PRODUCT.md; a malformed one is a clear error naming the line."""

from __future__ import annotations

import copy
import json
import math
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn, Optional

from handoff_cli.errors import BadInput
from handoff_cli.vocab import MILESTONE_KINDS, MOTIONS, SEVERITIES

DEFAULTS: dict[str, Any] = {
    "ttv_target_days": {"high-touch": 90, "self-serve": 14},
    "adoption": {"threshold": 3, "weeks": 4},
    "bands": {"green": 75, "yellow": 50},
    # One row per rule: severity, weight, thresholds. A new rule is one function
    # in domain/rules.py (registered in RULES) and one row here.
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
    except UnicodeDecodeError as exc:
        raise BadInput(
            f"config {path} is not UTF-8 text (byte {exc.start + 1} is {exc.object[exc.start]:#04x}): save it as UTF-8"
        ) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise BadInput(f"config {path} is not valid TOML: {exc}") from None
    validate(data, path=path, text=text)
    return _merge(DEFAULTS, data)


# -- validation ----------------------------------------------------------------

_INT = "a whole number"
_NUM = "a number"
# Bounds: no config value may push a report past the calendar or the score scale.
MAX_DAYS = 36_500  # a hundred years, the same bound as an account's --ttv-target
MAX_WEIGHT = 100  # the health score runs from 0 to 100
MAX_USERS = 1_000_000_000
# The keys a rule row may carry, with their type, lowest and highest value.
_RULE_KEYS: dict[str, tuple[str, Any, Any]] = {
    "severity": ("severity", None, None),
    "weight": (_INT, 0, MAX_WEIGHT),
    "enabled": ("bool", None, None),
    "days": (_INT, 0, MAX_DAYS),
    "max_weight": (_INT, 0, MAX_WEIGHT),
    "max_users": (_NUM, 0, MAX_USERS),
    "min_accounts_for_lag": (_INT, 1, 1_000_000),
    "default_lag_days": ("motions", 0, MAX_DAYS),
}
_SECTIONS: dict[str, dict[str, tuple[str, Any, Any]]] = {
    "ttv_target_days": {m: (_INT, 0, MAX_DAYS) for m in MOTIONS},
    "adoption": {"threshold": (_NUM, 0, MAX_USERS), "weeks": (_INT, 1, 520)},
    "bands": {"green": (_INT, 0, 100), "yellow": (_INT, 0, 100)},
    # extra milestone kinds, beside the default ones (commands/milestones.py)
    "milestones": {"kinds": ("names", None, None)},
    # who `handoff ack` names when --by is not given
    "ack": {"by": ("text", None, None)},
    # `handoff notify` (commands/notify.py): channels, repeat interval (days, bounded), heartbeat, per-owner routes
    "notify": {
        "urls": ("urls", None, None),
        "repeat_open_breaches": ("interval", 0, MAX_DAYS),
        "heartbeat_url": ("text", None, None),
        "routes": ("routes", None, None),
    },
}


def _line_of(text: str, dotted: str) -> Optional[int]:
    """The line of the file that sets (or opens) the dotted key, for error messages."""
    table = ""
    want = dotted.split(".")
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        m = re.match(r"^\[\[?\s*([^\]]+?)\s*\]\]?$", line)
        if m:
            table = m.group(1)
            parts = [p.strip().strip("\"'") for p in table.split(".")]
            if parts == want[: len(parts)] and len(parts) == len(want):
                return number
            continue
        m = re.match(r"^([^=]+?)\s*=", line)
        if not m:
            continue
        key = [p.strip().strip("\"'") for p in m.group(1).split(".")]
        head = [p.strip().strip("\"'") for p in table.split(".")] if table else []
        full = head + key
        if full == want[: len(full)] or want == full[: len(want)]:
            return number
    return None


def _check_value(value: Any, kind: str, low: Any, high: Any = None) -> Optional[str]:
    """Why the value is wrong for its kind, or None."""
    if kind == "severity":
        return None if value in SEVERITIES else f"must be one of {', '.join(SEVERITIES)}"
    if kind == "bool":
        return None if isinstance(value, bool) else "must be true or false"
    if kind == "text":
        return None if isinstance(value, str) and value.strip() else "must be a non-empty string"
    if kind == "urls":
        ok = isinstance(value, list) and all(isinstance(v, str) and "://" in v for v in value)
        return None if ok else 'must be a list of Apprise URLs, like ["mailto://cs@example.com"]'
    if kind == "interval":
        m = re.fullmatch(r"\s*(\d+)\s*([dw])\s*", value) if isinstance(value, str) else None
        if m is None:
            return 'must be a number of days or weeks, like "7d" or "2w"'
        days = int(m.group(1)) * (7 if m.group(2) == "w" else 1)
        if (low is not None and days < low) or (high is not None and days > high):
            return f"must be from {low} to {high} days ({value.strip()} is {days} days)"
        return None
    if kind == "routes":
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            return "must be [[notify.routes]] tables"
        for route in value:
            unknown = sorted(set(route) - {"owner", "urls", "severity"})
            if unknown:
                return f"has an unknown setting {unknown[0]!r} (use owner, urls, severity)"
            if _check_value(route.get("owner"), "text", None):
                return "needs an owner (the person whose accounts it gets)"
            why = _check_value(route.get("urls"), "urls", None)
            if why:
                return f"urls {why}"
            sev = route.get("severity", list(SEVERITIES))
            if not isinstance(sev, list) or not sev or any(s not in SEVERITIES for s in sev):
                return f'severity must be a list of {", ".join(SEVERITIES)}, like ["breach"]'
        return None
    if kind == "names":
        ok = isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value)
        return None if ok else 'must be a list of names, like ["training"]'
    if kind == "motions":
        if not isinstance(value, dict):
            return "must be a table of motions (high-touch, self-serve) to whole numbers of days"
        for m, v in value.items():
            if m not in MOTIONS:
                return f"has an unknown motion {m!r} (use {', '.join(MOTIONS)})"
            why = _check_value(v, _INT, low, high)
            if why:
                return f"{m} {why}"
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or (kind == _INT and not isinstance(value, int)):
        return f"must be {kind}"
    if not math.isfinite(value):
        return f"must be {kind}, not {value}"
    if low is not None and value < low:
        return f"must be {low} or more" if high is None else f"must be from {low} to {high}"
    if high is not None and value > high:
        return f"must be from {low} to {high}" if low is not None else f"must be {high} or less"
    return None


def validate(data: dict[str, Any], *, path: Path, text: str = "") -> None:
    """Reject unknown sections, unknown rule ids and keys, and values of the wrong type.
    The error names the file, the key, and the line when it can be found."""

    def fail(dotted: str, why: str) -> NoReturn:
        line = _line_of(text, dotted)
        where = f"{path}, line {line}" if line else str(path)
        raise BadInput(f"config {where}: {dotted} {why}")

    for section, body in data.items():
        if section == "rules":
            if not isinstance(body, dict):
                fail("rules", "must be a table of [rules.<id>] rows")
            known = DEFAULTS["rules"]
            for rule_id, row in body.items():
                if rule_id not in known:
                    fail(f"rules.{rule_id}", f"is not a known rule id (known: {', '.join(known)})")
                if not isinstance(row, dict):
                    fail(f"rules.{rule_id}", "must be a table of settings (severity, weight, ...)")
                for key, value in row.items():
                    spec = _RULE_KEYS.get(key)
                    if spec is None or (key not in known[rule_id] and key not in ("severity", "weight", "enabled")):
                        allowed = sorted(set(known[rule_id]) | {"enabled"})
                        fail(f"rules.{rule_id}.{key}", f"is not a setting of this rule (use {', '.join(allowed)})")
                    why = _check_value(value, *spec)
                    if why:
                        fail(f"rules.{rule_id}.{key}", why)
            continue
        spec_section = _SECTIONS.get(section)
        if spec_section is None:
            fail(section, f"is not a known section (use {', '.join([*_SECTIONS, 'rules'])})")
        if not isinstance(body, dict):
            fail(section, "must be a table")
        for key, value in body.items():
            spec = spec_section.get(key)
            if spec is None:
                fail(f"{section}.{key}", f"is not a known setting (use {', '.join(spec_section)})")
            why = _check_value(value, *spec)
            if why:
                fail(f"{section}.{key}", why)
    bands = _merge(DEFAULTS["bands"], data.get("bands", {}))
    if not 0 <= bands["yellow"] <= bands["green"] <= 100:
        fail("bands", "must satisfy 0 <= yellow <= green <= 100")


# -- showing -------------------------------------------------------------------


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):  # an inline table, such as one of [[notify.routes]]
        return "{" + ", ".join(f"{_toml_key(k)} = {_toml_value(v)}" for k, v in value.items()) + "}"
    return json.dumps(value, ensure_ascii=False)


def _toml_key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else json.dumps(key)


def to_toml(config: dict[str, Any]) -> str:
    """The configuration as TOML that load_config reads back to the same values."""
    out: list[str] = []

    def table(prefix: list[str], body: dict[str, Any]) -> None:
        scalars = {k: v for k, v in body.items() if not isinstance(v, dict)}
        tables = {k: v for k, v in body.items() if isinstance(v, dict)}
        if prefix and (scalars or not tables):
            out.append("[" + ".".join(_toml_key(p) for p in prefix) + "]")
            out.extend(f"{_toml_key(k)} = {_toml_value(v)}" for k, v in scalars.items())
            out.append("")
        for k, v in tables.items():
            table([*prefix, k], v)

    table([], config)
    return "\n".join(out).rstrip() + "\n"


# -- the typed view passed down the read path ------------------------------------


@dataclass(frozen=True)
class Config:
    """The effective configuration as the reports use it, built once at the CLI edge
    (``Config.load()``) and passed down like ``today``; nothing below reads the file."""

    ttv_target_days: Mapping[str, int]
    adoption_threshold: float
    adoption_weeks: int
    green: int
    yellow: int
    rules: Mapping[str, Mapping[str, Any]]  # rule id -> its row (severity, weight, thresholds, enabled)
    milestone_kinds: tuple[str, ...]
    ack_by: Optional[str] = None  # [ack] by: who `handoff ack` names when --by is not given
    notify: Mapping[str, Any] = field(default_factory=dict)  # [notify]: urls, routes, repeat, heartbeat

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Config:
        merged = _merge(DEFAULTS, dict(data))
        kinds = list(MILESTONE_KINDS)
        for k in merged.get("milestones", {}).get("kinds", []):
            if isinstance(k, str) and k.strip() and k.strip() not in kinds:
                kinds.append(k.strip())
        return cls(
            ttv_target_days={m: int(v) for m, v in merged["ttv_target_days"].items()},
            adoption_threshold=float(merged["adoption"]["threshold"]),
            adoption_weeks=int(merged["adoption"]["weeks"]),
            green=int(merged["bands"]["green"]),
            yellow=int(merged["bands"]["yellow"]),
            rules={rid: dict(row) for rid, row in merged["rules"].items()},
            milestone_kinds=tuple(kinds),
            ack_by=merged.get("ack", {}).get("by"),
            notify=dict(merged.get("notify", {})),
        )

    @classmethod
    def load(cls, path: Path | None = None) -> Config:
        return cls.from_dict(load_config(path))

    @classmethod
    def defaults(cls) -> Config:
        return cls.from_dict({})

    def rule(self, rule_id: str) -> Mapping[str, Any]:
        return self.rules.get(rule_id, {})

    def target_days(self, motion: str) -> int:
        return int(self.ttv_target_days.get(motion, 90))
