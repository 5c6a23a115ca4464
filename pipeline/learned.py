"""A learned vote on the procedure type, trained from records people reviewed.

The rules of :mod:`pipeline.classify` stay the classifier: they explain
themselves and need no data. Once archivists have reviewed records in the
web app (a correction or an approval is a person confirming the type), a
model learnt from those records may vote too: character n-grams of the
folded text (robust to OCR noise) into a logistic regression (fitted by SGD). It is

- **optional**: scikit-learn is an extra (``pip install 'sohoa[learn]'``);
  without it, or without a model file, the rules decide alone;
- **versioned**: ``sohoa train`` writes ``models/type-v<N>.joblib`` and a
  JSON card (examples, classes, cross-validated accuracy against the rules
  on the same records, library versions) into the data directory; the
  newest model whose card matches this scikit-learn is used;
- **a vote, not a verdict**: it decides only where the rules are unsure
  (``khac`` or low confidence) and it is confident; where it contradicts
  confident rules the record goes to review.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from pipeline.classify import Classification, classify
from pipeline.domain import REVIEW_CONFIDENCE, ProcedureType
from pipeline.folding import fold
from pipeline.profile import Profile

__all__ = [
    "MODEL_TRUST",
    "ModelCard",
    "TypeModel",
    "TrainingError",
    "load_model",
    "save_model",
    "train_model",
    "vote",
]

#: The model's probability above which its vote counts.
MODEL_TRUST = 0.8
#: Characters of a record's text the model reads (the header and first paragraphs).
_TEXT_CHARS = 4000
_FORMAT = 1
_NAME = re.compile(r"^type-v(\d+)\.joblib$")


class TrainingError(ValueError):
    """Too few reviewed records, or too few types among them, to learn from."""


@dataclass(frozen=True)
class ModelCard:
    """What a model file is: kept next to it as JSON."""

    version: int
    created: str
    examples: int
    classes: tuple[str, ...]
    cv_accuracy: float | None
    rules_accuracy: float
    sklearn: str
    format: int = _FORMAT


@dataclass(frozen=True)
class TypeModel:
    """A trained model and its card."""

    card: ModelCard
    pipeline: Any  # sklearn.pipeline.Pipeline

    def predict(self, text: str) -> tuple[ProcedureType, float]:
        """The most likely type of a record's text and its probability."""
        proba = self.pipeline.predict_proba([_prepare(text)])[0]
        best = int(proba.argmax())
        return ProcedureType(self.pipeline.classes_[best]), float(proba[best])


def _prepare(text: str) -> str:
    return " ".join(fold(text[:_TEXT_CHARS]).split())


def _new_pipeline() -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import SGDClassifier
    from sklearn.pipeline import make_pipeline

    # Logistic loss (so the vote has probabilities) fitted by SGD: as accurate
    # as lbfgs here and 30x faster to train, which matters for cross-validation.
    return make_pipeline(
        TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, max_features=30000),
        SGDClassifier(loss="log_loss", alpha=1e-4, random_state=0),
    )


def _cv_accuracy(texts: list[str], labels: list[str]) -> float | None:
    """Stratified cross-validated accuracy, or ``None`` when a type has too few examples."""
    from sklearn.model_selection import cross_val_score

    folds = min(5, min(Counter(labels).values()))
    if folds < 2:
        return None
    return float(cross_val_score(_new_pipeline(), texts, labels, cv=folds).mean())


def train_model(examples: Sequence[tuple[str, ProcedureType]], version: int, profile: Profile, *,
                min_examples: int = 20) -> TypeModel:
    """Learn the type from reviewed records.

    Args:
        examples: (record text, type a person confirmed).
        version: The version number the model gets.
        profile: The office's profile (the rules' accuracy on the same records is measured with it).
        min_examples: Fewer reviewed records than this is an error.

    Raises:
        TrainingError: Too few examples or fewer than two types.
    """
    import sklearn

    if len(examples) < min_examples:
        raise TrainingError(f"{len(examples)} reviewed records, at least {min_examples} needed")
    labels = [t.value for _, t in examples]
    if len(set(labels)) < 2:
        raise TrainingError("the reviewed records are all of one type")
    texts = [_prepare(text) for text, _ in examples]
    rules = sum(classify(text, profile).type is t for text, t in examples) / len(examples)
    pipeline = _new_pipeline().fit(texts, labels)
    card = ModelCard(
        version=version, created=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        examples=len(examples), classes=tuple(sorted(set(labels))), cv_accuracy=_cv_accuracy(texts, labels),
        rules_accuracy=round(rules, 4), sklearn=sklearn.__version__,
    )
    return TypeModel(card, pipeline)


