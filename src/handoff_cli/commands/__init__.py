"""Services: write or compute, return models or frozen dataclasses.

They take the store handle and ``today`` as keyword-only arguments, never import
typer or rich, and never exit the process."""
