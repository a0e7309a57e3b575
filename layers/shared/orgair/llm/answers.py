"""What the gateway asks a model and how it reads the answer: the prompts (schema in the prompt, or
sent natively), reading and validating the JSON answer, the repair prompt listing what was wrong,
and a provider's Retry-After. No I/O and no money here; `orgair.llm.gateway` runs the calls.
"""

from __future__ import annotations

import email.utils
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Final, TypeVar

from pydantic import BaseModel, ValidationError

from orgair.errors import FieldError
from orgair.llm.providers import Reply
from orgair.llm.schema import OutputSchema, UnsupportedSchema, strict_schema
from orgair.observability import logger

T = TypeVar("T", bound=BaseModel)

RETRY_AFTER_CAP_SECONDS: Final = 60.0
MAX_REPORTED_ERRORS: Final = 10


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Retry-After as seconds (delta-seconds or HTTP-date), capped; None when absent or unreadable."""
    if not value:
        return None
    text = value.strip()
    try:
        seconds = float(text)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(text)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - (now or datetime.now(UTC))).total_seconds()
    if seconds != seconds:  # NaN
        return None
    return min(max(0.0, seconds), RETRY_AFTER_CAP_SECONDS)


def extract_json_object(text: str) -> str:
    """The JSON object in a model's answer (tolerating code fences and surrounding prose)."""
    start = text.find("{")
    end = text.rfind("}")
    if start == -1 or end < start:
        raise ValueError("the answer contains no JSON object")
    return text[start : end + 1]


def read_answer(schema: type[T], reply: Reply) -> T:
    """The answer as `schema`, or ValidationError/ValueError: the one test of whether a reply needs
    a (paid) repair, for every mode (native structured outputs or the schema in the prompt)."""
    return schema.model_validate_json(extract_json_object(reply.text))


def validation_errors(error: ValidationError | ValueError) -> list[FieldError]:
    if isinstance(error, ValidationError):
        return [
            FieldError(".".join(str(part) for part in item["loc"]) or "answer", item["msg"])
            for item in error.errors(include_url=False, include_input=False)[:MAX_REPORTED_ERRORS]
        ]
    return [FieldError("answer", str(error))]


def instructions(system: str, schema: type[BaseModel]) -> str:
    """The prompt of a model without native structured outputs: the schema is in the prompt."""
    return (
        f"{system}\n\nAnswer with exactly one JSON object and nothing else. "
        f"It must validate against this JSON Schema:\n{json.dumps(schema.model_json_schema(), sort_keys=True)}"
    )


def structured_instructions(system: str, output: OutputSchema) -> str:
    """The prompt of a model that receives the schema natively (not repeated here: it is billed once)."""
    return (
        f"{system}\n\nGive your answer as one {output.name} object in the structure supplied with "
        "this request; respect the constraints stated in each field's description."
    )


def output_schema(schema: type[BaseModel]) -> OutputSchema | None:
    try:
        return strict_schema(schema)
    except UnsupportedSchema as problem:
        logger.warning(
            "schema %s cannot be sent natively (%s); asking in the prompt", schema.__name__, problem
        )
        return None


def repair_prompt(errors: Sequence[FieldError]) -> str:
    listed = "\n".join(f"- {error.field}: {error.message}" for error in errors)
    return (
        "Your previous answer was not valid against the JSON Schema:\n"
        f"{listed}\nReply with only the corrected JSON object."
    )
