"""Help that reads the same on every command (PRODUCT.md section 6): real placeholders
(DATE, ACCOUNT, PERSON), choices shown as choices, and one example per command.

The examples live here, in one table, so a test can check that every command has one
and that each runs as written on the demo store (tests/test_docs.py). They are applied
to the click command tree once, before it parses anything. Light: no store import."""

from __future__ import annotations

from handoff_cli.vocab import EVENT_KINDS, MILESTONE_KINDS, MOTIONS, SIDES, SLIP_CAUSES

# command path -> an example that runs as written on the demo store (`handoff init --demo`)
EXAMPLES: dict[str, str] = {
    "init": "handoff --db ./new.db init",
    "handover": 'handoff handover cobalt --to "Sofia Martins" --joint-call --promised "2-minute quotes"',
    "status": "handoff status cobalt",
    "timeline": "handoff timeline cobalt --limit 10",
    "export": "handoff export --output backup.jsonl",
    "restore": "handoff --db ./copy.db restore backup.jsonl",
    "batch": "handoff batch commands.txt",
    "people": "handoff people --format json",
    "db path": "handoff db path",
    "db upgrade": "handoff db upgrade",
    "db check": "handoff db check",
    "db backup": "handoff db backup ./handoff-copy.db",
    "account add": "handoff account add Acme --signed 2026-09-01 --arr 48000 --external-id HS-1001",
    "account list": "handoff account list --all",
    "account show": "handoff account show cobalt",
    "account edit": "handoff account edit cobalt --segment enterprise",
    "account archive": "handoff account archive tallyho",
    "owner assign": 'handoff owner assign cobalt csm "Sofia Martins"',
    "owner release": "handoff owner release brightline champion",
    "owner history": "handoff owner history meridian",
    "plan set": 'handoff plan set redwood --outcome "Assay results in 2 days" --sponsor "Ana Ruiz"',
    "plan show": "handoff plan show northwind --history",
    "milestone add": 'handoff milestone add lumen "Train analysts" --due=+14d --side customer',
    "milestone done": 'handoff milestone done quarry "SSO with Azure AD"',
    "milestone slip": 'handoff milestone slip quarry go-live --by 10d --cause customer --note "plant shutdown"',
    "milestone list": "handoff milestone list quarry",
    "milestone template": "handoff milestone template --list",
    "event log": "handoff event log fernwood first-value --note 'first recall list sent'",
    "event list": "handoff event list harbor --kind usage",
    "report breaches": "handoff report breaches --format markdown",
    "report health": "handoff report health --limit 5",
    "report metrics": "handoff report metrics --segment enterprise",
    "report audit": "handoff report audit --last 3",
    "import accounts": "handoff import accounts examples/hubspot-companies.csv --dry-run",
    "import events": "handoff import events examples/demo-usage.csv --dry-run",
    "config path": "handoff config path",
    "config show": "handoff config show --format json",
    "log": "handoff log --limit 5",
    "undo": "handoff undo --dry-run",
    "event void": 'handoff event void harbor 40 --reason "logged twice"',
    "milestone edit": 'handoff milestone edit quarry "SSO with Azure AD" --side vendor',
    "milestone reopen": 'handoff milestone reopen quarry "Install shop-floor gateway"',
    "milestone remove": 'handoff milestone remove quarry "Downtime dashboard configuration"',
    "people rename": 'handoff people rename "Sofia Martins" "Sofía Martins"',
    "account unarchive": "handoff account unarchive bluebird",
    "ack add": "handoff ack fernwood stalled --until +7d --note 'exec call booked'",
    "ack list": "handoff ack list --format json",
    "ack end": "handoff ack end fernwood stalled",
    "notify": "handoff notify --dry-run",
}

ROOT_EPILOG = """\b
Accounts are named by name, external id, or a unique prefix of either or of a
word of the name (`handoff status cobalt`).
\b
Environment:
  HANDOFF_DB            the store: a path or a postgresql+psycopg:// URL
  HANDOFF_CONFIG        the config file (see `handoff config path`)
  HANDOFF_TODAY         treat this date as today (like --as-of)
  HANDOFF_TZ            the time zone of "today" (default: the system's)
  HANDOFF_BUSY_TIMEOUT  seconds to wait for a locked store (default 10)
  NO_COLOR              no colour in any output
\b
Exit codes: 0 ok, 1 an operation failed, 2 bad input, 3 breaches found with
--fail-on-breach, 75 the store stayed busy (retry later).
\b
Docs: README.md and docs/ in handoff's source (reports.md, metrics.md,
import.md, cron.md, team-mode.md, data-safety.md); `handoff COMMAND --help`."""

DATE_OPTIONS = ("--on", "--as-of", "--due", "--to", "--signed", "--since", "--start", "--until")
OPTION_METAVARS: dict[str, str] = {
    "--db": "PATH|URL",
    "--limit": "N",
    "--last": "N",
    "--ttv-target": "DAYS",
    "--arr": "AMOUNT",
    "--value": "N",
    "--external-id": "ID",
    "--segment": "SEGMENT",
    "--owner": "PERSON",
    "--sponsor": "PERSON",
    "--note": "TEXT",
    "--outcome": "TEXT",
    "--criterion": "TEXT",
    "--add-criterion": "TEXT",
    "--promised": "TEXT",
    "--customised": "TEXT",
    "--open-issues": "TEXT",
    "--title": "TITLE",
    "--name": "NAME",
    "--show": "NAME",
    "--output": "FILE",
    "--by": "DAYS",
    "--motion": "|".join(MOTIONS),
    "--side": "|".join(SIDES),
    "--cause": "|".join(SLIP_CAUSES),
}
ARGUMENT_METAVARS: dict[str, str] = {
    "role": "ROLE",
    "person": "PERSON",
    "new_name": "NEW-NAME",
}
KIND_CHOICES = {"event": EVENT_KINDS, "milestone": MILESTONE_KINDS}


