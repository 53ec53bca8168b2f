"""Refitting the learned offline judge: IDF weights from the archive, signals, the model.

:func:`refit` is what ``assistant eval calibrate --judge offline --refit`` runs. It writes the
IDF file (from the archive ``data/medquad.jsonl.gz`` of a checkout) and the model file
(:func:`assistant.evaluation.calibration.training.fit` on every labelled pair), both byte for
byte the same for the same inputs on the same machine.
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from pathlib import Path

from assistant.checks.alignment import IDF_FILE, Idf, count_documents, idf_documents, write_idf
from assistant.embeddings import MiniLMEmbedder
from assistant.evaluation.calibration.labels import DEFAULT_LABELS, file_sha256, read_labels
from assistant.evaluation.calibration.training import fit
from assistant.evaluation.judges.learned import MODEL_FILE, LearnedModel, as_rows
from assistant.evaluation.judges.signals import SignalReader

ARCHIVE = Path(__file__).resolve().parents[3] / "data" / "medquad.jsonl.gz"


class RefitError(ValueError):
    """The refit cannot start; the message says what is missing and what to do."""


@dataclass(frozen=True, slots=True)
class Refitted:
    model: LearnedModel
    model_file: Path
    idf_file: Path


def build_idf(embedder: MiniLMEmbedder, archive: Path, out: Path) -> Idf:
    """Counts the archive's documents per word-piece and writes the IDF file."""
    if not archive.is_file():
        raise RefitError(
            f"{archive}: the archive the IDF weights are counted on is missing; refit from a "
            "checkout of the repository (it has data/medquad.jsonl.gz) or pass --archive"
        )
    with gzip.open(archive, "rt", encoding="utf-8") as f:
        records = (json.loads(line) for line in f if line.strip())
        counts, documents = count_documents(idf_documents(records), embedder.counter)
    write_idf(out, counts, documents, embedder.counter.get_vocab_size(), file_sha256(archive))
    return Idf.load(out)


def refit(
    embedder: MiniLMEmbedder,
    labels: Path = DEFAULT_LABELS,
    archive: Path = ARCHIVE,
    model_file: Path = MODEL_FILE,
    idf_file: Path = IDF_FILE,
) -> Refitted:
    """Rebuilds the IDF weights and the judge's model from the archive and the labels."""
    rows = read_labels(labels)
    idf = build_idf(embedder, archive, idf_file)
    signals = SignalReader(embedder, idf).read([r.pair for r in rows])
    model = fit(
        as_rows(signals),
        [r.majority for r in rows],
        [r.question for r in rows],
        labels_sha256=file_sha256(labels),
        idf_sha256=file_sha256(idf_file),
    )
    model.save(model_file)
    return Refitted(model, model_file, idf_file)
