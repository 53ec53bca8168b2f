"""``assistant draft``: a "More Info" draft for a question, with its sources and flags."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from assistant.cli.common import console, errors, handled, open_archive, parse_date, settings
from assistant.files import write_atomically

if TYPE_CHECKING:
    from assistant.checks import CheckReport
    from assistant.drafting import Draft, DraftRequest, Streaming

PAGE_SUFFIXES = (".md", ".html")


def draft(
    question: str = typer.Argument(..., help="The patient's question."),
    reply: str | None = typer.Option(None, help="The doctor's short reply, if there is one."),
    age: str | None = typer.Option(None, help="The asker's age range, e.g. 40~49."),
    sex: str | None = typer.Option(None, help="The asker's sex."),
    specialty: str | None = typer.Option(None, help="The replying doctor's specialty."),
    doctor: str | None = typer.Option(None, help="The replying doctor's name."),
    title: str | None = typer.Option(None, help="The page title; default: from the sources."),
    ask_date: str | None = typer.Option(None, help="YYYY-MM-DD."),
    reply_date: str | None = typer.Option(None, help="YYYY-MM-DD."),
    exclude: list[str] = typer.Option([], help="Record ids the draft must not use."),
    drafter: str | None = typer.Option(
        None, help="composer (grounded, no LLM) or llm; default: ASSISTANT_DRAFTER."
    ),
    strict_grounding_: bool = typer.Option(
        False, "--strict-grounding", help="Remove sentences the checks find unsupported."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the draft and checks as JSON."),
    save: list[Path] = typer.Option(
        [], "--save", help="Also write the page: FILE.md (Markdown) or FILE.html (HTML)."
    ),
) -> None:
    """Draft the long explanation for a question (and the doctor's reply), with citations."""
    from pydantic import ValidationError

    from assistant.corpus.record import Asker
    from assistant.drafting import DraftRequest, Streaming
    from assistant.pipeline import Pipeline
    from assistant.render import render_html, render_markdown

    if drafter not in (None, "composer", "llm"):
        raise typer.BadParameter("choose composer or llm", param_hint="--drafter")
    for path in save:
        if path.suffix.lower() not in PAGE_SUFFIXES:
            raise typer.BadParameter(f"{path}: name it .md or .html", param_hint="--save")
    try:
        request = DraftRequest(
            question=question,
            reply=reply,
            asker=Asker(age_range=age, sex=sex),
            specialty=specialty,
            doctor=doctor,
            title=title,
            ask_date=parse_date(ask_date, "--ask-date"),
            reply_date=parse_date(reply_date, "--reply-date"),
            exclude_ids=frozenset(exclude),
        )
    except ValidationError as exc:
        problem = exc.errors()[0]
        field = ".".join(str(p) for p in problem["loc"])
        raise typer.BadParameter(f"{field}: {problem['msg']}") from None
    config = settings()
    archive = open_archive(config)
    if archive.vectors.count() == 0:
        errors.print("[bold red]The index is empty.[/] Run `assistant ingest FILE` first.")
        raise typer.Exit(1)
    kind = drafter or config.drafter
    strict = strict_grounding_ or None  # the flag turns it on; otherwise the settings say
    pipeline = Pipeline.open(config, archive, kind, strict_grounding=strict)  # type: ignore[arg-type]
    with handled(), pipeline:
        chosen = pipeline.drafter
        if isinstance(chosen, Streaming) and not as_json:  # a model: show its text live
            checked = pipeline.finish(_stream(chosen, request))
        else:
            with console.status(f"Drafting with the {chosen.name}…"):
                checked = pipeline.draft(request)
    result, report = checked.draft, checked.report
    for path in save:
        render = render_html if path.suffix.lower() == ".html" else render_markdown
        write_atomically(path, render(result))
    if as_json:
        payload = {
            "draft": result.model_dump(mode="json"),
            "checks": report.model_dump(mode="json"),
        }
        print(json.dumps(payload, indent=2, ensure_ascii=False))
        return
    show(result, report)


def _stream(drafter: Streaming, request: DraftRequest) -> Draft:
    from assistant.drafting import Draft
    from assistant.drafting.llm import DraftingError

    console.rule(
        f"[bold]{drafter.model}[/] is writing"
        + (f" — {drafter.model_note}" if drafter.model_note else "")
    )
    for item in drafter.stream(request):
        if isinstance(item, Draft):
            console.print()
            console.rule()
            return item
        console.print(item, end="", markup=False, highlight=False)
    raise DraftingError("the model stopped without a draft")


def show(draft: Draft, report: CheckReport) -> None:
    p = draft.provenance
    who = f"{p.drafter} · model: {p.model}" + (f" — {p.model_note}" if p.model_note else "")
    console.print(
        Panel(
            Text.assemble(
                ("DRAFT — not reviewed by a physician\n", "bold red"),
                (f"Drafted by {who}\n", "bold"),
                (f"prompt {p.prompt_name} v{p.prompt_version} ({p.prompt_hash}) · ", "dim"),
                (", ".join(f"{k} {v:.0f} ms" for k, v in p.timings_ms.items()), "dim"),
            ),
            title=escape(draft.title),
        )
    )
    unsupported = {(s.section, s.index) for s in report.unsupported}
    for s, section in enumerate(draft.sections):
        if section.heading:
            console.print(f"\n[bold underline]{escape(section.heading)}[/]")
        body = Text()
        for i, sentence in enumerate(section.sentences):
            cite = "".join(f"[{n}]" for n in sentence.citations)
            style = (
                "red" if (s, i) in unsupported else ("dim" if sentence.origin == "template" else "")
            )
            body.append(sentence.text + (f" {cite}" if cite else "") + " ", style=style)
        console.print(body)
    _flags(report)
    _sources(draft)
    console.print(f"\n[italic]{escape(draft.disclaimer)}[/]")


def _flags(report: CheckReport) -> None:
    grade = f"grade {report.grade:.1f}" if report.grade is not None else "grade n/a"
    console.print(
        f"\n[bold]Checks[/] ({report.scorer}): {report.supported_share:.0%} of sentences "
        f"supported · {grade} · {report.words} words"
        + ("" if report.answers_question else " · [yellow]does not answer the question[/]")
    )
    if not report.flags:
        console.print("[green]No flags.")
        return
    table = Table(show_header=True)
    table.add_column("severity")
    table.add_column("flag")
    table.add_column("detail", ratio=1)
    colours = {"error": "bold red", "warning": "yellow", "info": "cyan"}
    for flag in report.flags:
        table.add_row(
            f"[{colours[flag.severity]}]{flag.severity}[/]", flag.kind, escape(flag.message)
        )
    console.print(table)


def _sources(draft: Draft) -> None:
    table = Table(title="Sources", show_lines=False)
    table.add_column("#", justify="right")
    table.add_column("title")
    table.add_column("doctor · specialty")
    table.add_column("id", style="dim")
    for n, s in enumerate(draft.sources, start=1):
        who = " · ".join(x for x in (s.doctor and f"Dr. {s.doctor}", s.specialty) if x)
        table.add_row(str(n), escape(s.display_title), escape(who), s.record_id)
    console.print(table)
    if draft.related_faq:
        topics = ", ".join(
            f"{f.topic or '—'}" + (f" ({f.specialty})" if f.specialty else "")
            for f in draft.related_faq
        )
        console.print(f"[bold]Related FAQ:[/] {escape(topics)}")
