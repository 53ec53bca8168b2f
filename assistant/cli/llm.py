"""``assistant llm …``: the language model the settings select, and the local demo model."""

from __future__ import annotations

import signal
from types import FrameType
from typing import TYPE_CHECKING

import typer
from rich.markup import escape
from rich.table import Table

from assistant.cli.common import console, errors, settings

if TYPE_CHECKING:
    from assistant.llm import LLMUnavailable

app = typer.Typer(
    help="The language model: any OpenAI-compatible endpoint, or the local small demo model.",
    no_args_is_help=True,
)


def _fail(exc: LLMUnavailable) -> typer.Exit:
    errors.print(f"[bold red]Error:[/] {escape(str(exc))}", highlight=False)
    return typer.Exit(1)


def _stop_on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


@app.command()
def serve(
    port: int | None = typer.Option(
        None, min=1, max=65535, help="Port on 127.0.0.1; default: a free one."
    ),
) -> None:
    """Run the local demo model (SmolLM2-135M, llama.cpp) in the foreground; Ctrl-C stops it."""
    from assistant.llm import LLMUnavailable, LocalModelServer

    config = settings()
    server = LocalModelServer(config, port=port)
    previous = signal.signal(signal.SIGTERM, _stop_on_sigterm)
    # Ctrl-C stops it even when started where SIGINT is ignored (a shell's background job)
    previous_int = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with console.status("Starting llama.cpp's server with the local demo model…"):
            server.start()
        console.print(
            f"[bold]{server.model}[/] is served at [bold]{server.base_url}[/] "
            f"(OpenAI-compatible; started in {server.startup_s:.1f} s, log: {server.log_path})",
            highlight=False,
        )
        console.print(f"[yellow]{server.note}.[/]", highlight=False)
        console.print(
            "Point the product at it from another shell:\n"
            f"  export ASSISTANT_LLM_BASE_URL={server.base_url}\n"
            f"  export ASSISTANT_LLM_MODEL={server.model}\n"
            "Press Ctrl-C to stop it.",
            highlight=False,
            soft_wrap=True,
        )
        code = server.wait()
        errors.print(
            f"[bold red]The server exited with code {code}.[/] {escape(server.log_tail())}"
        )
        raise typer.Exit(1)
    except LLMUnavailable as exc:
        raise _fail(exc) from None
    except KeyboardInterrupt:
        console.print("Stopping the local demo model…")
    finally:
        server.stop()
        signal.signal(signal.SIGTERM, previous)
        signal.signal(signal.SIGINT, previous_int)


@app.command()
def info(
    timeout: float = typer.Option(5.0, min=0.1, help="Seconds to wait for the endpoint."),
) -> None:
    """Which endpoint and model the settings select, and whether it answers."""
    from assistant.llm import LLMUnavailable, describe, find_gguf, list_models
    from assistant.llm.local import check_server_installed

    config = settings()
    model = describe(config)
    table = Table(show_header=False, box=None)
    table.add_column(style="bold")
    table.add_column(overflow="fold")
    table.add_row("model", model.model)
    table.add_row("endpoint", model.endpoint)
    if model.note:
        table.add_row("note", f"[yellow]{model.note}[/]")
    ok = True
    if config.llm_base_url is None:
        try:
            check_server_installed()
            gguf = find_gguf()
        except LLMUnavailable as exc:
            ok = False
            table.add_row("status", f"[red]cannot start:[/] {escape(str(exc))}")
        else:
            table.add_row("model file", str(gguf))
            table.add_row(
                "status",
                "not running; started on demand by `assistant draft --drafter llm` and the UI, "
                "or run it yourself with `assistant llm serve`",
            )
    else:
        try:
            served = list_models(config, timeout_s=timeout)
        except LLMUnavailable as exc:
            ok = False
            table.add_row("status", f"[red]does not answer:[/] {escape(str(exc))}")
        else:
            table.add_row("status", f"[green]answers[/]; serves {', '.join(served) or 'no models'}")
            if served and config.llm_model not in served:
                table.add_row(
                    "warning",
                    f"[yellow]{config.llm_model!r} is not among the served models[/] "
                    "(some servers, such as Azure OpenAI's, list models differently)",
                )
    console.print(table, highlight=False, soft_wrap=True)
    if not ok:
        raise typer.Exit(1)
