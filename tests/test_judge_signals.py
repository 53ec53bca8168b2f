"""The learned offline judge's signals (real MiniLM token vectors, the real lexicon), its model
file, its training recipe's folds and intervals, and the calibration CLI around it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from assistant.checks.alignment import IDF_FILE, Idf, best_alignment, uncovered
from assistant.checks.entities import entity_agreement
from assistant.checks.polarity import (
    direction_conflicts,
    hedged,
    negated_words,
    polarity_conflicts,
)
from assistant.cli import app
from assistant.embeddings import MiniLMEmbedder, pooled
from assistant.evaluation import calibration as calib
from assistant.evaluation.calibration.labels import DEFAULT_LABELS, file_sha256
from assistant.evaluation.calibration.training import (
    _folds,
    clopper_pearson,
    cross_validate_learned,
)
from assistant.evaluation.judges import (
    LABELS,
    MODEL_FILE,
    LearnedJudge,
    LearnedModel,
    ModelError,
    Pair,
)
from assistant.evaluation.judges.signals import FEATURES, SignalReader

ANSWER = (
    "Lexapro is an antidepressant of the SSRI class. It is used to treat depression and "
    "generalised anxiety. Adults usually start with 10 mg once a day."
)


@pytest.fixture(scope="module")
def idf() -> Idf:
    return Idf.load()


def test_token_vectors_pool_to_the_sentence_embedding(embedder: MiniLMEmbedder) -> None:
    text = "Ibuprofen can upset the stomach."
    (tokens,) = embedder.token_vectors([text])
    assert len(tokens.ids) == tokens.vectors.shape[0] == tokens.count - 2  # no [CLS], [SEP]
    assert np.allclose(np.linalg.norm(tokens.vectors, axis=1), 1.0, atol=1e-5)
    assert float(pooled([tokens]) @ embedder.embed([text])[0]) > 0.999


def test_idf_weighs_rare_word_pieces_over_common_ones(embedder: MiniLMEmbedder, idf: Idf) -> None:
    ids = embedder.tokenizer.encode("the escitalopram", add_special_tokens=False).ids
    the, drug = idf.of(np.asarray(ids[:1])), idf.of(np.asarray(ids[1:]))
    assert float(drug.min()) > 2 * float(the[0])
    assert idf.documents == 16407


def test_alignment_finds_the_sentence_window_that_says_it(
    embedder: MiniLMEmbedder, idf: Idf
) -> None:
    sentences = [
        "Lexapro is an antidepressant.",
        "It is taken once a day.",
        "Grapefruit juice does not matter.",
    ]
    claim, other = embedder.token_vectors(["Lexapro is an antidepressant.", "Chemotherapy "
                                           "treats lymphoma."])  # fmt: skip
    parts = embedder.token_vectors(sentences)
    best, whole = best_alignment(claim, parts, idf)
    assert best.recall > 0.95 and best.passage == 0 and best.f1 > 0.95
    assert whole.recall >= best.recall - 1e-6
    far, _ = best_alignment(other, parts, idf)
    assert far.recall < best.recall - 0.2
    assert uncovered(claim, parts, idf, 0.7) == 0.0
    assert uncovered(other, parts, idf, 0.7) > 0.3
    assert uncovered(claim, [], idf, 0.7) == 1.0


def test_entities_agree_after_lay_brand_and_abbreviation_names() -> None:
    same = entity_agreement(
        "Escitalopram treats a heart attack", "Lexapro after an MI", "Lexapro after an MI"
    )
    assert same.entities == 2 and same.entities_missing == 0 and same.entity_share == 1.0
    other = entity_agreement("Take ibuprofen 800 mg", ANSWER, "Adults take naproxen 200 mg.")
    assert other.entities_missing == 1
    assert other.number_clashes == 1 and other.numbers_missing == 1


def test_negation_scope_and_polarity() -> None:
    assert negated_words("Antibiotics are not recommended for a cold.") == {"recommended", "cold"}
    assert "needed" not in negated_words("It is not painful, but treatment is needed.")
    assert polarity_conflicts(
        "Antibiotics are not recommended for a cold", "Antibiotics are recommended for a cold"
    ) == ["cold", "recommended"]
    assert polarity_conflicts("Avoid alcohol", "Avoid alcohol while taking it") == []


def test_hedging_and_direction() -> None:
    assert hedged("It may cause drowsiness") and not hedged("It causes drowsiness")
    assert direction_conflicts("Salt raises blood pressure", "Salt lowers blood pressure") == [
        "blood",
        "pressure",
        "salt",
    ]
    assert direction_conflicts("Salt raises blood pressure", "Salt raises blood pressure") == []


def test_signal_reader_reads_every_signal_once_per_pair(embedder: MiniLMEmbedder) -> None:
    reader = SignalReader(embedder)
    said, unsaid = reader.read(
        [Pair(ANSWER, "Lexapro is an SSRI antidepressant"), Pair(ANSWER, "Lexapro cures cancer")]
    )
    assert len(said.values) == len(FEATURES)
    s, u = said.named(), unsaid.named()
    assert s["token_recall"] > u["token_recall"] and s["uncovered_70"] < u["uncovered_70"]
    assert "SSRI" in said.passage


def test_shipped_model_judges_and_names_its_labels_file(embedder: MiniLMEmbedder) -> None:
    judge = LearnedJudge(embedder)
    assert judge.tuned_on == file_sha256(DEFAULT_LABELS)
    assert judge.model.idf_sha256 == file_sha256(IDF_FILE)
    labels = judge.judge(
        [
            Pair(ANSWER, "Lexapro is an antidepressant of the SSRI class"),
            Pair(ANSWER, "Lexapro is a treatment for broken bones and burns"),
        ]
    )
    assert labels == ["entailment", "neutral"]
    assert judge.name.startswith("offline v2")
    rows = np.asarray([[0.5] * len(FEATURES)])
    assert judge.model.probabilities(rows).sum() == pytest.approx(1.0)
    assert set(judge.model.weights()) == set(LABELS)


def test_a_model_for_other_signals_is_refused_by_name(tmp_path: Path) -> None:
    model = LearnedModel.load()
    path = tmp_path / "model.json"
    model.model_copy(update={"features": model.features[:-1]}).save(path)
    with pytest.raises(ModelError, match=r"model\.json: fitted on other signals.*--refit"):
        LearnedModel.load(path)
    with pytest.raises(ModelError, match="missing"):
        LearnedModel.load(tmp_path / "none.json")


def test_folds_keep_each_question_in_one_fold() -> None:
    groups = [f"q{i // 3}" for i in range(60)]
    labels = [LABELS[i % 2] for i in range(60)]
    folds = _folds(labels, groups, 5)
    for train, test in folds:
        assert not {groups[i] for i in train} & {groups[i] for i in test}
    assert sorted(i for _, test in folds for i in test) == list(range(60))


def test_clopper_pearson_matches_the_closed_forms() -> None:
    none = clopper_pearson(0, 12)
    assert none is not None and none.low == 0.0
    assert none.high == pytest.approx(1 - 0.025 ** (1 / 12))
    every = clopper_pearson(5, 5)
    assert every is not None and every.low == pytest.approx(0.025 ** (1 / 5)) and every.high == 1
    assert clopper_pearson(0, 0) is None


# --- the calibration CLI around it (slow: every one of the 399 pairs) ---------------------------


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("ASSISTANT_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("COLUMNS", "200")
    return CliRunner()


_FITTED = ("coef", "intercept", "mean", "scale")


def test_refit_rebuilds_the_shipped_files(tmp_path: Path, cli: CliRunner) -> None:
    out = tmp_path / "refit" / "offline-judge.json"
    result = cli.invoke(app, ["eval", "calibrate", "--judge", "offline", "--refit",
                              "--model-out", str(out)])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert out.with_name("idf.json.gz").read_bytes() == IDF_FILE.read_bytes()  # counts
    # the model: byte for byte on the CPU that wrote it; on another, MiniLM's ONNX kernels
    # (AVX-512 or not) differ in the 7th digit, which moves a fitted weight by about 2e-5
    refitted, shipped = LearnedModel.load(out), LearnedModel.load(MODEL_FILE)
    assert refitted.model_dump(exclude=set(_FITTED)) == shipped.model_dump(exclude=set(_FITTED))
    for name in _FITTED:
        assert np.allclose(getattr(refitted, name), getattr(shipped, name), rtol=0, atol=1e-4)
    recipe = refitted.recipe
    assert recipe["seed"] == 13 and "grouped by question" in recipe["held_out"]
    refused = cli.invoke(app, ["eval", "calibrate", "--refit", "--limit", "5"])
    assert refused.exit_code == 2 and "every labelled pair" in refused.output


def test_calibrate_prints_held_out_figures_curve_and_contradictions(
    tmp_path: Path, cli: CliRunner
) -> None:
    out = tmp_path / "calibration.md"
    result = cli.invoke(app, ["eval", "calibrate", "--judge", "offline", "--out", str(out)])
    assert result.exit_code == 0, result.output
    for title in ("Learning curve (held out", "Contradictions (held out; exact binomial",
                  "The model's weights", "majority, held out (nested 5-fold"):  # fmt: skip
        assert title in result.stdout
    markdown = out.read_text(encoding="utf-8")
    assert "| share of training questions | training pairs | accuracy | Cohen's κ |" in markdown
    assert "| recall | " in markdown and "| 12 |" in markdown
    assert "| physician 0 | physician 1 | 399 | 82.5% | 0.67 |" in markdown
    (stored,) = (tmp_path / "state" / "eval" / "calibration").glob("*.json")
    agreement = calib.Calibration.model_validate_json(stored.read_text("utf-8")).agreement
    assert agreement.kappa_interval is not None
    low, high = agreement.kappa_interval
    assert low < agreement.kappa < high and agreement.pairs == 399


def test_a_run_calibration_can_leave_out_the_learning_curve() -> None:
    rng = np.random.default_rng(0)
    groups = [f"q{i // 4}" for i in range(120)]
    y = [LABELS[(i // 2) % 2] for i in range(120)]
    x = rng.normal(size=(120, len(FEATURES))) + np.asarray([[float(v == "entailment")]
                                                          for v in y])  # fmt: skip
    short = cross_validate_learned(x, y, groups, curve=False)
    assert [p.share for p in short.curve] == [1.0]
    assert short.accuracy > 0.6 and short.contradiction_recall.of == 0
