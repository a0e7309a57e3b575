"""Score and review ids: time-ordered, unique, unguessable, Crockford base32."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st
from orgair.ids import is_id, new_id

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
MAX_TIMESTAMP = 2**48 - 1


def timestamp_of(identifier: str) -> int:
    """The 48-bit millisecond timestamp in the first 10 characters."""
    value = 0
    for char in identifier[:10]:
        value = value * 32 + CROCKFORD.index(char)
    return value


def test_an_id_is_26_crockford_characters_without_ambiguous_letters() -> None:
    identifiers = [new_id() for _ in range(500)]

    assert all(re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{26}", identifier) for identifier in identifiers)
    assert not any(set("ILOU") & set(identifier) for identifier in identifiers)
    assert all(is_id(identifier) for identifier in identifiers)


def test_the_id_starts_with_its_creation_time_in_milliseconds() -> None:
    assert timestamp_of(new_id(1_795_000_000_123)) == 1_795_000_000_123
    assert new_id(0).startswith("0000000000")
    assert timestamp_of(new_id(MAX_TIMESTAMP)) == MAX_TIMESTAMP
    assert len(new_id(MAX_TIMESTAMP)) == 26


@given(
    earlier=st.integers(min_value=0, max_value=MAX_TIMESTAMP - 1),
    gap=st.integers(min_value=1, max_value=10**9),
)
def test_an_id_of_a_later_millisecond_always_sorts_after(earlier: int, gap: int) -> None:
    later = min(earlier + gap, MAX_TIMESTAMP)

    assert new_id(earlier) < new_id(later)


def test_ids_made_one_after_another_sort_by_time() -> None:
    made = [new_id(1_795_000_000_000 + step) for step in range(200)]

    assert made == sorted(made)


def test_ids_are_unique_even_within_one_millisecond() -> None:
    same_ms = [new_id(1_795_000_000_000) for _ in range(20_000)]

    assert len(set(same_ms)) == len(same_ms)
    assert len({identifier[10:] for identifier in same_ms}) == len(same_ms)


def test_the_random_part_is_not_predictable_from_the_previous_id() -> None:
    first, second = new_id(1_795_000_000_000), new_id(1_795_000_000_000)

    assert first[:10] == second[:10]
    assert sum(a != b for a, b in zip(first[10:], second[10:], strict=True)) > 4


def test_is_id_refuses_anything_else() -> None:
    valid = new_id()

    assert is_id(valid)
    for text in ("", valid[:-1], valid + "0", valid.lower(), valid[:-1] + "U", valid[:-1] + "-", "x" * 26):
        assert not is_id(text), text


def test_ids_made_in_the_same_millisecond_sort_in_creation_order() -> None:
    made = [new_id(now_ms=1_795_000_000_000) for _ in range(50)]
    assert made == sorted(made)
    assert len(set(made)) == 50
