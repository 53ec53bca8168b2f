"""``assistant ui``: the review app (Streamlit) in the foreground, settings passed through."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import typer

from assistant.cli.common import errors
from assistant.resources import shipped

APP = shipped("ui", "app.py")


def streamlit_command(app: Path, host: str, port: int) -> list[str]:
    from assistant.reviewui.batch import MAX_BYTES

    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(app),
        "--server.address",
        host,
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--server.runOnSave",
        "false",
        "--server.fileWatcherType",
        "none",
        "--client.toolbarMode",
        "minimal",
        # uploads: the limit the pages state (5 MB), not Streamlit's default 200 MB
        "--server.maxUploadSize",
        str(MAX_BYTES // 1024**2),
        # a failure shows its type, never a traceback with the app's code and data
        "--client.showErrorDetails",
        "type",
    ]


def ui(
    port: int = typer.Option(8501, min=1, max=65535, help="Port to listen on."),
    host: str = typer.Option("127.0.0.1", help="Address to listen on (0.0.0.0: all)."),
) -> None:
    """Open the review app: queue, review, audit (Ctrl+C stops it)."""
    if not APP.exists():
        errors.print(
            f"[bold red]Error:[/] the app is not at {APP}: `assistant ui` runs from a clone "
            "of the repository (pip install -e .)."
        )
        raise typer.Exit(1)
    typer.echo(f"Review app: http://{host}:{port}  (Ctrl+C to stop)")
    sys.stdout.flush()
    # Streamlit takes this process over: signals (Ctrl+C, a service manager's TERM) reach it
    # directly, and the ASSISTANT_* settings in the environment pass through unchanged.
    os.execv(sys.executable, streamlit_command(APP, host, port))
