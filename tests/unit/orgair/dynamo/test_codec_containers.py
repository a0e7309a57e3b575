"""orgair.dynamo.codec: lists of strings, flags, maps and optional numbers, written and read back."""

from __future__ import annotations

from orgair.dynamo.codec import (
    flag,
    integer,
    nested,
    number,
    optional_integer,
    string,
    string_list,
    text,
    texts,
)


def test_lists_flags_maps_and_optional_numbers_read_back_and_read_missing_as_empty() -> None:
    item = {
        "scopes": string_list(["global", "tenant:a", "global"]),
        "none": string_list([]),
        "count": number(0),
        "anomalous": {"BOOL": True},
        "degraded": {"M": {"scope": string("global"), "limit": number(5)}},
    }
    assert item["scopes"] == {"L": [{"S": "global"}, {"S": "tenant:a"}, {"S": "global"}]}
    assert texts(item, "scopes") == ("global", "tenant:a", "global"), "a list keeps order and repeats"
    assert texts(item, "none") == ()
    assert texts(item, "missing") == ()
    assert optional_integer(item, "count") == 0
    assert optional_integer(item, "missing") is None
    assert flag(item, "anomalous")
    assert not flag(item, "missing")
    inner = nested(item, "degraded")
    assert inner is not None
    assert (text(inner, "scope"), integer(inner, "limit")) == ("global", 5)
    assert nested(item, "missing") is None
