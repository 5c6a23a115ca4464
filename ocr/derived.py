"""A page's derived files: where they go, how they are written, how they are read back.

Reading a page leaves two files beside the ledger's row (written by
:func:`ocr.pages.read_page`): the restored page as a JPEG and its words
as JSON — the words kept, Tesseract's own words beside them, the
handwritten fields the digit reader read, and every decision the re-read
and the floor made. They live under the source file's content hash
(:func:`derived_dir_for`) and are written atomically, so a reader never
sees half a file; the web app and the records stage read them back.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

import cv2
import numpy as np

from ocr.tesseract import OcrResult
from pipeline.domain import HandField
from core.settings import Settings

__all__ = ["derived_dir_for", "encode_jpeg", "load_hand", "load_words", "word_confidences", "words_json",
           "write_atomic"]


def derived_dir_for(settings: Settings, sha256: str) -> Path:
    """The folder of one source file's derived artefacts."""
    return settings.derived_dir / sha256[:2] / sha256


def write_atomic(path: Path, data: bytes) -> None:
    """Write a file so readers see either the old or the whole new content."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def words_json(result: OcrResult, hand: Sequence[HandField] = (),
                decisions: Sequence[dict[str, object]] = ()) -> bytes:
    """A page's words file: the words kept, Tesseract's own, the handwritten fields and the decisions."""
    # vars(), not asdict(): the fields are plain values, and asdict copies each one deeply (8 ms a page).
    # Tesseract's own words are kept beside the corrected ones: post-correction is a recorded layer;
    # the digit reader's readings of the handwritten fields are a layer of their own; so is every
    # line the re-read, its checks and the floor looked at again, why, and what they kept.
    return json.dumps({"words": [vars(w) for w in result.words],
                       "tesseract": [vars(w) for w in result.tesseract],
                       "hand": [h.to_json() for h in hand],
                       "decisions": list(decisions)}, ensure_ascii=False).encode()


def load_hand(path: str | Path | None) -> tuple[HandField, ...]:
    """The handwritten fields :func:`ocr.pages.read_page` saved for a page.

    None when there are none or the file is gone.
    """
    if path is None or not Path(path).is_file():
        return ()
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return tuple(HandField.from_json(h) for h in data.get("hand", ())) if isinstance(data, dict) else ()
    except (OSError, ValueError, KeyError, TypeError):
        return ()


def load_words(path: str | Path | None, *, layer: str = "words") -> list[dict[str, object]]:
    """The OCR words :func:`ocr.pages.read_page` saved for a page; none when the file is missing or unreadable.

    Each is a dict with ``text``, ``conf``, ``left``, ``top``, ``width`` and ``height``.

    Args:
        path: The page's words file.
        layer: ``"words"``, the words kept (post-corrected, header lines
            read again), or ``"tesseract"``, Tesseract's own reading.
    """
    if path is None or not Path(path).is_file():
        return []
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    if isinstance(data, list):  # written before Tesseract's own words were kept: the kept words only
        data = {"words": data, "tesseract": []}
    words = data.get(layer, []) if isinstance(data, dict) else []
    return [w for w in words if isinstance(w, dict) and str(w.get("text", "")).strip()]


def word_confidences(path: str | Path | None) -> list[tuple[str, float]]:
    """``(text, confidence)`` of each saved word of a page (see :func:`load_words`)."""
    return [(str(w["text"]), float(w.get("conf", 100.0))) for w in load_words(path)]  # type: ignore[arg-type]


def encode_jpeg(image: np.ndarray) -> bytes:
    """The restored page as the JPEG its derived image is (quality 80)."""
    ok, buf = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 80])
    if not ok:
        raise ValueError("could not encode the restored page")
    return buf.tobytes()
