"""Identifiers that sort by creation time (ULID layout: 48-bit ms timestamp + 80 random bits).

Time order lets history and review listings be plain key-range queries, newest first, with no
extra index; the random part makes ids unguessable, so they cannot be enumerated. Ids made in the
same millisecond by one process still sort in creation order: the random part grows from the
previous id's by a random step, so the order holds and the next id still cannot be guessed.
"""

from __future__ import annotations

import secrets
import threading
import time

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32


_RANDOM_BITS = 80
_STEP_BITS = 48
_lock = threading.Lock()
_last = (0, 0)


def new_id(now_ms: int | None = None) -> str:
    """A 26-character, lexicographically time-ordered, unguessable id."""
    global _last
    timestamp = int(time.time() * 1000) if now_ms is None else now_ms
    with _lock:
        last_time, last_random = _last
        step = 1 + secrets.randbits(_STEP_BITS)
        if timestamp == last_time and last_random + step < 1 << _RANDOM_BITS:
            random_part = last_random + step
        else:
            random_part = secrets.randbits(_RANDOM_BITS)
        _last = (timestamp, random_part)
    value = (timestamp << _RANDOM_BITS) | random_part
    chars = []
    for _ in range(26):
        chars.append(_ALPHABET[value & 31])
        value >>= 5
    return "".join(reversed(chars))


def is_id(text: str) -> bool:
    return len(text) == 26 and all(char in _ALPHABET for char in text)
