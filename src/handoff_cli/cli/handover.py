"""handoff handover ACCOUNT --to PERSON."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from handoff_cli.cli.common import FormatOpt, OnOpt, get_config, get_on, get_store, get_today

_RISK_TEXT = {
    "config-gate-handover": "the value gate had not passed",
    "cold-handover": "no joint call was held",
}


def handover(
    ctx: typer.Context,
    account: Annotated[str, typer.Argument(help="Account name or external id.")],
    to: Annotated[str, typer.Option("--to", help="The CSM who owns the account from --on.")],
    on: OnOpt = None,
    joint_call: Annotated[
        bool, typer.Option("--joint-call", help="A joint call with the customer, implementation and CSM was held.")
    ] = False,
    promised: Annotated[Optional[str], typer.Option("--promised", help="What was promised to the customer.")] = None,
    customised: Annotated[Optional[str], typer.Option("--customised", help="What was customised for them.")] = None,
    open_issues: Annotated[
        Optional[str], typer.Option("--open-issues", help="Issues still open at the handover.")
    ] = None,
    fmt: FormatOpt = None,
    no_hooks: Annotated[bool, typer.Option("--no-hooks", help="Do not run the pre-handover hooks.")] = False,
) -> None:
    """Hand ACCOUNT from implementation to the CSM, in one step with no ownerless gap.

    Ends the implementation owner's assignment and starts the CSM's on the same
    date (ending another CSM's), and records whether the value gate (go-live
    and one real workflow live; self-serve: the workflow alone) had passed,
    whether there was a joint call, and the context carried forward.
    """
    from handoff_cli.commands.handover import record_handover
    from handoff_cli.render import emit_json, envelope, fmt_name, note

    today = get_today(ctx)
    store = get_store(ctx)
    approve = None
    if not no_hooks:
        from handoff_cli.commands.hooks import check_pre_handover, find_hooks, hooks_dir
        from handoff_cli.config import config_path

        folder = hooks_dir(config_path())
        if find_hooks(folder, "pre-handover"):

            def approve(proposed: dict) -> None:
                check_pre_handover(folder, proposed, db=str(store.path or store.url), as_of=today.isoformat())

    result = record_handover(
        account,
        to=to,
        on=get_on(ctx, on),
        joint_call=joint_call,
        promised=promised,
        customised=customised,
        open_issues=open_issues,
        store=store,
        today=today,
        approve=approve,
    )
    h = result.handover
    who = f"from {h.from_person} " if h.from_person else "(nobody held implementation) "
    message = f"handed {h.account} {who}to {h.to_person} on {h.handed_on}"
    if result.csm_replaced:
        message += f", ending {result.csm_replaced}'s csm assignment"
    from handoff_cli.queries.reports import handover_risks

    risks = handover_risks(h.account, store=get_store(ctx), today=max(h.handed_on, today), config=get_config(ctx))
    for rule in risks:
        detail = _RISK_TEXT[rule]
        if rule == "config-gate-handover":
            detail += f" (no {' and no '.join(result.gate_missing)} on or before {h.handed_on})"
        message += f"; warning: {detail} [{rule}]"
    note(message)
    if fmt_name(fmt) == "json":
        emit_json(envelope(today, handover=h.as_dict()))


def register(root: typer.Typer) -> None:
    root.command("handover")(handover)
