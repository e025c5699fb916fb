"""handoff notify: the cron job's one command (commands/notify.py, PRODUCT.md section 9)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from handoff_cli.cli.common import AsOfOpt, get_config, get_store, get_today

if TYPE_CHECKING:
    from handoff_cli.commands.notify import Channel, Message, NotifyPlan
    from handoff_cli.store import Store


def notify(
    ctx: typer.Context,
    diff: Annotated[
        Optional[str],
        typer.Option("--diff", metavar="last-run", help="What to compare with: the last notify run (the only choice)."),
    ] = "last-run",
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print what would be sent; send and record nothing.")
    ] = False,
    no_hooks: Annotated[bool, typer.Option("--no-hooks", help="Do not run the on-finding hooks.")] = False,
    strict: Annotated[bool, typer.Option("--strict", help="Exit 3 for acknowledged breaches too.")] = False,
    as_of: AsOfOpt = None,
) -> None:
    """Deliver what changed in the breach report to the channels of the config's [notify] section.

    New and resolved findings since the last successful run, and open breaches again once per
    repeat_open_breaches (default 7d). The run is recorded only when every delivery worked; the
    exit code is that of `report breaches --fail-on-breach` (3 while unacknowledged breaches are
    open), 1 when a delivery failed. See docs/cron.md.
    """
    import sys

    from handoff_cli.commands import notify as service
    from handoff_cli.config import config_path
    from handoff_cli.errors import BadInput, OperationFailed

    if diff is not None and diff.strip().casefold() != "last-run":
        raise BadInput(f"notify --diff {diff!r}: notify compares with the last run only (--diff last-run)")
    today = get_today(ctx, as_of)
    config = get_config(ctx)
    settings = config.notify
    store = get_store(ctx)
    if not dry_run and not settings.get("urls") and not settings.get("routes"):
        raise BadInput(f"no channels: add [notify] urls = [...] to the config {config_path()} (see docs/cron.md)")
    try:
        import apprise  # noqa: F401 - checked here so a missing extra is one clear line
        import jinja2  # noqa: F401
    except ModuleNotFoundError:
        raise OperationFailed("notify needs its extra: pip install 'handoff-cli[notify]'") from None

    with store.reader():
        pass  # the store must exist and be a handoff store before anything else (no lock file beside a typo)
    failures: list[str] = []
    with service.notify_lock(store):
        plan = service.plan_notify(store=store, today=today, config=config, strict=strict)
        messages = [(ch, service.render_message(ch, as_of=today)) for ch in plan.channels if ch.findings]
        if dry_run:
            _print_dry_run(plan, messages, today)
            return
        for channel, message in messages:
            why = service.deliver(channel, message)
            if why is not None:
                failures.append(why)
        if not failures:
            service.record_run(plan, store=store, today=today)
    code = 1 if failures else plan.exit_code
    for line in failures:
        sys.stderr.write(f"handoff: {line}\n")
    if failures:
        sys.stderr.write("handoff: notify: the run was not recorded; the next run sends the same findings again\n")
    else:
        sent = len(plan.sent)
        sys.stderr.write(
            f"notify: sent {sent} finding{'' if sent == 1 else 's'} to {len(messages)} channel"
            f"{'' if len(messages) == 1 else 's'} ({service.headline(plan.report.findings, plan.accounts, today)})\n"
        )
        if not no_hooks and plan.hook_findings:
            _run_hooks(plan, store=store, today=today)
    heartbeat = settings.get("heartbeat_url")
    if heartbeat:
        why = service.ping_heartbeat(str(heartbeat), code)
        if why is not None:
            sys.stderr.write(f"handoff: {why}\n")
    if code:
        raise typer.Exit(code)


def _run_hooks(plan: NotifyPlan, *, store: Store, today: date) -> None:
    import sys

    from handoff_cli.commands.hooks import hooks_dir, run_on_finding
    from handoff_cli.config import config_path
    from handoff_cli.render.reports import _finding_json

    rows = [_finding_json(f) for f in plan.hook_findings]
    for line in run_on_finding(
        hooks_dir(config_path()), rows, db=str(store.path or store.url), as_of=today.isoformat()
    ):
        sys.stderr.write(f"handoff: {line}\n")


def _print_dry_run(plan: NotifyPlan, messages: list[tuple[Channel, Message]], today: date) -> None:
    """What would be sent, channel by channel (secrets masked), on stdout."""
    import sys

    from handoff_cli.commands.notify import headline, shown_url

    out = [f"dry run: nothing is sent or recorded ({headline(plan.report.findings, plan.accounts, today)})"]
    if not plan.channels:
        out.append("no channels: add [notify] urls = [...] to the config (see docs/cron.md)")
    elif not messages:
        out.append("nothing to send: no new or resolved findings, no open breach due again")
    for channel, message in messages:
        body = message.html if channel.is_email else message.markdown
        kind = "HTML" if channel.is_email else "markdown"
        out.append("")
        out.append(f"--- to {shown_url(channel.url)} ({kind}): {message.title}")
        out.append(body.rstrip("\n"))
    sys.stdout.write("\n".join(out) + "\n")


def register(root: typer.Typer) -> None:
    """Attach `notify` to the root app."""
    root.command("notify")(notify)
