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
from collections.abc import Iterable

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


_TOKEN = re.compile(r"[0-9a-z\u3400-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]{1,2}")


def _lexeme(token: str) -> str:
    """One quoted lexeme of the tsquery. Tokens come from ``runs`` and so hold only letters,
    digits and CJK characters; anything else (a quote, ``&``, ``|``, ``!``, ``:*``, a
    parenthesis) would be tsquery syntax and is refused here, whatever changes upstream."""
    if not _TOKEN.fullmatch(token):
        raise ValueError(f"not a search token: {token!r}")
    return f"'{token}'"


def parse_query(q: str) -> tuple[str, list[str]]:
    """(tsquery for the runs of two or more characters, the one-character runs). User text
    never reaches ``to_tsquery`` as written: it is cut into runs and each token quoted."""
    phrases, singles = [], []
    for run in runs(q[:100]):
        if len(run) == 1:
            singles.append(run)
        else:
            phrases.append("(" + " <-> ".join(_lexeme(t) for t in run_tokens(run)) + ")")
    return " & ".join(phrases), singles


def query_runs(q: str) -> list[str]:
    return runs(q[:100])


# --- the stored search document -------------------------------------------------------------


def search_document(content: str, subject_names: Iterable[str]) -> str:
    """The text a petition is found by: its content and the names of the persons reported.
    Intake, re-indexing and restore all build it here."""
    return content + "\n" + "\n".join(subject_names)


def search_index_write(rows: Iterable[tuple[int, str]]) -> None:
    """Store ``(petition id, search document)`` rows: a ``tsvector`` of the pair tokens on
    PostgreSQL, the normalised text on SQLite (and no stale vector)."""
    from django.db import connection

    from .models import Petition

    rows = list(rows)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.executemany(
                "UPDATE petitions_petition SET search_vector = to_tsvector('simple', %s) "
                "WHERE id = %s", [(document_tokens(text), pk) for pk, text in rows])
    else:
        for pk, text in rows:
            Petition.objects.filter(pk=pk).update(search_text=document_text(text),
                                                  search_vector=None)


def search_index_rebuild(*, batch: int = 500) -> int:
    """Rebuild every petition's search column (after a restore from the other kind of
    database, or a change of the normalisation); returns how many were written."""
    from .models import Petition, PetitionSubject

    last = count = 0
    while True:
        rows = list(Petition.objects.filter(pk__gt=last).order_by("pk")
                    .values_list("pk", "content")[:batch])
        if not rows:
            return count
        last = rows[-1][0]
        names: dict[int, list[str]] = {}
        for petition_id, name in PetitionSubject.objects.filter(
                petition_id__in=[pk for pk, _c in rows]).order_by("pk").values_list(
                "petition_id", "name"):
            names.setdefault(petition_id, []).append(name)
        search_index_write((pk, search_document(content, names.get(pk, [])))
                           for pk, content in rows)
        count += len(rows)
