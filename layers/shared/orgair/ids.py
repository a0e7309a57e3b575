"""Identifiers that sort by creation time (ULID layout: 48-bit ms timestamp + 80 random bits).

Time order lets history and review listings be plain key-range queries, newest first, with no
extra index; the random part makes ids unguessable, so they cannot be enumerated.
"""

from __future__ import annotations

import secrets
import time

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32


def new_id(now_ms: int | None = None) -> str:
    """A 26-character, lexicographically time-ordered, unguessable id."""
    timestamp = int(time.time() * 1000) if now_ms is None else now_ms
    value = (timestamp << 80) | secrets.randbits(80)
    chars = []
    for _ in range(26):
        chars.append(_ALPHABET[value & 31])
        value >>= 5
    return "".join(reversed(chars))


def is_id(text: str) -> bool:
    return len(text) == 26 and all(char in _ALPHABET for char in text)
