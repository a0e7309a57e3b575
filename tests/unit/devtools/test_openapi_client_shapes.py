"""The shapes devtools.openapi gives the documents so that client generators keep everything: number
allowed-values as a oneOf of consts, and one stable, unique operationId per operation."""

from __future__ import annotations

from typing import Any

import pytest

from devtools.openapi_operations import (
    OPERATION_IDS,
    OpenApiError,
    allowed_values,
    derived_operation_id,
    name_operation,
)


def test_a_number_enum_becomes_a_oneof_of_number_consts_at_any_depth() -> None:
    schema = {
        "properties": {
            "level": {"anyOf": [{"type": "number", "enum": [0.9, 0.95]}, {"type": "null"}], "title": "L"}
        }
    }

    assert allowed_values(schema) == {
        "properties": {
            "level": {
                "anyOf": [
                    {"oneOf": [{"const": 0.9, "type": "number"}, {"const": 0.95, "type": "number"}]},
                    {"type": "null"},
                ],
                "title": "L",
            }
        }
    }


def test_string_enums_are_left_as_generators_already_read_them() -> None:
    schema = {"type": "string", "enum": ["approve", "reject"]}

    assert allowed_values(schema) == schema


def test_a_listed_operation_gets_its_name_and_an_unlisted_one_a_derived_camel_case_name() -> None:
    used: dict[str, str] = {}
    listed: dict[str, Any] = {}
    unlisted: dict[str, Any] = {}

    name_operation(listed, "post", "/scores", used)
    name_operation(unlisted, "get", "/scores/{score_id}/explain", used)

    assert listed["operationId"] == OPERATION_IDS[("post", "/scores")] == "createScore"
    assert unlisted["operationId"] == derived_operation_id("get", "/scores/{score_id}/explain")
    assert unlisted["operationId"] == "getScoresScoreIdExplain"


def test_one_operation_id_for_two_operations_is_refused() -> None:
    used = {"createScore": "POST /scores"}

    with pytest.raises(OpenApiError, match="createScore"):
        name_operation({}, "post", "/scores", used)


def test_the_operation_ids_of_the_table_are_unique() -> None:
    assert len(set(OPERATION_IDS.values())) == len(OPERATION_IDS)
