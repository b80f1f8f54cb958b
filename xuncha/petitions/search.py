"""Chinese full-text search over petitions without a word segmenter in the database.

The indexed text (content and the names of the persons reported) is normalised
(``textnorm.normalize``: NFKC, traditional → simplified, lower case) and cut into *runs* of
word characters (CJK, Latin letters, digits; punctuation and spaces end a run). Every run is
written as its overlapping character pairs in order — ``收受红包2000元`` becomes
``收受 受红 红包 包2 20 00 00 0元`` — and a one-character run as that character. On
PostgreSQL ``to_tsvector('simple', …)`` of that token string is stored in
``Petition.search_vector`` (GIN index), so positions follow the text.

A query is cut the same way; each of its runs of two or more characters becomes a phrase of
its pairs (``红 <-> 包`` style: ``'红包' <-> '包2' <-> …``), which matches exactly the texts
that contain the run as a substring — a phrase of n−1 adjacent pairs is an n-character
substring. Runs are ANDed. A one-character run cannot use the pair index and is checked
with a substring test on the rows the other runs selected (or on its own, slowly, when it
is the whole query).

SQLite (development) keeps the normalised text in ``Petition.search_text`` and tests each
run with ``LIKE`` — the same answers, without an index.
"""

import re

from xuncha.lib.textnorm import normalize

_RUN = re.compile(r"[0-9a-z\u3400-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]+")
#: PostgreSQL stores at most 16,383 positions per tsvector; content is capped well below.
MAX_TOKENS = 16_000


def runs(text: str) -> list[str]:
    return _RUN.findall(normalize(text))


def run_tokens(run: str) -> list[str]:
    if len(run) == 1:
        return [run]
    return [run[i:i + 2] for i in range(len(run) - 1)]


def document_tokens(text: str) -> str:
    """The space-separated token string to pass to ``to_tsvector('simple', %s)``."""
    tokens: list[str] = []
    for run in runs(text):
        tokens.extend(run_tokens(run))
        if len(tokens) >= MAX_TOKENS:
            break
    return " ".join(tokens[:MAX_TOKENS])


def document_text(text: str) -> str:
    """What SQLite searches: the normalised text."""
    return normalize(text)


def parse_query(q: str) -> tuple[str, list[str]]:
    """(tsquery for the runs of two or more characters, the one-character runs)."""
    phrases, singles = [], []
    for run in runs(q[:100]):
        if len(run) == 1:
            singles.append(run)
        else:
            phrases.append("(" + " <-> ".join(f"'{t}'" for t in run_tokens(run)) + ")")
    return " & ".join(phrases), singles


def query_runs(q: str) -> list[str]:
    return runs(q[:100])
