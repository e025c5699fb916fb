"""`handoff notify` (PRODUCT.md section 9): the change-aware breach report, delivered.

One run, under the notify lock (``notify_lock``):
1. the breach report with ``--diff last-run`` (commands/changes.py);
2. what to send: new and resolved findings, and open breaches again once per
   ``repeat_open_breaches`` (default 7d) unless an ack in force covers them;
3. one message per channel: the config's ``[notify] urls`` get every finding sent,
   each ``[[notify.routes]]`` only the findings of the accounts where its owner holds
   the implementation or csm role now, of the severities it lists;
4. delivery through Apprise (markdown for chat, a small HTML page for email);
5. only when every delivery worked: the run is recorded (the next baseline).

Apprise and jinja2 are imported here only, and only by the `notify` command.
"""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional

from handoff_cli.commands.changes import Identity, finding_record, identity
from handoff_cli.config import Config
from handoff_cli.domain.rules import Finding
from handoff_cli.errors import BadInput, StoreBusy, StoreError
from handoff_cli.queries.reports import BreachesReport, breaches_report
from handoff_cli.store import Store, busy_timeout

if TYPE_CHECKING:
    import jinja2

DEFAULT_REPEAT = "7d"
# runs kept in the store: the last one is the baseline, a few more for looking back
KEEP_RUNS = 30
NOTIFY_LOCK_KEY = 815053  # PostgreSQL advisory lock (store.py has the others)
EMAIL_SCHEMES = ("mailto", "mailtos")


def repeat_days(config: Config) -> int:
    """`repeat_open_breaches` ("7d", "2w") in days."""
    text = str(config.notify.get("repeat_open_breaches", DEFAULT_REPEAT)).strip()
    m = re.fullmatch(r"(\d+)\s*([dw])", text)
    if m is None:  # pragma: no cover - config.validate refuses it first
        raise BadInput(f"[notify] repeat_open_breaches {text!r} must be like '7d' or '2w'")
    return int(m.group(1)) * (7 if m.group(2) == "w" else 1)


@dataclass(frozen=True)
class Channel:
    """One Apprise URL and what it gets."""

    url: str
    findings: tuple[Finding, ...]  # what it is sent
    current: tuple[Finding, ...]  # the open findings of its scope, for the counts on top
    accounts: int  # the accounts of its scope
    owner: Optional[str] = None  # a route's owner; None for the config's [notify] urls

    @property
    def is_email(self) -> bool:
        return self.url.split("://", 1)[0].lower() in EMAIL_SCHEMES


@dataclass(frozen=True)
class NotifyPlan:
    report: BreachesReport
    sent: tuple[Finding, ...]  # what this run sends (new, resolved, repeated open breaches)
    channels: tuple[Channel, ...]
    records: tuple[dict[str, Any], ...]  # the run as it will be stored
    accounts: int
    exit_code: int
    hook_findings: tuple[Finding, ...] = field(default_factory=tuple)  # new and resolved

    @property
    def changed(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.sent if f.change in ("new", "resolved"))


def plan_notify(*, store: Store, today: date, config: Config, strict: bool = False) -> NotifyPlan:
    """What this run sends, to whom, and the run record, from the report with --diff last-run."""
    report = breaches_report(store=store, today=today, config=config, baseline="last-run")
    last = report.last_run
    every = repeat_days(config)
    sent_before: dict[Identity, date] = dict(last.sent_on) if last is not None else {}
    sent: list[Finding] = []
    records: list[dict[str, Any]] = []
    for f in report.findings:
        if f.change == "resolved":
            sent.append(f)
            continue
        key = identity(f)
        previous = sent_before.get(key)
        if f.change == "new":
            due = True
        else:
            due = (
                f.severity == "breach"
                and f.acknowledged is None
                and (previous is None or today - previous >= timedelta(days=every))
            )
        if due:
            sent.append(f)
        records.append(finding_record(f, today if due else previous))
    notify = config.notify
    owners = report.owners or {}
    current = tuple(f for f in report.findings if f.change != "resolved")
    channels = [Channel(url, tuple(sent), current, len(owners)) for url in notify.get("urls", [])]
    for route in notify.get("routes", []):
        who = str(route["owner"]).strip().casefold()
        severities = set(route.get("severity", ["breach", "warning"]))

        mine = tuple(_of_owner(sent, who, severities, owners))
        now = tuple(_of_owner(current, who, severities, owners))
        accounts = sum(1 for held in owners.values() if who in held)
        channels += [Channel(url, mine, now, accounts, owner=str(route["owner"])) for url in route.get("urls", [])]
    code = 3 if report.breached(strict=strict) else 0
    return NotifyPlan(
        report=report,
        sent=tuple(sent),
        channels=tuple(channels),
        records=tuple(records),
        accounts=len(owners),
        exit_code=code,
        hook_findings=tuple(f for f in report.findings if f.change in ("new", "resolved")),
    )


