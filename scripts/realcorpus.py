#!/usr/bin/env python3
"""The real-page development corpus of the announcement extractor.

    .venv/bin/python scripts/realcorpus.py check  [--texts DIR]
    .venv/bin/python scripts/realcorpus.py eval   [--texts DIR] [--split train|dev|test|all] [-v]
    .venv/bin/python scripts/realcorpus.py list   [--split ...]
    .venv/bin/python scripts/realcorpus.py intake RESULTS.json [--texts DIR]

The pages are third-party text, so the repository keeps only what is ours:
``xuncha/announcements/tests/realcorpus/manifest.json`` (per page: its address, the search
query and rank it was found by, the SHA-256 and length of its text, and its split) and
``gold/<id>.json`` (the hand-written answer, by the conventions of
``shared/announcement-examples/README.md``). The texts live outside the repository, in
``--texts DIR`` (default ``$XUNCHA_REALCORPUS_TEXTS`` or ``/work/realcorpus/texts``), one
``<id>.txt`` per page. They are rebuilt only in a development session: search the stored
``pages`` corpus with the manifest's query and save the excerpt of the result at the page's
address, unchanged, as ``<id>.txt`` (``<id>`` is the first 12 hex digits of the SHA-256 of
the address). ``check`` tells which rebuilt texts match their recorded hash; ``eval``
scores the extractor on the texts present (and matching) of a split and says how many it
skipped. CI never needs the texts: it tests the synthetic corpus.

``intake`` adds pages: RESULTS.json is ``{"query": q, "results": [{"rank", "url",
"excerpt"}]}`` as the search tool answered; each excerpt is saved as its text, checked with
``shared/tools/heldout-check`` (text and address), deleted unread when held out, and
otherwise entered in the manifest with its split. Its gold is then written by hand into
``gold/<id>.json`` before the extractor is run on it.

Splits are fixed by the SHA-256 of the address, before any page was annotated: first hex
digit 0–5 ``train`` (rules are written while looking at these), 6–a ``dev`` (scores looked
at), b–f ``test`` (untouched: never inspected while writing rules; report its table only).
"""

import argparse
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from xuncha.announcements.evaluate import evaluate  # noqa: E402

CORPUS = ROOT / "xuncha" / "announcements" / "tests" / "realcorpus"
DEFAULT_TEXTS = Path(os.environ.get("XUNCHA_REALCORPUS_TEXTS", "/work/realcorpus/texts"))


def split_of(url: str) -> str:
    digit = hashlib.sha256(url.encode()).hexdigest()[0]
    return "train" if digit in "012345" else "dev" if digit in "6789a" else "test"


def page_id(url: str) -> str:
    return hashlib.sha256(url.encode()).hexdigest()[:12]


def manifest() -> dict[str, dict]:
    return json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))


def status(texts: Path, pid: str, entry: dict) -> tuple[str, str | None]:
    """``(state, text)``: ``ok`` with the text, or ``absent`` / ``changed`` without it."""
    path = texts / f"{pid}.txt"
    if not path.exists():
        return "absent", None
    text = path.read_text(encoding="utf-8")
    if hashlib.sha256(text.encode()).hexdigest() != entry["sha256"]:
        return "changed", None
    return "ok", text


def selected(pages: dict[str, dict], split: str) -> dict[str, dict]:
    return {pid: e for pid, e in sorted(pages.items()) if split in ("all", e["split"])}


HELDOUT_CHECK = ROOT.parent / "shared" / "tools" / "heldout-check"


def intake(results: Path, texts: Path) -> int:
    """Save new pages' texts, drop the held-out ones unread, enter the rest in the manifest."""
    pages = manifest()
    raw = json.loads(results.read_text(encoding="utf-8"))
    texts.mkdir(parents=True, exist_ok=True)
    for result in raw["results"]:
        url, text = result["url"], result["excerpt"]
        pid = page_id(url)
        if pid in pages:
            print(f"known    {pid}")
            continue
        path = texts / f"{pid}.txt"
        path.write_text(text, encoding="utf-8")
        held = any(subprocess.run([sys.executable, str(HELDOUT_CHECK), *args],  # noqa: S603
                                  capture_output=True, text=True).returncode != 0
                   for args in ([str(path)], ["--url", url]))
        if held:
            path.unlink()
            print(f"held-out {pid} (dropped unread)")
            continue
        pages[pid] = {"url": url, "split": split_of(url),
                      "sha256": hashlib.sha256(text.encode()).hexdigest(), "chars": len(text),
                      "query": raw["query"], "rank": result["rank"]}
        print(f"added    {pid} {pages[pid]['split']}: write gold/{pid}.json by hand")
    (CORPUS / "manifest.json").write_text(
        json.dumps(dict(sorted(pages.items())), ensure_ascii=False, indent=1) + "\n",
        encoding="utf-8")
    return 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=("check", "eval", "list", "intake"))
    parser.add_argument("results", nargs="?", type=Path, help="search results (intake)")
    parser.add_argument("--texts", type=Path, default=DEFAULT_TEXTS)
    parser.add_argument("--split", default="all", choices=("train", "dev", "test", "all"))
    parser.add_argument("-v", action="store_true", help="list every field that differs")
    args = parser.parse_args(argv)
    if args.command == "intake":
        if args.results is None:
            parser.error("intake needs the search results file")
        return intake(args.results, args.texts)
    pages = manifest()
    problems = [pid for pid, e in pages.items()
                if pid != page_id(e["url"]) or e["split"] != split_of(e["url"])
                or not (CORPUS / "gold" / f"{pid}.json").exists()]
    if problems:
        print(f"Manifest entries without a matching id, split or gold: {', '.join(problems)}")
        return 2
    chosen = selected(pages, args.split)
    if args.command == "list":
        for pid, e in chosen.items():
            print(f"{pid} {e['split']:5} {e['url']}")
        return 0
    states = {pid: status(args.texts, pid, e) for pid, e in chosen.items()}
    counts = {state: sum(1 for s, _t in states.values() if s == state)
              for state in ("ok", "absent", "changed")}
    if args.command == "check":
        for pid, (state, _text) in states.items():
            if state != "ok":
                print(f"{state:8} {pid} {chosen[pid]['url']}")
        print(f"{len(chosen)} pages ({args.split}): {counts['ok']} texts match their hash, "
              f"{counts['absent']} absent, {counts['changed']} differ from the recorded text")
        return 0 if counts["changed"] == 0 else 1
    corpus = [(pid, text, json.loads((CORPUS / "gold" / f"{pid}.json").read_text("utf-8")))
              for pid, (state, text) in states.items() if state == "ok" and text is not None]
    skipped = len(chosen) - len(corpus)
    if skipped:
        print(f"Skipped {skipped} of {len(chosen)} pages whose text is absent or differs "
              f"from the recorded hash (run `check`).")
    if not corpus:
        print(f"No page texts in {args.texts}: rebuild them first (see this script's help).")
        return 1
    print(f"Real pages, split {args.split}:")
    print(evaluate(corpus, verbose=args.v))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
