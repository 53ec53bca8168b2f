"""The draft checker's sentence-support scorer at flagging unsupported sentences, on the 399
physician-labelled K-QA pairs (statement against the model answer; "unsupported" = the
physicians' majority is not entailment).

Prints precision and recall of the flag (not supported) over a grid of the scorer's cosine
threshold and token-recall gate, polarity gate on, beside the cosine rule alone (the scorer
before the gates), and marks the shipped point (``DEFAULT_THRESHOLD``, ``DEFAULT_RECALL``):
a missed unsupported sentence costs a reviewer more than a false flag, so the gates trade
some precision for recall. Run: ``python -m bench.bench_support``.
"""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from assistant.checks.support import DEFAULT_RECALL, DEFAULT_THRESHOLD, Evidence
from assistant.checks.support import OfflineSupportScorer as Scorer
from assistant.embeddings import MiniLMEmbedder
from assistant.evaluation.calibration import read_labels

GRID = [(0.70, None), (0.70, 0.55), (0.70, 0.60), (0.70, 0.65)]


def main() -> None:
    rows = read_labels()
    embedder = MiniLMEmbedder(threads=2)
    unsupported = [r.majority != "entailment" for r in rows]
    table = Table(title=f"Flagging unsupported statements ({sum(unsupported)} of {len(rows)})")
    for column in ("cosine ≥", "token recall ≥", "flagged", "precision", "recall", ""):
        table.add_column(column, justify="right")
    for cosine, recall in GRID:
        scorer = Scorer(embedder, cosine, recall=recall)
        flagged = [
            not scorer.score([r.claim], [Evidence(r.answer, "answer")])[0].supported for r in rows
        ]
        hits = sum(f and u for f, u in zip(flagged, unsupported, strict=True))
        shipped = (cosine, recall) == (DEFAULT_THRESHOLD, DEFAULT_RECALL)
        table.add_row(
            f"{cosine:.2f}",
            "off (cosine rule)" if recall is None else f"{recall:.2f} + polarity",
            str(sum(flagged)),
            f"{hits / max(sum(flagged), 1):.3f}",
            f"{hits / sum(unsupported):.3f}",
            "shipped" if shipped else "",
        )
    Console().print(table)


if __name__ == "__main__":
    main()
