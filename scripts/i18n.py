"""Translation catalogue tool (development).

    python scripts/i18n.py missing            # untranslated or fuzzy zh_Hans entries, as JSON
    python scripts/i18n.py apply FILE.json    # fill entries: {"msgid": "译文"} or, for plurals,
                                              # {"msgid": ["译文"]}; keys may also be
                                              # "msgctxt\x04msgid"
    python scripts/i18n.py check              # exit 1 if anything is untranslated
"""

import json
import sys
from pathlib import Path

import polib

PO = Path(__file__).resolve().parent.parent / "xuncha/locale/zh_Hans/LC_MESSAGES/django.po"


def _key(entry) -> str:
    return f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid


def _untranslated(po):
    for entry in po:
        if entry.obsolete:
            continue
        if entry.msgid_plural:
            if not entry.msgstr_plural or not all(entry.msgstr_plural.values()) or entry.fuzzy:
                yield entry
        elif not entry.msgstr or entry.fuzzy:
            yield entry


def main(argv: list[str]) -> int:
    po = polib.pofile(str(PO))
    command = argv[1] if len(argv) > 1 else "missing"
    if command == "missing":
        out = {}
        for entry in _untranslated(po):
            out[_key(entry)] = [""] if entry.msgid_plural else ""
        print(json.dumps(out, ensure_ascii=False, indent=1))
        return 0
    if command == "apply":
        mapping = json.loads(Path(argv[2]).read_text(encoding="utf-8"))
        filled = 0
        for entry in po:
            value = mapping.get(_key(entry))
            if value is None:
                continue
            if entry.msgid_plural:
                text = value[0] if isinstance(value, list) else value
                entry.msgstr_plural = {0: text}
            else:
                entry.msgstr = value if isinstance(value, str) else value[0]
            if entry.fuzzy:
                entry.flags.remove("fuzzy")
            filled += 1
        po.save()
        print(f"filled {filled}; still missing {sum(1 for _e in _untranslated(po))}")
        return 0
    if command == "check":
        missing = [e.msgid for e in _untranslated(po)]
        for msgid in missing[:50]:
            print("untranslated:", msgid)
        return 1 if missing else 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
