"""How long a command line takes to start, beside what it cannot be faster than.

Each command runs as a fresh process, the commands interleaved round by round so that the
machine's noise hits them alike; the table prints the median and the slowest wall time of
each, and its ratio to ``python -c pass`` (an interpreter starting) and to a bare Chroma
query (a process that imports chromadb, opens the same index and runs one query with a
precomputed vector: what any search must at least do).

``assistant search`` also embeds the question (ONNX) and runs BM25 and fusion, so it cannot
reach the bare query; ``assistant --help`` should stay a small multiple of ``python -c pass``.

Uses the index under ``ASSISTANT_HOME`` (``make demo`` fills it). ``--baseline DIR`` adds
the same two commands run from another checkout (say a ``git worktree`` of an older commit),
side by side. Run from the repository root:
``python -m bench.bench_startup [--rounds 7] [--baseline DIR]``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time

from rich.console import Console
from rich.table import Table

from assistant.config import Settings

_BARE_QUERY = """
import sys
import chromadb
from chromadb.config import Settings
client = chromadb.PersistentClient(path=sys.argv[1], settings=Settings(anonymized_telemetry=False))
client.get_collection(sys.argv[2]).query(query_embeddings=[[0.05] * 384], n_results=5)
"""


BARE = "bare Chroma query (import, open, 1 query)"


Command = tuple[list[str], str | None]  # argv, and the directory to run it in


def commands(settings: Settings, question: str, baseline: str | None) -> dict[str, Command]:
    python = sys.executable
    found: dict[str, Command] = {
        "python -c pass": ([python, "-c", "pass"], None),
        BARE: ([python, "-c", _BARE_QUERY, str(settings.chroma_dir), settings.collection], None),
        "assistant --help": ([python, "-m", "assistant", "--help"], None),
        "assistant search (hybrid, k=5)": ([python, "-m", "assistant", "search", question], None),
    }
    if baseline:  # run in the other checkout: `python -m` imports the package found there
        found["baseline: assistant --help"] = ([python, "-m", "assistant", "--help"], baseline)
        found["baseline: assistant search"] = (
            [python, "-m", "assistant", "search", question],
            baseline,
        )
    return found


def wall_time(command: Command) -> float:
    argv, directory = command
    start = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True, cwd=directory)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv[:4])} failed:\n{done.stderr[-2000:]}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=7, help="runs of each command")
    parser.add_argument("--question", default="What is the treatment for gout?")
    parser.add_argument("--baseline", help="another checkout to time beside this one")
    args = parser.parse_args()
    settings = Settings()
    if not settings.chroma_dir.exists():
        raise SystemExit(f"No index under {settings.home}: run `make demo` (or ingest) first.")
    found = commands(settings, args.question, args.baseline)
    times: dict[str, list[float]] = {name: [] for name in found}
    for command in found.values():  # warm the file cache
        wall_time(command)
    for _ in range(args.rounds):
        for name, command in found.items():
            times[name].append(wall_time(command))

    python_s = statistics.median(times["python -c pass"])
    chroma_s = statistics.median(times[BARE])
    table = Table(title=f"Start-up, {args.rounds} runs each, interleaved (median, slowest)")
    for column in ("command", "median s", "slowest s", "x python -c pass", "x bare Chroma"):
        table.add_column(column, justify="left" if column == "command" else "right")
    for name, values in times.items():
        median = statistics.median(values)
        table.add_row(
            name,
            f"{median:.2f}",
            f"{max(values):.2f}",
            f"{median / python_s:.1f}",
            f"{median / chroma_s:.2f}",
        )
    Console().print(table)
    print(f"load average: {os.getloadavg()[0]:.2f} (2 cores); index: {settings.home}")


if __name__ == "__main__":
    main()