def _of_owner(
    findings: Sequence[Finding], who: str, severities: set[str], owners: dict[str, frozenset[str]]
) -> Iterator[Finding]:
    """The findings of the accounts where `who` holds implementation or csm now, of those severities."""
    for f in findings:
        if f.severity in severities and who in owners.get(f.account.casefold(), frozenset()):
            yield f


# -- the message ---------------------------------------------------------------------


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 'es' if word.endswith('ch') else 's'}"


def headline(findings: Sequence[Finding], accounts: int, as_of: date) -> str:
    """'3 breaches, 5 warnings in 6 of 17 accounts as of 2026-12-01' over the open findings."""
    current = [f for f in findings if f.change != "resolved"]
    breaches = sum(1 for f in current if f.severity == "breach")
    warnings = len(current) - breaches
    with_findings = len({f.account.casefold() for f in current})
    return (
        f"{_plural(breaches, 'breach')}, {_plural(warnings, 'warning')} in {with_findings} of "
        f"{_plural(accounts, 'account')} as of {as_of.isoformat()}"
    )


# what markdown (and chat flavours of it) could read as markup in running text: emphasis, code,
# links and images, HTML, tables, strike-through, headings
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~#])")


def md_escape(text: Any) -> str:
    """Stored text as literal markdown: every character markdown could read as markup escaped."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(text).splitlines()))


@dataclass(frozen=True)
class Message:
    title: str
    markdown: str
    html: str


def _groups(findings: Sequence[Finding]) -> list[dict[str, Any]]:
    """Findings grouped by account, accounts with a breach first (then by name), breaches first within."""
    by: dict[str, list[Finding]] = {}
    for f in findings:
        by.setdefault(f.account, []).append(f)

    def order(item: tuple[str, list[Finding]]) -> tuple:
        name, rows = item
        return (0 if any(f.severity == "breach" and f.change != "resolved" for f in rows) else 1, name.casefold())

    out = []
    for name, rows in sorted(by.items(), key=order):
        rows.sort(key=lambda f: (f.change == "resolved", f.severity != "breach"))
        out.append({"account": name, "findings": rows})
    return out


def _env() -> jinja2.Environment:
    import jinja2

    here = Path(__file__).resolve().parent.parent / "templates"
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(here)),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html", "html.j2"), default_for_string=False),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    env.filters["md"] = md_escape
    return env


def render_message(channel: Channel, *, as_of: date) -> Message:
    """The message for one channel: title, markdown body and HTML body."""
    sent = channel.findings
    counts = {
        "new": sum(1 for f in sent if f.change == "new"),
        "resolved": sum(1 for f in sent if f.change == "resolved"),
        "repeated": sum(1 for f in sent if f.change == "open"),
    }
    head = headline(channel.current, channel.accounts, as_of)
    change_line = ", ".join(f"{n} {what}" for what, n in counts.items() if n) or "nothing new"
    values = {
        "as_of": as_of.isoformat(),
        "headline": head,
        "change_line": change_line,
        "owner": channel.owner,
        "groups": _groups(sent),
    }
    env = _env()
    return Message(
        title=f"handoff: {change_line} ({head})",
        markdown=env.get_template("notify.md.j2").render(**values),
        html=env.get_template("notify.html.j2").render(**values),
    )


# -- delivery ------------------------------------------------------------------------


def shown_url(url: str) -> str:
    """The channel as a message may name it: Apprise's privacy form (secrets masked) without its
    query string, else the scheme and host with the rest hidden."""
    import apprise

    plugin = apprise.Apprise.instantiate(url, suppress_exceptions=True)
    if plugin:
        try:
            return str(plugin.url(privacy=True)).split("?", 1)[0]
        except Exception:  # noqa: BLE001 - a plugin's own formatting failed: fall back
            pass
    scheme, _, rest = url.partition("://")
    authority = re.split(r"[/?]", rest, maxsplit=1)[0]
    return f"{scheme}://{authority.rsplit('@', 1)[-1]}/***"


def _quiet_apprise() -> None:
    """Apprise logs its failures; they would reach stderr raw (URLs and all). handoff says one line instead."""
    import logging

    log = logging.getLogger("apprise")
    log.setLevel(logging.CRITICAL + 1)
    log.propagate = False


def deliver(channel: Channel, message: Message) -> Optional[str]:
    """Send one message; None when it worked, else one line naming the channel (secrets masked)."""
    import apprise

    _quiet_apprise()
    sender = apprise.Apprise()
    if not sender.add(channel.url):
        return f"notify: {shown_url(channel.url)} is not a channel Apprise knows (see the Apprise URL formats)"
    if channel.is_email:
        body, fmt = message.html, apprise.NotifyFormat.HTML
    else:
        body, fmt = message.markdown, apprise.NotifyFormat.MARKDOWN
    try:
        ok = sender.notify(body=body, title=message.title, body_format=fmt)
    except Exception as exc:  # noqa: BLE001 - any failure of a channel is a failed delivery
        return f"notify: delivery to {shown_url(channel.url)} failed ({type(exc).__name__})"
    return None if ok else f"notify: delivery to {shown_url(channel.url)} failed (no answer, or refused)"


def ping_heartbeat(url: str, code: int, timeout: float = 10.0) -> Optional[str]:
    """GET URL/EXIT-CODE (healthchecks.io style); None when it answered 2xx, else why not."""
    import urllib.error
    import urllib.request

    target = url.rstrip("/") + f"/{code}"
    try:
        with urllib.request.urlopen(target, timeout=timeout) as reply:  # noqa: S310 - the configured URL
            reply.read(1024)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", None) or type(exc).__name__
        return f"notify: heartbeat {shown_url(url)} not reached ({reason})"
    return None


# -- the run record --------------------------------------------------------------------


def record_run(plan: NotifyPlan, *, store: Store, today: date) -> None:
    """Store the run (its findings and when each was last sent), keeping the last KEEP_RUNS."""
    from sqlalchemy import delete, select

    from handoff_cli.store.models import NotifyRun

    # a delivery record, not a fact: left out of the journal, so `handoff undo` never reverts it
    with store.write(journal=False) as s:
        s.add(
            NotifyRun(
                as_of=today,
                findings=json.dumps(list(plan.records), ensure_ascii=False, sort_keys=True),
                sent=len(plan.sent),
                exit_code=plan.exit_code,
            )
        )
        s.flush()
        ids = NotifyRun.__table__.c.id  # type: ignore[attr-defined]
        keep = select(ids).order_by(ids.desc()).limit(KEEP_RUNS).scalar_subquery()
        s.execute(delete(NotifyRun).where(ids.not_in(keep)))


@contextmanager
def notify_lock(store: Store, *, timeout: Optional[float] = None) -> Iterator[None]:
    """One notify at a time per store, from computing the diff to recording the run, so two runs
    at once deliver each new finding once: the second waits, then finds the first's run.

    SQLite: an exclusive lock (flock) on the file STORE.notify-lock beside the store. PostgreSQL:
    a session advisory lock. Waiting longer than HANDOFF_BUSY_TIMEOUT is StoreBusy (exit 75).
    Other writers are never blocked by it."""
    wait = busy_timeout() if timeout is None else timeout
    if store.is_sqlite:
        import fcntl

        if store.path is None:  # pragma: no cover - resolve_url refuses in-memory stores
            raise StoreError("notify needs a store file")
        lock = store.path.with_name(store.path.name + ".notify-lock")
        fd = os.open(lock, os.O_CREAT | os.O_RDWR, 0o600)
        try:
            deadline = time.monotonic() + wait
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise StoreBusy("another handoff notify is running on this store; try again later") from None
                    time.sleep(0.05)
            try:
                yield
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)
        return
    from sqlalchemy import text

    with store.engine.connect() as conn:
        conn.execute(text(f"SET lock_timeout = '{max(1, int(wait * 1000))}ms'"))
        try:
            conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": NOTIFY_LOCK_KEY})
        except Exception as exc:  # noqa: BLE001 - a lock timeout is the only expected failure here
            from handoff_cli.store import is_locked_error

            if is_locked_error(exc):
                raise StoreBusy("another handoff notify is running on this store; try again later") from None
            raise
        conn.commit()
        try:
            yield
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": NOTIFY_LOCK_KEY})
            conn.commit()
