"""The index: incremental, idempotent ingest; removal; BM25 kept consistent with Chroma.

Runs against embedded Chroma and against a real Chroma server (see conftest.py).
"""

from __future__ import annotations

from datetime import date

import pytest

from assistant.config import Settings
from assistant.corpus import Record
from assistant.index import Archive
from assistant.index.chroma import EF_SEARCH, ChromaIndex


def _record(n: int, text: str = "", **fields: object) -> Record:
    explanation = text or (
        f"Condition {n} is a rare disorder of the skin. It is usually benign. "
        f"Doctors treat condition {n} with rest and observation. Surgery is seldom needed."
    )
    return Record(
        id=f"test:{n}",
        question=f"What is condition {n}?",
        long_explanation=explanation,
        **fields,  # type: ignore[arg-type]
    )


def _chunk_ids(archive: Archive) -> set[str]:
    return {i for ids, _, _ in archive.vectors.all_chunks() for i in ids}


def _assert_consistent(archive: Archive) -> None:
    keyword = archive.keyword(refresh=True)
    assert set(keyword.chunk_ids) == _chunk_ids(archive)
    assert keyword.revision == archive.vectors.revision


def test_ingest_then_reingest_embeds_nothing(fresh_archive: Archive) -> None:
    records = [_record(n) for n in range(6)]
    first = fresh_archive.ingest(records)
    assert (first.added, first.updated, first.unchanged) == (6, 0, 0)
    assert first.chunks_embedded == fresh_archive.vectors.count() >= 12
    revision = fresh_archive.vectors.revision

    again = fresh_archive.ingest(records)
    assert (again.added, again.updated, again.unchanged, again.chunks_embedded) == (0, 0, 6, 0)
    assert fresh_archive.vectors.revision == revision  # nothing written
    _assert_consistent(fresh_archive)


def test_changed_record_is_reembedded_alone(fresh_archive: Archive) -> None:
    records = [_record(n) for n in range(4)]
    fresh_archive.ingest(records)
    changed = _record(2, "Condition 2 turned out to be a cyst. A cyst can be drained.")
    report = fresh_archive.ingest([*records[:2], changed, records[3]])
    assert (report.added, report.updated, report.unchanged) == (0, 1, 3)
    # its new text is embedded; its question's chunk kept its text, and its vector
    assert (report.chunks_embedded, report.chunks_reused) == (1, 1)
    texts = " ".join(d for _, docs, _ in fresh_archive.vectors.all_chunks() for d in docs)
    assert "drained" in texts and "condition 2 with rest" not in texts
    assert fresh_archive.keyword().search("drained cyst", 3)[0][0].startswith("test:2::")
    _assert_consistent(fresh_archive)


def test_a_new_recipe_keeps_the_vectors_of_chunks_whose_text_stayed(
    fresh_archive: Archive,
) -> None:
    records = [_record(n) for n in range(4)]
    first = fresh_archive.ingest(records)
    before = fresh_archive.vectors.stored_vectors(["test:1"])
    fresh_archive.recipe += "|chunker changed"  # as a CHUNKER_VERSION bump does
    changed = _record(2, "Condition 2 turned out to be a cyst. A cyst can be drained.")
    report = fresh_archive.ingest([*records[:2], changed, records[3]])
    assert (report.updated, report.unchanged) == (4, 0)
    # only record 2's new text is embedded (its question chunk kept its text)
    assert report.chunks_embedded == 1
    assert report.chunks_reused == first.chunks_embedded - 1
    assert fresh_archive.vectors.stored_vectors(["test:1"]) == before
    assert fresh_archive.keyword().search("drained cyst", 3)[0][0].startswith("test:2::")
    _assert_consistent(fresh_archive)


def test_vectors_another_model_made_are_never_reused(fresh_archive: Archive) -> None:
    records = [_record(n) for n in range(3)]
    first = fresh_archive.ingest(records)
    ids, vectors = fresh_archive.vectors.vectors()
    # stored vectors that this model would not make (as if another model had made them)
    fresh_archive.vectors.collection.update(ids=ids, embeddings=(-vectors).tolist())
    fresh_archive.embedder.forget()
    fresh_archive.recipe += "|model changed"
    report = fresh_archive.ingest(records)
    assert (report.chunks_embedded, report.chunks_reused) == (first.chunks_embedded, 0)
    _, again = fresh_archive.vectors.vectors()
    assert (again @ vectors.T).diagonal().min() > 0.999  # the model's own, not the stored ones


