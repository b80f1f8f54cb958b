"""Proof of work for public submissions: a signed, single-use challenge; the client finds a
nonce so that SHA-256(challenge + ":" + nonce) starts with ``bits`` zero bits. It costs a
browser a fraction of a second and a flood a lot; it needs no outside service."""

import hashlib
import secrets

from django.core import signing
from django.core.cache import cache

SALT = "xuncha.petitions.pow"
MAX_AGE = 600


def new_challenge(bits: int) -> dict:
    token = signing.dumps({"n": secrets.token_hex(8), "b": bits}, salt=SALT)
    return {"challenge": token, "difficulty": bits}


def leading_zero_bits(digest: bytes) -> int:
    bits = 0
    for byte in digest:
        if byte == 0:
            bits += 8
            continue
        return bits + 8 - byte.bit_length()
    return bits


def verify(challenge: str, nonce: str, required_bits: int) -> bool:
    """True when the challenge is ours, fresh, unused, hard enough, and solved."""
    if not challenge or not nonce or len(nonce) > 64 or len(challenge) > 400:
        return False
    try:
        data = signing.loads(challenge, salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature:
        return False
    if int(data.get("b", 0)) < required_bits:
        return False
    digest = hashlib.sha256(f"{challenge}:{nonce}".encode()).digest()
    if leading_zero_bits(digest) < required_bits:
        return False
    # Single use: the first to present it wins.
    return cache.add(f"pow:{hashlib.sha256(challenge.encode()).hexdigest()}", 1,
                     timeout=MAX_AGE + 60)


def solve(challenge: str, bits: int) -> str:
    """For tests and scripted clients."""
    nonce = 0
    while True:
        digest = hashlib.sha256(f"{challenge}:{nonce}".encode()).digest()
        if leading_zero_bits(digest) >= bits:
            return str(nonce)
        nonce += 1
