"""Field-level precision, recall and F1 of the extractor over a corpus of text + JSON pairs.

    python -m xuncha.announcements.evaluate [--corpus DIR] [-v]

DIR holds ``NAME.txt`` with ``NAME.json`` (the hand-made answer); the default is the
synthetic test corpus. ``-v`` lists every field that differs. The real-page corpus (texts
kept outside the repository) is evaluated with ``scripts/realcorpus.py``.

Scoring:
* list fields are sets of items; an item is compared after NFKC and without whitespace
  (``０５３２`` = ``0532``), never across scripts (``區`` ≠ ``区``);
* ``phones`` are compared by number; ``phone_hours`` is a pseudo-field of
  (number, hours) pairs for the phones that have hours;
* a scalar is one item when it is not null (``scope_out_transferred`` when true): a right
  value is a true positive, a wrong one a false positive and a false negative, a value where
  null was expected a false positive, null where a value was expected a false negative,
  and null for null is a correct negative that counts nowhere;
* ``micro`` adds up all fields' counts, ``phone_hours`` included; ``macro`` is the mean of
  the fields' F1 (``phone_hours`` included), the figure the real-page target is set in.
"""

import json
import sys
import time
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .extract import FIELDS, extract, extract_for_review

DEFAULT_DIR = Path(__file__).parent / "tests" / "corpus"
SCORED = (*FIELDS, "phone_hours")
Counts = dict[str, list[int]]  # field → [tp, fp, fn]


def _norm(value: Any) -> str:
    if isinstance(value, str):
        return "".join(unicodedata.normalize("NFKC", value).split())
    return json.dumps(value, ensure_ascii=False)


def items(field: str, record: dict[str, Any]) -> set:
    """The comparable items of one field of a record."""
    if field == "phone_hours":
        return {(_norm(p.get("number")), _norm(p.get("hours"))) for p in record.get("phones") or []
                if p.get("hours")}
    value = record.get(field)
    if field == "phones":
        return {_norm(p.get("number")) for p in value or []}
    if isinstance(value, list):
        return {_norm(v) for v in value}
    if value is None or value is False:
        return set()
    return {_norm(value)}


def score(pairs: Iterable[tuple[dict[str, Any], dict[str, Any]]]) -> Counts:
    """Counts per field over (got, want) pairs."""
    counts: Counts = {field: [0, 0, 0] for field in SCORED}
    for got, want in pairs:
        for field in SCORED:
            g, w = items(field, got), items(field, want)
            counts[field][0] += len(g & w)
            counts[field][1] += len(g - w)
            counts[field][2] += len(w - g)
    return counts


def f1(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    """Precision, recall and F1; a field with nothing to find and nothing found scores 1."""
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f


def load(directory: Path) -> list[tuple[str, str, dict[str, Any]]]:
    """(name, text, answer) for every answer in ``directory`` that has its text."""
    corpus = []
    for json_path in sorted(directory.glob("*.json")):
        text_path = json_path.with_suffix(".txt")
        if text_path.exists():
            corpus.append((json_path.stem, text_path.read_text(encoding="utf-8"),
                           json.loads(json_path.read_text(encoding="utf-8"))))
    return corpus


def report(counts: Counts) -> list[str]:
    lines = [f"{'field':24} {'P':>6} {'R':>6} {'F1':>6} {'tp':>5} {'fp':>4} {'fn':>4}"]
    total = [0, 0, 0]
    for field in SCORED:
        tp, fp, fn = counts[field]
        total = [total[0] + tp, total[1] + fp, total[2] + fn]
        p, r, f = f1(tp, fp, fn)
        lines.append(f"{field:24} {p:6.3f} {r:6.3f} {f:6.3f} {tp:5} {fp:4} {fn:4}")
    p, r, f = f1(*total)
    lines.append(f"{'micro':24} {p:6.3f} {r:6.3f} {f:6.3f} {total[0]:5} {total[1]:4} {total[2]:4}")
    lines.append(f"{'macro':24} {'':6} {'':6} {macro_f1(counts):6.3f}")
    return lines


def macro_f1(counts: Counts) -> float:
    """The mean of the fields' F1."""
    return sum(f1(*counts[field])[2] for field in SCORED) / len(SCORED)


def speed(texts: list[str]) -> float:
    """Texts per second on one core: the texts extracted several times, for a stable figure,
    timed in this process's CPU time (a machine busy with other work does not lower it)."""
    rounds = max(1, 200 // max(1, len(texts)))
    started = time.process_time()
    for _ in range(rounds):
        for text in texts:
            extract(text)
    return rounds * len(texts) / max(time.process_time() - started, 1e-9)


def differences(name: str, got: dict[str, Any], want: dict[str, Any]) -> list[str]:
    """One line per field where ``got`` differs from ``want``."""
    lines = []
    for field in FIELDS:
        if items(field, got) != items(field, want) or (
                field == "phones" and items("phone_hours", got) != items("phone_hours", want)):
            lines.append(f"{name} {field}: got {got.get(field)!r} want {want.get(field)!r}")
    return lines


def calibration(corpus: list[tuple[str, str, dict[str, Any]]]) -> list[str]:
    """How often a field is right at each confidence level (a field is right when its items
    equal the answer's): the check that the import page flags the doubtful fields."""
    tally: dict[str, list[int]] = {}
    for _name, text, want in corpus:
        got, _spans, confidence = extract_for_review(text)
        for field in FIELDS:
            level = confidence[field]["level"]
            same = items(field, got) == items(field, want)
            tally.setdefault(level, [0, 0])[0 if same else 1] += 1
    lines = []
    for level in ("high", "medium", "low"):
        right, wrong = tally.get(level, [0, 0])
        if right + wrong:
            lines.append(f"confidence {level:6}: {right + wrong:4} fields, "
                         f"{right / (right + wrong):.1%} right")
    return lines


def evaluate(corpus: list[tuple[str, str, dict[str, Any]]], *, verbose: bool = False) -> str:
    """The report of the extractor over ``corpus`` ((name, text, answer) triples)."""
    results = [extract(text) for _name, text, _want in corpus]
    per_second = speed([text for _n, text, _w in corpus])
    size = sum(len(text) for _n, text, _w in corpus) / len(corpus)
    counts = score((got, want) for got, (_n, _t, want) in zip(results, corpus, strict=True))
    lines = report(counts)
    lines.append(f"{len(corpus)} texts (mean {size:,.0f} characters): "
                 f"{per_second:,.0f} texts/s on one core")
    lines += calibration(corpus)
    if verbose:
        for got, (name, _text, want) in zip(results, corpus, strict=True):
            lines += differences(name, got, want)
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    args = argv[1:]
    verbose = "-v" in args
    args = [a for a in args if a != "-v"]
    if args[:1] == ["--corpus"]:
        args = args[1:]
    directory = Path(args[0]) if args else DEFAULT_DIR
    corpus = load(directory)
    if not corpus:
        print(f"No text + JSON pairs in {directory}")
        return 1
    print(evaluate(corpus, verbose=verbose))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
