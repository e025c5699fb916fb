"""handoff config path | show."""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Optional

import typer

from handoff_cli.cli.common import get_today

app = typer.Typer(help="The configuration file: where it is and what is in effect.", no_args_is_help=True)


@app.command("path")
def path() -> None:
    """Print the configuration file's path (HANDOFF_CONFIG, else the user config folder)."""
    from handoff_cli.config import config_path

    typer.echo(str(config_path()))


class ConfigFormat(str, Enum):
    table = "table"
    json = "json"


@app.command("show")
def show(
    ctx: typer.Context,
    fmt: Annotated[
        Optional[ConfigFormat], typer.Option("--format", "-f", help="table (TOML text, the default) or json.")
    ] = None,
) -> None:
    """Print the effective configuration: the defaults overlaid with the file (TOML, or JSON with --format json)."""
    import sys

    from handoff_cli.config import config_path, load_config, to_toml
    from handoff_cli.render import emit_json, envelope, fmt_name, note

    config = load_config()
    name = fmt_name(fmt)
    if name == "json":
        emit_json(envelope(get_today(ctx), config=config))
        return
    if name != "table":
        from handoff_cli.errors import BadInput

        raise BadInput(f"config show prints TOML or JSON: use --format table or --format json, not {name}")
    where = config_path()
    note(
        f"# effective configuration ({where} {'overlaid on the defaults' if where.exists() else 'does not exist: defaults'})"
    )
    sys.stdout.write(to_toml(config))


def register(root: typer.Typer) -> None:
    """Attach the config group to the root app."""
    root.add_typer(app, name="config")