def walk(group, path: tuple[str, ...] = ()):
    """(path, command) for every leaf command under group."""
    for name, cmd in sorted(getattr(group, "commands", {}).items()):
        if getattr(cmd, "commands", None):
            if getattr(cmd, "invoke_without_command", False):  # a group that is a command too (`people`)
                yield (*path, name), cmd
            yield from walk(cmd, (*path, name))
        else:
            yield (*path, name), cmd


def _example_epilog(example: str) -> str:
    return f"\b\nExample:\n  {example}"


def apply(group) -> None:
    """Set metavars and examples on every command of the tree, once."""
    if getattr(group, "_handoff_help_applied", False):
        return
    group._handoff_help_applied = True
    group.epilog = ROOT_EPILOG
    _params(group.params)
    for path, cmd in walk(group):
        example = EXAMPLES.get(" ".join(path))
        if example and not cmd.epilog:
            cmd.epilog = _example_epilog(example)
        _params(cmd.params, kinds=KIND_CHOICES.get(path[0]))
        set_completion(path, cmd.params)


def _params(params, kinds=None) -> None:
    for p in params:
        if getattr(p, "param_type_name", "") == "argument":
            if p.name == "kind" and kinds:
                p.metavar = "KIND"
            else:
                p.metavar = ARGUMENT_METAVARS.get(p.name or "", (p.name or "").upper().replace("_", "-"))
            continue
        if getattr(p, "is_flag", False) or getattr(p, "count", False):
            continue
        long = next((o for o in p.opts if o.startswith("--")), None)
        if long is None:
            continue
        choices = getattr(p.type, "choices", None)
        if choices:
            p.metavar = "|".join(str(c) for c in choices)
        elif long in DATE_OPTIONS:
            p.metavar = "DATE"
        elif long == "--known-at":
            p.metavar = "TIME"
        elif long == "--kind" and kinds:
            p.metavar = "KIND"
        elif long in OPTION_METAVARS:
            p.metavar = OPTION_METAVARS[long]
        else:
            p.metavar = long.lstrip("-").upper()


# -- shell completion ------------------------------------------------------------------
# Completion reads the store through the light read path (sqlite3, no SQLAlchemy) and
# never creates one: a store that does not exist, or any failure, completes nothing.


def _store_rows(ctx, sql: str, params: dict | None = None) -> list:
    import sqlite3

    from handoff_cli.store import Store, resolve_url

    try:
        root = ctx.find_root()
        store = Store(resolve_url(root.params.get("db") if root.params else None))
        if not store.is_sqlite:
            with store.reader() as r:
                return list(r.all(sql, params or {}))
        if store.path is None or not store.path.is_file():
            return []
        conn = sqlite3.connect(f"{store.path.as_uri()}?mode=ro", uri=True, timeout=1)
        try:
            return conn.execute(sql, params or {}).fetchall()
        finally:
            conn.close()
    except Exception:  # noqa: BLE001 - completion must never fail the shell
        return []


def complete_account(ctx, param, incomplete: str) -> list[str]:
    from handoff_cli.store.lookup import fold, prefix_matches

    rows = _store_rows(ctx, "SELECT name, name_key, external_id FROM account ORDER BY name_key")
    key = fold(incomplete)
    return [name for name, nkey, ext in rows if not key or prefix_matches(key, nkey, ext)]


def complete_title(ctx, param, incomplete: str) -> list[str]:
    from handoff_cli.store.lookup import fold

    account = (ctx.params or {}).get("account")
    if not account:
        return []
    rows = _store_rows(ctx, "SELECT id, name, name_key, external_id, motion FROM account ORDER BY name_key")
    try:
        from handoff_cli.store.lookup import resolve

        i, _how = resolve(account, rows)
    except Exception:  # noqa: BLE001
        return []
    titles = _store_rows(ctx, "SELECT title FROM milestone WHERE account_id = :id ORDER BY due_on", {"id": rows[i][0]})
    key = fold(incomplete)
    return [t for (t,) in titles if fold(t).startswith(key)]


def _words(choices):
    def complete(ctx, param, incomplete: str) -> list[str]:
        return [c for c in choices if c.startswith(incomplete.casefold())]

    return complete


def set_completion(path: tuple[str, ...], params) -> None:
    from handoff_cli.vocab import ROLES

    kinds = KIND_CHOICES.get(path[0]) if path else None
    for p in params:
        if getattr(p, "_custom_shell_complete", None) is not None:
            continue
        long = next((o for o in getattr(p, "opts", ()) if o.startswith("--")), None)
        if p.name == "account" and long is None:
            p._custom_shell_complete = complete_account
        elif p.name == "title" and long is None and path[:1] == ("milestone",):
            p._custom_shell_complete = complete_title
        elif p.name == "role":
            p._custom_shell_complete = _words(ROLES)
        elif p.name == "kind" and kinds:
            p._custom_shell_complete = _words(kinds)
        elif long == "--cause":
            p._custom_shell_complete = _words(SLIP_CAUSES)
        elif long == "--motion":
            p._custom_shell_complete = _words(MOTIONS)
        elif long == "--side":
            p._custom_shell_complete = _words(SIDES)
