"""The ``assistant`` command line: typer commands over the library."""

from __future__ import annotations

import typer

from assistant.cli import archive, batch, demo, draft, evaluate, llm, review, search
from assistant.cli.ui import ui

app = typer.Typer(
    name="assistant",
    help="Draft patient-friendly explanations from the site's archive of doctor replies.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)
app.command()(archive.ingest)
app.command()(archive.remove)
app.command()(archive.stats)
app.command()(search.search)
app.command()(draft.draft)
app.command()(batch.batch)
app.add_typer(evaluate.app, name="eval")
app.add_typer(llm.app, name="llm")
app.command()(ui)
app.add_typer(review.users_app, name="users")
app.add_typer(review.audit_app, name="audit")
app.command()(review.export)
app.command()(review.insights)
app.command()(demo.demo)
