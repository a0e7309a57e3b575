"""Turn pydantic validation failures into the service's `ValidationFailed` (422) with dotted field paths."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from orgair.errors import FieldError, ValidationFailed
from orgair.scoring.models import CompanyScoreInput, IndividualScoreInput


def field_errors(exc: ValidationError, prefix: str = "") -> list[FieldError]:
    """One `FieldError` per pydantic error, named by its dotted path (`dimensions.talent`).

    Cross-field rules carry the field they blame in their context, so they are named too.
    """
    errors: list[FieldError] = []
    for error in exc.errors(include_url=False, include_input=False):
        parts = [str(part) for part in error["loc"]]
        if not parts:
            blamed = (error.get("ctx") or {}).get("field")
            if isinstance(blamed, str):
                parts = [blamed]
        if prefix:
            parts.insert(0, prefix)
        errors.append(FieldError(".".join(parts) or "body", error["msg"]))
    return errors


M = TypeVar("M", bound=BaseModel)


def _parse(model: type[M], data: Any, prefix: str, what: str) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ValidationFailed(f"The {what} is invalid.", errors=field_errors(exc, prefix)) from None


def parse_company_input(data: Any, prefix: str = "") -> CompanyScoreInput:
    """Validate one company from decoded JSON; raises `ValidationFailed` naming every bad field."""
    return _parse(CompanyScoreInput, data, prefix, "company input")


def parse_individual_input(data: Any, prefix: str = "") -> IndividualScoreInput:
    """Validate one individual's inputs from decoded JSON."""
    return _parse(IndividualScoreInput, data, prefix, "individual input")
