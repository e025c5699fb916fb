"""handoff people: every person, the roles they hold or held, near-duplicate names."""

from __future__ import annotations

import typer

from handoff_cli.cli.common import FormatOpt, LimitOpt, get_store, get_today

app = typer.Typer(help="People: who holds which roles, and names that look like one person typed twice.")


@app.callback(invoke_without_command=True)
def people(ctx: typer.Context, fmt: FormatOpt = None, limit: LimitOpt = 50) -> None:
    """Every person who holds or held a role, what they hold, and similar names.

    A name that differs from another only in case, spacing or punctuation, or
    by a letter or two, is listed under "Similar": usually one person typed
    two ways (a false sponsor change, a wrong owner filter).
    """
    if ctx.invoked_subcommand is not None:
        return
    from handoff_cli.commands.people import list_people
    from handoff_cli.render import Col, emit_listing

    today = get_today(ctx)
    people = list_people(store=get_store(ctx), today=today)
    if fmt is None or getattr(fmt, "value", fmt) in ("table", "markdown", "csv"):
        rows: list[dict] = [
            {
                "person": p.person,
                "holds": _by_role(p.holds),
                "held": _by_role(p.held),
                "similar": ", ".join(p.similar),
            }
            for p in people
        ]
    else:
        rows = [p.as_dict() for p in people]
    emit_listing(
        rows,
        key="people",
        columns=[
            Col("person", "Person"),
            Col("holds", "Holds", free=True),
            Col("held", "Held before", drop=2),
            Col("similar", "Similar", drop=1),
        ],
        fmt=fmt,
        as_of=today,
        limit=limit,
        title="People",
        empty="nobody holds or held a role yet (assign one with `handoff owner assign ACCOUNT ROLE PERSON`)",
    )


def _by_role(items: list[dict]) -> str:
    """'csm: Acme, Globex; sponsor: Initech' for a table cell."""
    roles: dict[str, list[str]] = {}
    for item in items:
        names = roles.setdefault(item["role"], [])
        if item["account"] not in names:
            names.append(item["account"])
    return "; ".join(f"{role}: {', '.join(names)}" for role, names in roles.items())


def register(root: typer.Typer) -> None:
    """Attach the people group to the root app."""
    root.add_typer(app, name="people")
