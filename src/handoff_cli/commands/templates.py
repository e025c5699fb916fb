"""Milestone templates: implementation plans kept as TOML data.

handoff ships `standard` (templates/standard.toml in the package). Users add
their own as `<config folder>/templates/<name>.toml`; a user template with the
name of a shipped one replaces it. A template is:

    description = "..."            # optional
    [[milestones]]
    title = "Discovery and scoping"
    kind = "discovery"             # default: other
    side = "vendor"                # vendor (default) or customer
    offset_days = 7                # due date = start date + offset_days

Applying a template is all or nothing: if any of its titles exists on the
account already, nothing is added.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Optional

from handoff_cli.clock import MAX_DATE, MIN_DATE
from handoff_cli.commands.rows import stored_id
from handoff_cli.errors import BadInput, Conflict, NotFound
from handoff_cli.text import quoted

_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
_ITEM_KEYS = {"title", "kind", "side", "offset_days"}
_TOP_KEYS = {"description", "milestones"}
MAX_OFFSET = 3650


@dataclass(frozen=True)
class TemplateItem:
    title: str
    kind: str
    side: str
    offset_days: int


@dataclass(frozen=True)
class Template:
    name: str
    source: str
    description: Optional[str]
    items: tuple[TemplateItem, ...]


@dataclass(frozen=True)
class TemplateApplied:
    account: str
    template: str
    start_on: date
    milestones: tuple[Any, ...]  # MilestoneView, in due order
    # milestones added done because their fact (go-live, workflow-live) was recorded already
    notes: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {
            "account": self.account,
            "template": self.template,
            "start_on": self.start_on,
            "milestones": [m.as_dict() for m in self.milestones],
        }


def user_templates_dir() -> Path:
    """<config folder>/templates, next to the config file."""
    from handoff_cli.config import config_path

    return config_path().parent / "templates"


def _package_templates() -> dict[str, Any]:
    from importlib.resources import files

    folder = files("handoff_cli").joinpath("templates")
    return {p.name[: -len(".toml")]: p for p in folder.iterdir() if p.name.endswith(".toml") and p.is_file()}


def _user_templates() -> dict[str, Path]:
    folder = user_templates_dir()
    if not folder.is_dir():
        return {}
    return {p.stem: p for p in folder.glob("*.toml") if p.is_file() and _NAME.fullmatch(p.stem)}


def template_names() -> list[str]:
    """Every template name available: shipped ones and the user's, sorted."""
    return sorted(set(_package_templates()) | set(_user_templates()))


def _fail(source: str, problem: str) -> BadInput:
    return BadInput(f"template file {source}: {problem}")


def parse_template(name: str, source: str, text: str, kinds: Sequence[str]) -> Template:
    """Check a template's TOML text; every problem is one line naming the file."""
    from handoff_cli.commands.common import clean_text
    from handoff_cli.store.models import SIDES

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _fail(source, f"not valid TOML: {' '.join(str(exc).split())}") from None
    unknown = sorted(set(data) - _TOP_KEYS)
    if unknown:
        raise _fail(source, f"unknown key(s) {', '.join(unknown)}: a template has description and [[milestones]]")
    description = data.get("description")
    if description is not None and not isinstance(description, str):
        raise _fail(source, "description must be a string")
    rows = data.get("milestones")
    if not isinstance(rows, list) or not rows:
        raise _fail(source, "no milestones: add [[milestones]] tables with title and offset_days")
    items: list[TemplateItem] = []
    seen: dict[str, int] = {}
    for n, row in enumerate(rows, start=1):
        where = f"milestone {n}"
        if not isinstance(row, dict):
            raise _fail(source, f"{where} must be a [[milestones]] table")
        extra = sorted(set(row) - _ITEM_KEYS)
        if extra:
            raise _fail(source, f"{where} has unknown key(s) {', '.join(extra)}: use title, kind, side, offset_days")
        title = row.get("title")
        if not isinstance(title, str):
            raise _fail(source, f"{where} needs a title (a string)")
        try:
            title = clean_text(title, f"{where} title")
        except BadInput as exc:
            raise _fail(source, str(exc)) from None
        kind = row.get("kind", "other")
        if kind not in kinds:
            raise _fail(source, f"{where} ({title!r}) has unknown kind {kind!r}: use one of {', '.join(kinds)}")
        side = row.get("side", "vendor")
        if side not in SIDES:
            raise _fail(source, f"{where} ({title!r}) has side {side!r}: use {' or '.join(SIDES)}")
        offset = row.get("offset_days")
        if isinstance(offset, bool) or not isinstance(offset, int) or abs(offset) > MAX_OFFSET:
            raise _fail(
                source,
                f"{where} ({title!r}) needs offset_days, a whole number of days from -{MAX_OFFSET} to {MAX_OFFSET}",
            )
        key = title.casefold()
        if key in seen:
            raise _fail(source, f"{where} repeats the title {title!r} of milestone {seen[key]}")
        seen[key] = n
        items.append(TemplateItem(title=title, kind=kind, side=side, offset_days=offset))
    return Template(name=name, source=source, description=description, items=tuple(items))


