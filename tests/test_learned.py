"""The learned type model: trained from reviewed records, versioned, a vote that falls back to the rules."""

from __future__ import annotations

import hashlib
import random
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from conftest import HP
from samples import make_record, render_document
from pipeline.classify import Classification
from pipeline.domain import REVIEW_CONFIDENCE
from pipeline.domain import ClassifiedRecord, ProcedureType, RecordFields
from pipeline.learned import (
    MODEL_TRUST,
    TrainingError,
    load_model,
    next_version,
    save_model,
    train_model,
    vote,
)
from ledger import Ledger

pytest.importorskip("sklearn")


KINDS = [k for k in ProcedureType if k is not ProcedureType.KHAC]


def _documents(seed: int, style: str, n: int) -> list[tuple[str, ProcedureType]]:
    """``n`` generated documents of every type in turn: their true text (rendered small) and type."""
    rng = random.Random(seed)
    docs = []
    for i in range(n):
        kind = KINDS[i % len(KINDS)]
        rec = make_record(rng, kind, style=style)
        docs.append(("\n".join(p.text for p in render_document(rec.blocks, dpi=50)), kind))
    return docs


def _noisy(text: str, rng: random.Random) -> str:
    """OCR-like damage: letters dropped or swapped, a stretch lost to a stain."""
    chars = [c for c in text if rng.random() > 0.04]
    for _ in range(len(chars) // 40):
        i = rng.randrange(len(chars))
        chars[i] = rng.choice("il1|oO0.,'")
    cut = rng.randrange(len(chars))
    return "".join(chars[:cut] + chars[cut + rng.randrange(50, 300):])


@pytest.fixture(scope="module")
def examples() -> list[tuple[str, ProcedureType]]:
    """60 damaged documents to train on: both wordings, other people, schools, numbers and dates."""
    rng = random.Random(5)
    return [(_noisy(text, rng), kind) for text, kind in _documents(101, "classic", 30) + _documents(102, "varied", 30)]


def test_model_learns_the_types_and_reports_its_accuracy(examples: list[tuple[str, ProcedureType]]) -> None:
    model = train_model(examples, 1, HP)
    assert model.card.examples == len(examples) and model.card.version == 1
    assert set(model.card.classes) == {k.value for _, k in examples}
    assert model.card.cv_accuracy is not None and model.card.cv_accuracy > 0.8
    # Documents it never saw (another seed: other texts, not re-noised copies of its training set).
    rng = random.Random(99)
    unseen = [(_noisy(text, rng), kind) for text, kind in _documents(4243, "classic", 21) + _documents(4244, "varied", 21)]
    assert not {t for t, _ in unseen} & {t for t, _ in examples}
    right = sum(model.predict(text)[0] is kind for text, kind in unseen)
    assert right >= 0.95 * len(unseen), f"{right} of {len(unseen)}"


def test_too_few_or_one_type_is_refused(examples: list[tuple[str, ProcedureType]]) -> None:
    with pytest.raises(TrainingError, match="at least 20"):
        train_model(examples[:5], 1, HP)
    one_type = [e for e in examples if e[1] is examples[0][1]]
    with pytest.raises(TrainingError, match="one type"):
        train_model(one_type, 1, HP, min_examples=2)


def test_versions_are_saved_loaded_and_skipped_when_incompatible(
        examples: list[tuple[str, ProcedureType]], tmp_path: Path) -> None:
    assert load_model(tmp_path) is None and next_version(tmp_path) == 1
    first = train_model(examples, 1, HP)
    save_model(first, tmp_path)
    save_model(replace(first, card=replace(first.card, version=2, sklearn="0.0-other")), tmp_path)
    assert next_version(tmp_path) == 3
    loaded = load_model(tmp_path)
    # v2 was made by another scikit-learn: its pickle is not trusted, v1 is used.
    assert loaded is not None and loaded.card.version == 1
    text = examples[0][0]
    assert loaded.predict(text) == first.predict(text)


def test_vote_decides_only_where_the_rules_are_unsure(examples: list[tuple[str, ProcedureType]]) -> None:
    model = train_model(examples, 7, HP)
    text, kind = examples[0]
    guess, p = model.predict(text)
    assert guess is kind and p >= MODEL_TRUST
    other = next(t for t in ProcedureType if t not in (kind, ProcedureType.KHAC))

    unsure = vote(Classification(ProcedureType.KHAC, 0.1, ("no evidence",)), model, text)
    assert unsure.type is kind and unsure.reasons[0].startswith("model v7")

    agree = vote(Classification(kind, 0.6, ("title",)), model, text)
    assert agree.type is kind and agree.confidence >= round(p, 3)

    contradicted = vote(Classification(other, 0.9, ("title",)), model, text)
    assert contradicted.type is other and contradicted.confidence < REVIEW_CONFIDENCE
    assert "disagrees" in contradicted.reasons[-1]

    assert vote(Classification(other, 0.9), None, text) == Classification(other, 0.9)


def test_cli_trains_from_records_people_reviewed(tmp_path: Path) -> None:
    from sohoa.cli import main
    from web.corrections import apply_correction

    data = tmp_path / "data"
    texts = _documents(103, "classic", 12)
    rng = random.Random(3)
    with Ledger(data / "ledger.sqlite") as ledger:
        batch = ledger.ensure_batch("hop-01")
        keys = []
        for i, (text, kind) in enumerate(texts * 2):
            f, _ = ledger.register_file(hashlib.sha256(str(i).encode()).hexdigest(), 10, f"/scan{i}.pdf", batch)
            rec = ClassifiedRecord(pages=(1,), type=ProcedureType.KHAC, confidence=0.2, reasons=(),
                                   fields=RecordFields(), needs_review=True)
            (key,), _ = ledger.replace_records(f.id, batch, [(rec, _noisy(text, rng))], run_id=None)
            keys.append((key, kind))
        assert main(["--data-dir", str(data), "train"]) == 1  # nobody has reviewed anything yet
        for key, kind in keys:  # an archivist sets each type in the review queue
            apply_correction(ledger, key, {"type": kind.value, "needs_review": "0"}, "an")
    assert main(["--data-dir", str(data), "train", "--min-examples", str(len(keys) + 1)]) == 1  # one too few
    assert load_model(data) is None
    assert main(["--data-dir", str(data), "train", "--min-examples", str(len(keys))]) == 0
    model = load_model(data)
    assert model is not None and model.card.version == 1 and model.card.examples == len(keys)
    assert model.card.rules_accuracy > 0.5

    # From then on an ingest reads with it: the model's vote is a reason of each record the command writes.
    from conftest import SAMPLES, run_sohoa

    box = tmp_path / "hop-moi"
    box.mkdir()
    shutil.copy(SAMPLES / "scans" / "004_mild_page.jpg", box)
    run = run_sohoa(data, "ingest", str(box), "--batch", "hop-moi", "--no-progress")
    assert run.returncode == 0, run.stderr[-2000:]
    with Ledger(data / "ledger.sqlite") as ledger:
        new = [r for r in ledger.records() if r.batch == "hop-moi"]
    assert new and all(any(reason.startswith("model v1: ") for reason in r.reasons) for r in new), \
        [r.reasons for r in new]
