"""How Decimals leave the service: scores as JSON numbers (money is a 6-place string, `costs.money`).

Pydantic's JSON mode renders every Decimal as a string; these annotated types say per field which
rendering the API contract promises. Python-mode dumps (DynamoDB, tests) keep the Decimal.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, GetCoreSchemaHandler, GetJsonSchemaHandler, PlainSerializer, WithJsonSchema
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, core_schema


def number_value(value: Decimal) -> int | float:
    """Integers stay integers; everything else becomes the nearest double (shortest repr in JSON)."""
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent >= 0:
        return int(value)
    return float(value)


JsonNumber = Annotated[Decimal, PlainSerializer(number_value, return_type=float, when_used="json")]
"""A Decimal rendered as a JSON number (scores, ratios)."""

IsoDay = Annotated[str, WithJsonSchema({"type": "string", "format": "date"})]
"""A UTC day as `YYYY-MM-DD`, documented as `format: date`."""


def _unchanged(value: Any) -> Any:
    return value


def _as_declared(value: Any, validate: core_schema.ValidatorFunctionWrapHandler) -> Any:
    return validate(value)


@dataclass(frozen=True, slots=True)
class DocumentedAs:
    """Pydantic metadata: a field validated as its own (looser) type and rendered unchanged, but
    documented with `model`'s JSON schema (a `$ref` in request bodies).

    For values the handler validates itself, on purpose: a portfolio company is validated item by
    item so one bad company is reported without refusing the others, an individual's inputs are
    validated with the cross-field rules naming the field they blame, and a stored score's inputs are
    already-validated JSON. The OpenAPI document (and the typed clients) still say what the value
    must look like: `Annotated[dict[str, Any], DocumentedAs(CompanyScoreInput)]`.
    """

    model: type[BaseModel]

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        documented = handler.generate_schema(self.model)

        def as_documented(_: CoreSchema, json_handler: GetJsonSchemaHandler) -> JsonSchemaValue:
            return json_handler(documented)

        rendered = core_schema.any_schema(metadata={"pydantic_js_functions": [as_documented]})
        return core_schema.no_info_wrap_validator_function(
            _as_declared,
            handler(source),
            json_schema_input_schema=documented,
            serialization=core_schema.plain_serializer_function_ser_schema(
                _unchanged, return_schema=rendered
            ),
        )


def plain_json(value: Any) -> Any:
    """A stored structure (Decimals from DynamoDB, tuples) made JSON-ready with numbers as numbers."""
    if isinstance(value, Decimal):
        return number_value(value)
    if isinstance(value, dict):
        return {str(key): plain_json(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set):
        return [plain_json(item) for item in value]
    return value
