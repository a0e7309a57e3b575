"""The strict-schema converter: what OpenAI strict json_schema and Anthropic input_schema accept."""

from __future__ import annotations

from typing import Any, Literal

import pytest
from orgair.llm.schema import UnsupportedSchema, strict_schema
from orgair.logic.assessments import DimensionRatings
from orgair.scoring import DIMENSION_NAMES
from pydantic import BaseModel, ConfigDict, Field


class Inner(BaseModel):
    score: int = Field(ge=0, le=100)
    note: str | None = None


class Outer(BaseModel):
    model_config = ConfigDict(title="Ignored title")

    name: str = Field(max_length=20, description="Who")
    kind: Literal["a", "b"]
    fixed: Literal["only"]
    inner: Inner
    items: list[Inner] = Field(default_factory=list, max_length=3)


def objects(node: Any) -> list[dict[str, Any]]:
    """Every object node of a schema, depth first."""
    found: list[dict[str, Any]] = []
    if isinstance(node, dict):
        if node.get("type") == "object":
            found.append(node)
        for value in node.values():
            found.extend(objects(value))
    elif isinstance(node, list):
        for value in node:
            found.extend(objects(value))
    return found


def keywords(node: Any) -> set[str]:
    if isinstance(node, dict):
        names = set(node) if "type" in node or "anyOf" in node or "enum" in node else set()
        for key, value in node.items():
            if key != "properties":
                names |= keywords(value)
            else:
                for child in value.values():
                    names |= keywords(child)
        return names
    if isinstance(node, list):
        return set().union(*(keywords(value) for value in node)) if node else set()
    return set()


def test_every_object_requires_all_its_properties_and_forbids_others() -> None:
    schema = strict_schema(Outer).schema

    nodes = objects(schema)
    assert len(nodes) == 3  # Outer, inner, items[]
    for node in nodes:
        assert node["required"] == list(node["properties"])
        assert node["additionalProperties"] is False


def test_refs_are_inlined_and_bounds_become_descriptions() -> None:
    schema = strict_schema(Outer).schema

    assert "$defs" not in schema
    assert "$ref" not in repr(schema)
    assert schema["properties"]["inner"]["properties"]["score"] == {
        "type": "integer",
        "description": "Constraints: minimum 0, maximum 100.",
    }
    assert schema["properties"]["name"] == {"type": "string", "description": "Who Constraints: maxLength 20."}
    assert schema["properties"]["items"]["description"] == "Constraints: maxItems 3."


def test_only_keywords_of_the_strict_subset_remain() -> None:
    schema = strict_schema(Outer).schema

    assert keywords(schema) <= {
        "type",
        "properties",
        "required",
        "additionalProperties",
        "items",
        "enum",
        "anyOf",
        "description",
    }


def test_optional_fields_become_required_and_nullable_and_const_becomes_an_enum() -> None:
    schema = strict_schema(Outer).schema

    note = schema["properties"]["inner"]["properties"]["note"]
    assert note == {"anyOf": [{"type": "string"}, {"type": "null"}]}
    assert schema["properties"]["fixed"] == {"type": "string", "enum": ["only"]}
    assert schema["properties"]["kind"] == {"type": "string", "enum": ["a", "b"]}


def test_the_assessment_answer_converts_with_all_seven_dimensions_required() -> None:
    output = strict_schema(DimensionRatings)

    assert output.name == "DimensionRatings"
    assert output.schema["required"] == list(DIMENSION_NAMES)
    assert len(DIMENSION_NAMES) == 7
    rating = output.schema["properties"]["talent"]
    assert rating["required"] == ["score", "rationale"]
    assert rating["properties"]["rationale"]["description"] == "Constraints: minLength 1, maxLength 600."


class Open(BaseModel):
    model_config = ConfigDict(extra="allow")

    name: str


class Mapped(BaseModel):
    values: dict[str, int]


class Node(BaseModel):
    child: Node | None = None


class AnswerWithAClassNameThatIsLongerThanTheSixtyFourCharactersOpenAIAccepts(BaseModel):
    x: int


@pytest.mark.parametrize(
    ("model", "message"),
    [
        (Open, "open objects"),
        (Mapped, "open objects"),
        (Node, "recursive"),
        (AnswerWithAClassNameThatIsLongerThanTheSixtyFourCharactersOpenAIAccepts, "schema name"),
    ],
)
def test_what_strict_mode_cannot_express_is_refused(model: type[BaseModel], message: str) -> None:
    with pytest.raises(UnsupportedSchema, match=message):
        strict_schema(model)
