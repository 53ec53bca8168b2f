"""Wall time of the full MedQuAD ingest, and of re-ingesting it unchanged.

Builds (or refreshes) the benchmark index in $ASSISTANT_HOME/bench, used by
bench_query.py. Also measures, in the same run, the bare embedding time of a sample of
the same chunks, to show what share of the ingest is the model itself.

Run from the repository root: ``python -m bench.bench_ingest [--limit N] [--fresh]``.
"""

from __future__ import annotations

import argparse
import random
import shutil
import time

from rich.console import Console
from rich.table import Table

from assistant.corpus import load_many
from assistant.index import Archive
from bench.common import DATA, bench_settings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--limit", type=int, default=None, help="records (default: all)")
    parser.add_argument("--fresh", action="store_true", help="delete the benchmark index first")
    args = parser.parse_args()
    console = Console()
    settings = bench_settings()
    if args.fresh:
        shutil.rmtree(settings.home, ignore_errors=True)

    started = time.perf_counter()
    records = load_many(
        [DATA / "medquad.jsonl.gz", DATA / "site_page_example.txt"], limit=args.limit
    ).records
    load_s = time.perf_counter() - started
    archive = Archive(settings)

    # the floor: the model alone on a sample of the same chunks, measured before the ingest
    sample = random.Random(3).sample(records, min(300, len(records)))
    chunks = [c.text for r in sample for c in archive.chunker.chunk(r)]
    t0 = time.perf_counter()
    archive.embedder.embed(chunks)
    bare = (time.perf_counter() - t0) / len(chunks)

    first = archive.ingest(records)
    second = archive.ingest(records)

    table = Table(title=f"Ingest of {len(records):,} records")
    for column in ("step", "seconds", "chunks embedded", "chunks/s"):
        table.add_column(column, justify="left" if column == "step" else "right")
    table.add_row("load + validate files", f"{load_s:.1f}", "", "")
    rate = first.chunks_embedded / first.seconds if first.seconds else 0.0
    table.add_row(
        "first ingest (chunk, embed, write, BM25)",
        f"{first.seconds:.1f}",
        f"{first.chunks_embedded:,}",
        f"{rate:.0f}",
    )
    table.add_row(
        "re-ingest, unchanged", f"{second.seconds:.1f}", f"{second.chunks_embedded:,}", ""
    )
    table.add_row(
        "bare embedding of a 300-record sample",
        f"{bare * len(chunks):.1f}",
        f"{len(chunks):,}",
        f"{1 / bare:.0f}",
    )
    console.print(table)
    if first.chunks_embedded:
        console.print(
            f"ingest throughput / bare embedding throughput: "
            f"{bare * first.chunks_embedded / first.seconds:.2f}; "
            f"re-ingest / first ingest: {second.seconds / first.seconds:.3f}"
        )


if __name__ == "__main__":
    main()