def load_template(name: str, kinds: Optional[Sequence[str]] = None) -> Template:
    """A template by name: the user's file wins over the shipped one."""
    from handoff_cli.commands.milestones import milestone_kinds

    if kinds is None:
        kinds = milestone_kinds()
    user = _user_templates()
    package = _package_templates()
    if _NAME.fullmatch(name or "") and name in user:
        path = user[name]
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise _fail(str(path), f"cannot be read ({getattr(exc, 'strerror', None) or exc})") from None
        return parse_template(name, str(path), text, kinds)
    if _NAME.fullmatch(name or "") and name in package:
        res = package[name]
        return parse_template(name, f"{name}.toml (shipped with handoff)", res.read_text(encoding="utf-8"), kinds)
    names = sorted(set(user) | set(package))
    raise NotFound(
        f"no milestone template {name!r}: available: {', '.join(names) or 'none'}"
        f" (add your own as {user_templates_dir() / '<name>.toml'})"
    )


def apply_template(
    account: str,
    *,
    name: str = "standard",
    start: Optional[date] = None,
    on: date,
    store: Any,
    today: date,
) -> TemplateApplied:
    """Add a template's milestones to an account, due at start + offset; all or nothing."""
    from handoff_cli.commands.common import find_account
    from handoff_cli.commands.milestones import done_by_recorded_fact, existing_title_keys, new_milestone, view_of

    start_on = on if start is None else start
    template = load_template(name)
    try:
        dues = [start_on + timedelta(days=item.offset_days) for item in template.items]
    except OverflowError:
        dues = []
    if any(not MIN_DATE <= due <= MAX_DATE for due in dues) or len(dues) != len(template.items):
        raise BadInput(
            f"start date {start_on.isoformat()} puts due dates out of range (dates lie between "
            f"{MIN_DATE.isoformat()} and {MAX_DATE.isoformat()}): choose another --start"
        )
    with store.write() as s:
        acc = find_account(s, account)
        existing = existing_title_keys(s, stored_id(acc))
        clashes = [existing[item.title.casefold()] for item in template.items if item.title.casefold() in existing]
        if clashes:
            raise Conflict(
                f"{acc.name} has milestone(s) {', '.join(quoted(t) for t in clashes)} already: "
                f"template {template.name!r} added nothing (titles are unique per account, ignoring case)"
            )
        rows = [
            new_milestone(stored_id(acc), item.title, item.kind, item.side, due, on)
            for item, due in zip(template.items, dues)
        ]
        notes = [note for m in rows if (note := done_by_recorded_fact(s, stored_id(acc), acc.name, m))]
        s.add_all(rows)
        s.flush()
        ordered = sorted(rows, key=lambda m: (m.due_on, m.id))
        return TemplateApplied(
            account=acc.name,
            template=template.name,
            start_on=start_on,
            milestones=tuple(view_of(m, 0, today) for m in ordered),
            notes=tuple(notes),
        )
