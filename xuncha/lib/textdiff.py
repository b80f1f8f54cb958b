"""What changed between two versions of a text, for a page to show (difflib).

``line_diff`` gives rows of segments; a template renders them with ``<ins>``/``<del>``
and Django's autoescaping (``web/_diff.html``) — no HTML is ever built from the texts here.
"""

import difflib
from dataclasses import dataclass, field


@dataclass
class DiffRow:
    op: str  # "equal", "insert", "delete" or "replace"
    #: (kind, text) pieces: kind is "equal", "insert" or "delete"
    segments: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class FieldDiff:
    label: str
    rows: list[DiffRow]

    @property
    def changed(self) -> bool:
        return any(r.op != "equal" for r in self.rows)


def _inline(old: str, new: str) -> list[tuple[str, str]]:
    """Character pieces of one changed line (Chinese has no spaces to split words on)."""
    pieces: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            pieces.append(("equal", old[i1:i2]))
            continue
        if i2 > i1:
            pieces.append(("delete", old[i1:i2]))
        if j2 > j1:
            pieces.append(("insert", new[j1:j2]))
    return pieces


def line_diff(old: str, new: str, *, context: int = 2) -> list[DiffRow]:
    """Rows of the changed lines with ``context`` unchanged lines around them; a line
    changed in place shows its deleted and inserted characters. Equal texts: no rows."""
    a, b = (old or "").splitlines(), (new or "").splitlines()
    rows: list[DiffRow] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for group in matcher.get_grouped_opcodes(context):
        if rows:
            rows.append(DiffRow("gap", [("equal", "…")]))
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                rows.extend(DiffRow("equal", [("equal", line)]) for line in a[i1:i2])
            elif tag == "replace" and i2 - i1 == j2 - j1:
                rows.extend(DiffRow("replace", _inline(x, y))
                            for x, y in zip(a[i1:i2], b[j1:j2], strict=True))
            else:
                rows.extend(DiffRow("delete", [("delete", line)]) for line in a[i1:i2])
                rows.extend(DiffRow("insert", [("insert", line)]) for line in b[j1:j2])
    return rows


def fields_diff(pairs: list[tuple[str, str, str]]) -> list[FieldDiff]:
    """``[(label, old, new)]`` → the fields that changed, each with its rows."""
    out = []
    for label, old, new in pairs:
        rows = line_diff(old, new)
        if rows:
            out.append(FieldDiff(label, rows))
    return out
