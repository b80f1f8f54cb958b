"""Near-duplicate petitions (重复件): MinHash over character shingles, banded into index
keys, candidates confirmed by an edit-distance ratio.

The text is compared in its ``compact`` form (pinyin artifacts dropped, NFKC, traditional →
simplified, lower case, punctuation and whitespace removed), so the same letter typed from a
phone call, copied from a traditional-script e-mail or sent online looks the same.

Shingles are the text's overlapping 3-character pieces. Each becomes one 63-bit integer
(three 21-bit code points), is mixed by the splitmix64 finaliser, and is then hashed by 64
functions ``h_i(x) = (a_i·x + b_i mod 2^64) >> 32`` (multiply-add-shift, a 2-independent
family; all in numpy, one pass). The minimum of each function over the shingles is the
signature. 16 bands of 4 rows give 16 band keys, stored in ``PetitionBand`` with an index:
two texts whose shingle sets have Jaccard similarity s share at least one band with
probability 1 − (1 − s⁴)¹⁶ — 0.12 at s = 0.3, 0.64 at 0.5, 0.98 at 0.7. Candidates found by
the keys are confirmed by rapidfuzz's ``ratio`` (normalised Indel similarity) ≥ ``CONFIRM``,
which removes the false positives of the banding.
"""

import hashlib

import numpy as np
from rapidfuzz import fuzz

from xuncha.lib.textnorm import compact

SHINGLE = 3
PERMUTATIONS = 64
BANDS = 16
ROWS = PERMUTATIONS // BANDS
CONFIRM = 80.0
MIN_LENGTH = 12  # compact characters; shorter texts say too little to compare
MAX_LENGTH = 20_000  # the signature of a longer text uses its beginning

_rng = np.random.default_rng(20261122)
# Odd multipliers (so x ↦ a·x is a bijection mod 2^64) and arbitrary offsets.
_A = _rng.integers(0, 2**63, size=PERMUTATIONS, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
_B = _rng.integers(0, 2**63, size=PERMUTATIONS, dtype=np.uint64)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)


def shingle_ids(normalized: str) -> np.ndarray:
    """The distinct shingles of an already-``compact`` text, each as one uint64."""
    codes = np.frombuffer(normalized[:MAX_LENGTH].encode("utf-32-le"), dtype=np.uint32)
    codes = codes.astype(np.uint64)
    if len(codes) < SHINGLE:
        return np.unique(codes)
    ids = (codes[:-2] << np.uint64(42)) | (codes[1:-1] << np.uint64(21)) | codes[2:]
    return np.unique(ids)


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: spreads the structured shingle ids over all 64 bits."""
    with np.errstate(over="ignore"):
        x = x ^ (x >> np.uint64(30))
        x = x * _M1
        x = x ^ (x >> np.uint64(27))
        x = x * _M2
        return x ^ (x >> np.uint64(31))


def signature(normalized: str) -> np.ndarray | None:
    """The MinHash signature (64 values) of a ``compact`` text, or None when too short."""
    if len(normalized) < MIN_LENGTH:
        return None
    hashed = _mix(shingle_ids(normalized)) >> np.uint64(32)
    with np.errstate(over="ignore"):
        values = (np.outer(hashed, _A) + _B) >> np.uint64(32)
    return values.min(axis=0)


def band_keys(sig: np.ndarray) -> list[int]:
    """One signed 64-bit key per band (the band number is part of the key)."""
    keys = []
    for band in range(BANDS):
        chunk = sig[band * ROWS:(band + 1) * ROWS].astype("<u8").tobytes()
        digest = hashlib.blake2b(bytes([band]) + chunk, digest_size=8).digest()
        keys.append(int.from_bytes(digest, "big", signed=True))
    return keys


def keys_for(text: str) -> tuple[str, list[int]]:
    """(compact text, band keys) — no keys for texts too short to compare."""
    normalized = compact(text)
    sig = signature(normalized)
    return normalized, band_keys(sig) if sig is not None else []


def similarity(a: str, b: str) -> float:
    """0–100: how much of the two compact texts is the same (edit-distance based)."""
    return fuzz.ratio(a, b)


def jaccard(a: str, b: str) -> float:
    """The exact shingle Jaccard similarity (for tests and tuning)."""
    sa, sb = set(shingle_ids(a).tolist()), set(shingle_ids(b).tolist())
    return len(sa & sb) / len(sa | sb) if sa | sb else 0.0
