"""Chinese text normalisation: converter artifacts, script, width — with offsets kept.

Published texts come through converters that leave bracketed pinyin after characters
(``會(huì)議``), in traditional script, with full-width digits and punctuation. Matching
works on a normalised copy; display and extraction copy strings from the original, so
``normalize_with_offsets`` maps every normalised character back to the original.
"""

import re
import unicodedata
from typing import Any

_CJK_CLASS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
# Pinyin the converters print after a character: a toned syllable, or one of the few
# toneless (neutral tone) syllables they also print. Plain Latin words in brackets —
# ``电子邮箱(xcz)``, ``(ICP)`` — are not pinyin and stay.
_SYLLABLE = rf"[a-zü{_TONED}]{{0,5}}[{_TONED}][a-zü{_TONED}]{{0,5}}[1-5]?"
_NEUTRAL = r"(?:de|le|men|ge|zi|me|ne|ma|ba|zhe|guo|li|shang|xia|tou|mo|ya|la|na)"
_PINYIN = re.compile(rf"(?<=[{_CJK_CLASS}])[（(]\s?(?:{_SYLLABLE}|{_NEUTRAL})\s?[)）]")
_CJK = re.compile(rf"[{_CJK_CLASS}]")
_WORDCHAR = re.compile(rf"[0-9a-z{_CJK_CLASS}]")

_converter: Any = None


def _t2s() -> Any:
    """The OpenCC traditional→simplified converter, built once on first use (it loads
    dictionaries, so importing this module stays cheap)."""
    global _converter
    if _converter is None:
        import opencc

        _converter = opencc.OpenCC("t2s")
    return _converter


def strip_pinyin_artifacts(text: str) -> str:
    """``會(huì)議`` → ``會議``, ``縣（xiàn）委`` → ``縣委``; brackets that are not pinyin after
    a CJK character (``电话(0731)``, ``(邮编)``) stay."""
    return _PINYIN.sub("", text)


def to_simplified(text: str) -> str:
    """Traditional → simplified script (OpenCC ``t2s``); other characters unchanged."""
    if not text:
        return text
    return _t2s().convert(text)


def nfkc(text: str) -> str:
    """Unicode NFKC: full-width digits, letters and punctuation become ASCII."""
    return unicodedata.normalize("NFKC", text)


def normalize_with_offsets(text: str) -> tuple[str, list[int]]:
    """The normalised text (pinyin stripped, NFKC, simplified) and, for each of its
    characters, the index in ``text`` of the character it came from.

    ``len(offsets) == len(normalized)`` always holds, offsets never decrease, and every
    offset is a valid index into ``text``. A character that NFKC expands (``㈠`` → ``(一)``)
    maps all its pieces to itself; a character whose simplified form has another length
    (rare in OpenCC) is kept as written so the alignment stays exact.
    """
    if not text:
        return "", []
    kept_parts: list[str] = []
    offsets: list[int] = []
    position = 0
    for match in _PINYIN.finditer(text):
        kept_parts.append(text[position:match.start()])
        offsets.extend(range(position, match.start()))
        position = match.end()
    kept_parts.append(text[position:])
    offsets.extend(range(position, len(text)))
    kept = "".join(kept_parts)

    folded = nfkc(kept)
    if len(folded) != len(kept):
        # Some character expanded or merged: fold one by one to keep the mapping.
        pieces: list[str] = []
        folded_offsets: list[int] = []
        for char, origin in zip(kept, offsets, strict=True):
            normal = nfkc(char)
            pieces.append(normal)
            folded_offsets.extend([origin] * len(normal))
        folded, offsets = "".join(pieces), folded_offsets

    simplified = to_simplified(folded)
    if len(simplified) != len(folded):
        # OpenCC replaced a phrase with one of another length: convert character by
        # character and keep any character whose conversion is not one character.
        simplified = "".join(s if len(s := to_simplified(c)) == 1 else c for c in folded)
    return simplified, offsets


def normalize(text: str) -> str:
    """For matching: pinyin stripped, NFKC (full-width → ASCII), simplified, lower case."""
    return to_simplified(nfkc(strip_pinyin_artifacts(text or ""))).lower()


def compact(text: str) -> str:
    """``normalize`` without whitespace and punctuation: what duplicate detection compares."""
    return "".join(_WORDCHAR.findall(normalize(text)))


def search_tokens(text: str) -> list[str]:
    """Tokens for full-text search, in text order: every pair of adjacent CJK characters
    (so a phrase of a query's pairs finds any substring of two or more characters), and
    runs of Latin letters or digits as whole words."""
    tokens: list[str] = []
    for run in re.finditer(rf"[{_CJK_CLASS}]+|[0-9a-z]+", normalize(text)):
        chunk = run.group()
        if _CJK.match(chunk):
            if len(chunk) == 1:
                tokens.append(chunk)
            else:
                tokens.extend(chunk[i:i + 2] for i in range(len(chunk) - 1))
        else:
            tokens.append(chunk)
    return tokens


def query_tokens(query: str) -> list[list[str]]:
    """Groups of tokens for a query: each group must appear as a phrase."""
    return [search_tokens(part) for part in normalize(query).split() if search_tokens(part)]


CN_DIGITS = {"〇": 0, "○": 0, "零": 0, "O": 0, "o": 0, "Ｏ": 0, "一": 1, "二": 2, "两": 2,
             "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def chinese_numeral_to_int(text: str) -> int | None:
    """A Chinese numeral below 100, or a digit-by-digit one, as an int; ASCII digits too.

    ``二〇二三`` → 2023, ``十二`` → 12, ``二十五`` → 25, ``三十`` → 30, ``31`` → 31;
    ``None`` for anything else (``一百``, ``十二三``, empty).
    """
    text = text.strip()
    if not text:
        return None
    if text.isascii() and text.isdigit():
        return int(text)
    if "十" not in text:
        if all(c in CN_DIGITS for c in text):
            return int("".join(str(CN_DIGITS[c]) for c in text))
        return None
    if len(text) > 3 or text.count("十") > 1:
        return None
    tens, _sep, ones = text.partition("十")
    if (tens and tens not in CN_DIGITS) or (ones and ones not in CN_DIGITS):
        return None
    return (CN_DIGITS[tens] if tens else 1) * 10 + (CN_DIGITS[ones] if ones else 0)


#: C0 control characters and the noncharacters U+FFFE/U+FFFF, which XML 1.0 (so .docx and
#: .xlsx) cannot hold; tab, line feed and carriage return are kept.
CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def has_controls(text: str) -> bool:
    return bool(CONTROLS.search(text))


def printable(text: str) -> str:
    """``text`` without the control characters a document or workbook cannot hold: the
    last line of defence for values stored before input refused them."""
    return CONTROLS.sub("", text)