def models_dir(data_dir: Path) -> Path:
    """Where a data directory keeps its models."""
    return data_dir / "models"


def _versions(folder: Path) -> list[int]:
    if not folder.is_dir():
        return []
    return sorted(int(m.group(1)) for p in folder.iterdir() if (m := _NAME.match(p.name)))


def next_version(data_dir: Path) -> int:
    """The version number the next trained model gets."""
    return (_versions(models_dir(data_dir)) or [0])[-1] + 1


def save_model(model: TypeModel, data_dir: Path) -> Path:
    """Write the model and its card (card last, so a half-written model is never loaded)."""
    import joblib

    folder = models_dir(data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"type-v{model.card.version}.joblib"
    tmp = path.with_suffix(".tmp")
    joblib.dump(model.pipeline, tmp)
    tmp.replace(path)
    card = json.dumps(model.card.__dict__, ensure_ascii=False, indent=1)
    path.with_suffix(".json").write_text(card + "\n", encoding="utf-8")
    return path


def load_model(data_dir: Path) -> TypeModel | None:
    """The newest usable model of a data directory, or ``None`` (the rules decide alone).

    A model is skipped when scikit-learn is missing, its card is missing or
    of another format, or it was trained with another scikit-learn (pickles
    do not travel across versions).
    """
    folder = models_dir(data_dir)
    versions = _versions(folder)
    if not versions:
        return None  # before importing scikit-learn: 1–2 s of CPU a run for nothing
    try:
        import sklearn
    except ImportError:
        return None
    for version in reversed(versions):
        card_path = folder / f"type-v{version}.json"
        try:
            raw = json.loads(card_path.read_text(encoding="utf-8"))
            raw["classes"] = tuple(raw["classes"])
            card = ModelCard(**raw)
        except (OSError, ValueError, TypeError, KeyError):
            continue
        if card.format != _FORMAT or card.sklearn != sklearn.__version__:
            continue
        path = folder / f"type-v{version}.joblib"
        return TypeModel(card, _load_pipeline(str(path), path.stat().st_mtime_ns))
    return None


@functools.lru_cache(maxsize=4)
def _load_pipeline(path: str, mtime_ns: int) -> Any:  # noqa: ANN401 - a fitted sklearn Pipeline
    """Unpickle a model once per process (the ingest asks for it once per file); a rewritten file is read again."""
    import joblib

    return joblib.load(path)


def vote(rules: Classification, model: TypeModel | None, text: str) -> Classification:
    """Combine the rules' classification with the model's vote.

    - agreement: the confidence is the higher of the two;
    - the rules unsure (``khac`` or below the review threshold) and the
      model sure (≥ :data:`MODEL_TRUST`): the model's type is taken;
    - the model sure of another type than confident rules: the rules' type
      stays, with a confidence low enough to send the record to review.
    """
    if model is None or not text.strip():
        return rules
    guess, p = model.predict(text)
    tag = f"model v{model.card.version}: {guess.value} {p:.2f}"
    if guess is rules.type:
        return replace(rules, confidence=round(max(rules.confidence, p), 3), reasons=(*rules.reasons, tag))
    if p < MODEL_TRUST:
        return replace(rules, reasons=(*rules.reasons, tag))
    if rules.type is ProcedureType.KHAC or rules.confidence < REVIEW_CONFIDENCE:
        return replace(rules, type=guess, confidence=round(p, 3),
                       reasons=(f"{tag} (the rules were unsure: {rules.type.value} {rules.confidence:.2f})",
                                *rules.reasons))
    return replace(rules, confidence=round(min(rules.confidence, REVIEW_CONFIDENCE - 0.01), 3),
                   reasons=(*rules.reasons, f"{tag} disagrees"))