def test_prune_and_remove(fresh_archive: Archive) -> None:
    fresh_archive.ingest([_record(n) for n in range(5)])
    report = fresh_archive.ingest([_record(n) for n in range(3)], prune=True)
    assert (report.removed, report.unchanged) == (2, 3)
    assert {i.split("::")[0] for i in _chunk_ids(fresh_archive)} == {"test:0", "test:1", "test:2"}

    missing = fresh_archive.remove(["test:1", "test:99"])
    assert missing == ["test:99"]
    assert {i.split("::")[0] for i in _chunk_ids(fresh_archive)} == {"test:0", "test:2"}
    assert fresh_archive.keyword().search("condition 1", 5)[0][0].split("::")[0] != "test:1"
    _assert_consistent(fresh_archive)


def test_interrupted_ingest_leaves_whole_records_and_resumes(fresh_archive: Archive) -> None:
    records = [_record(n) for n in range(8)]

    def crash_after_first_batch(records_done: int, chunks: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        fresh_archive.ingest(records, progress=crash_after_first_batch, batch_chunks=4)
    by_record: dict[str, set[int]] = {}
    for _, meta in (
        (i, m)
        for ids, _, metas in fresh_archive.vectors.all_chunks()
        for i, m in zip(ids, metas, strict=True)
    ):
        by_record.setdefault(str(meta["record_id"]), set()).add(int(meta["chunk_index"]))
    assert 0 < len(by_record) < 8
    for record_id, indexes in by_record.items():
        n_chunks = len(fresh_archive.chunker.chunk(next(r for r in records if r.id == record_id)))
        assert indexes == set(range(n_chunks)), f"{record_id} was half-written"

    report = fresh_archive.ingest(records)
    assert report.added == 8 - len(by_record) and report.unchanged == len(by_record)
    _assert_consistent(fresh_archive)


def test_second_client_sees_changes(fresh_archive: Archive) -> None:
    """Another process (another home, same Chroma) rebuilds its BM25 when the revision moves."""
    fresh_archive.ingest([_record(n) for n in range(3)])
    settings = fresh_archive.settings
    other_home = Settings(
        home=settings.home.parent / "other-home",
        chroma_url=settings.chroma_url,
        collection=settings.collection,
    )
    if settings.chroma_url is None:  # embedded: the other process shares the same directory
        other_home = settings
    other = Archive(other_home, embedder=fresh_archive.embedder)
    assert len(other.keyword()) == fresh_archive.vectors.count()
    fresh_archive.ingest([_record(n) for n in range(5)])
    assert len(other.keyword(refresh=True)) == fresh_archive.vectors.count()


def test_an_index_made_before_is_searched_as_deep_as_a_new_one(fresh_archive: Archive) -> None:
    """A collection made with the old search depth (ef 128) is opened with the depth that
    keeps a search exact and the same in every process (see ``EF_SEARCH``), and keeps it."""
    client = fresh_archive.vectors.client
    name = f"{fresh_archive.settings.collection}-before"
    client.create_collection(name, configuration={"hnsw": {"space": "cosine", "ef_search": 128}})
    assert EF_SEARCH > 128
    ChromaIndex(client, name, fresh_archive.vectors.embeddings)
    hnsw = client.get_collection(name).configuration["hnsw"]
    assert hnsw is not None and hnsw["ef_search"] == EF_SEARCH
    assert hnsw["space"] == "cosine"  # the rest as it was made
    assert fresh_archive.vectors.collection.configuration["hnsw"]["ef_search"] == EF_SEARCH


def test_metadata_and_record_round_trip(fresh_archive: Archive, page_record: Record) -> None:
    fresh_archive.ingest([page_record])
    stored = fresh_archive.record(page_record.id)
    assert stored == page_record
    hit = fresh_archive.vectors.fetch([f"{page_record.id}::0"])[f"{page_record.id}::0"]
    assert hit.metadata["doctor"] == "Ke Fangxu"
    assert hit.metadata["specialty"] == "Surgery"
    assert hit.metadata["reply_date"] == "2022-03-24"
    assert hit.metadata["date_ord"] == 20220324
    assert hit.metadata["asker_age_range"] == "40~49"


def test_stats(fresh_archive: Archive) -> None:
    fresh_archive.ingest(
        [
            _record(1, specialty="Surgery"),
            _record(2, specialty="Surgery"),
            _record(3, dataset="K-QA", reply_date=date(2024, 1, 2)),
        ]
    )
    stats = fresh_archive.stats()
    assert stats.records == 3
    assert stats.chunks == fresh_archive.vectors.count()
    assert stats.by_specialty["Surgery"] == 2
    assert stats.by_dataset == {"site": 2, "K-QA": 1}
    assert stats.disk_bytes > 0


def test_changed_chunking_settings_reembed_everything(fresh_archive: Archive) -> None:
    records = [_record(n) for n in range(3)]
    fresh_archive.ingest(records)
    rechunked = Archive(
        fresh_archive.settings.model_copy(update={"chunk_tokens": 64}),
        embedder=fresh_archive.embedder,
    )
    report = rechunked.ingest(records)
    assert (report.updated, report.unchanged) == (3, 0)
    assert rechunked.ingest(records).chunks_embedded == 0
