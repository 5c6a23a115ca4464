"""What Tesseract misreads in a word, learned from readings of generated pages: the error model of search benchmarks.

    python -m samples.generate --out /tmp/conf --records 24 --levels mild,heavy --layout images --seed 78 --jobs 2
    python -m bench.ocr_quality /tmp/conf --only-sohoa --dump /tmp/conf-read.json
    python -m bench.ocr_confusions /tmp/conf-read.json --out bench/data/ocr_confusions.json

Each line of the truth is matched to the line read closest to it, the two
are aligned word by word, and every word of letters read as another word
close to it (sharing half its letters in order) is aligned letter by letter
on the folded text (what search compares: a misread mark is no error
there). The changes are counted — one letter for another ("c" for "e"), two
for one ("rn" for "m"), a letter lost or added — with how many words of
letters were read wrong, so :func:`bench.search_quality.ocr_errors` can
misread a name the way Tesseract does, at the rate it does, instead of the
way a benchmark's author imagines.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from difflib import SequenceMatcher
from pathlib import Path

from rapidfuzz import fuzz

from pipeline.folding import fold


def _lines(text: str) -> list[str]:
    return [fold(line) for line in text.splitlines() if line.strip()]


def word_pairs(truth: str, read: str) -> tuple[list[tuple[str, str]], int]:
    """(truth word, word read) of the words of letters read as another word; and how many words of letters."""
    read_lines = _lines(read)
    pairs: list[tuple[str, str]] = []
    words = 0
    for line in _lines(truth):
        best = max(read_lines, key=lambda r: fuzz.ratio(line, r), default="")
        t, r = re.findall(r"\w+", line), re.findall(r"\w+", best)
        words += sum(1 for w in t if w.isalpha())
        for op, i1, i2, j1, j2 in SequenceMatcher(None, t, r, autojunk=False).get_opcodes():
            if op != "replace" or i2 - i1 != j2 - j1:
                continue
            for a, b in zip(t[i1:i2], r[j1:j2], strict=True):
                if a.isalpha() and len(a) >= 2 and SequenceMatcher(None, a, b, autojunk=False).ratio() >= 0.5:
                    pairs.append((a, b))
    return pairs, words


def changes(truth_word: str, read_word: str) -> list[tuple[str, str]]:
    """The letter changes that turn one word into the other: ``("m", "rn")``, ``("e", "c")``, ``("u", "")``."""
    out = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, truth_word, read_word, autojunk=False).get_opcodes():
        if op != "equal":
            out.append((truth_word[i1:i2], read_word[j1:j2]))
    return out


def learn(pages: list[dict[str, str]]) -> dict[str, object]:
    """The confusion table of the pages: each change with its count, and the share of words read wrong."""
    counts: Counter[tuple[str, str]] = Counter()
    wrong = words = 0
    for page in pages:
        pairs, n = word_pairs(page["truth"], page["read"])
        words += n
        wrong += len(pairs)
        for a, b in pairs:
            counts.update(changes(a, b))
    return {"words": words, "words_misread": wrong,
            "changes": [[a, b, n] for (a, b), n in counts.most_common()]}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dump", type=Path, help="the JSON `bench.ocr_quality --dump` writes")
    ap.add_argument("--method", default="sohoa", help="whose readings (default sohoa)")
    ap.add_argument("--levels", default="mild,heavy", help="damage levels to learn from (default mild,heavy)")
    ap.add_argument("--out", type=Path, help="write the table here (default: print it)")
    args = ap.parse_args(argv)
    levels = set(args.levels.split(","))
    pages = [p for p in json.loads(args.dump.read_text()) if p["method"] == args.method and p["level"] in levels]
    table = {"made_by": f"python -m bench.ocr_confusions {args.dump.name} --method {args.method} "
                        f"--levels {args.levels}", "pages": len(pages), **learn(pages)}
    text = json.dumps(table, ensure_ascii=False, indent=1)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text + "\n")
    else:
        print(text)
    print(f"{len(pages)} pages, {table['words']} words of letters, {table['words_misread']} misread, "
          f"{len(table['changes'])} kinds of change", file=sys.stderr)  # type: ignore[arg-type]
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
