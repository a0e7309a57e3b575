"""Reading a request body as JSON at a cost bounded by its length, whatever it contains.

`json.loads` alone is not safe on hostile text: nesting recurses in C until Python's recursion
limit (a RecursionError), an integer literal past Python's int-string limit is a ValueError, and a
number with an extreme exponent (`1e999999999`) parses cheaply as a Decimal but costs seconds of
CPU, with the GIL held, once something turns it into an int. Duplicate keys silently keep the last
value. So, in this order:

1. the nesting depth is measured by an iterative scan of the text (strings skipped), before parsing;
2. every number literal is checked on its raw token (digit count, exponent) before it is converted;
3. every object is checked for duplicate keys as it is built;
4. NaN/Infinity are refused (they are not JSON).

What is refused is an `OrgairError` naming the offending field: 400 `malformed-request` for text
that is not a JSON document we accept (syntax, depth, duplicate keys, non-finite constants), 422
`validation-error` for a number literal outside the bounds below.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from typing import Any, Final, NoReturn

from orgair.errors import FieldError, MalformedRequest, ValidationFailed

MAX_JSON_DEPTH: Final = 32
"""Arrays and objects nested deeper than this are refused before parsing."""
MAX_NUMBER_DIGITS: Final = 64
"""Digits in a number literal's integer and fraction parts together."""
MAX_NUMBER_EXPONENT: Final = 400
"""Largest magnitude of a number literal's exponent (`1e-131`, DynamoDB's floor, is well inside)."""

# Brackets only, `{}` read as `[]`: every other byte is deleted.
_AS_BRACKETS: Final = bytes.maketrans(b"{}", b"[]")
_NOT_BRACKETS: Final = bytes(byte for byte in range(256) if byte not in b"[]{}")
_OPEN: Final = ord("[")


class _Refused:
    """Stands in for a value the parser refused, so the walk after parsing can name its field."""

    __slots__ = ("reason",)

    def __init__(self, reason: str) -> None:
        self.reason = reason


class _Duplicated(dict[str, Any]):
    """An object that had a key more than once (the keys are kept to name them)."""

    __slots__ = ("duplicates",)

    def __init__(self, pairs: list[tuple[str, Any]], duplicates: list[str]) -> None:
        super().__init__(pairs)
        self.duplicates = duplicates


def nesting_depth_exceeds(text: str, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether arrays/objects in `text` nest deeper than `limit`, by C-speed string operations and
    no recursion: exact for balanced text; for unbalanced text (which no parser accepts) it
    guarantees the parser never descends more than twice `limit` levels before refusing it.

    Brackets inside strings do not count. Every step is linear in the text: strings are cut out
    by splitting on quotes (after escaped backslashes and quotes are dropped), then `limit` passes
    each delete every innermost `[]` pair; what survives was nested deeper, or never closed.
    """
    if text.count("[") + text.count("{") <= limit:
        return False
    unescaped = text.replace("\\\\", "").replace('\\"', "")
    outside_strings = "".join(unescaped.split('"')[::2])
    brackets = outside_strings.encode("utf-8", "replace").translate(_AS_BRACKETS, _NOT_BRACKETS)
    for _ in range(limit):
        reduced = brackets.replace(b"[]", b"")
        if len(reduced) == len(brackets):
            break
        brackets = reduced
    # A pair left after `limit` passes closed a structure more than `limit` levels high; with none
    # left, only unclosed openers and stray closers remain.
    return b"[]" in brackets or brackets.count(_OPEN) > limit


def _literal_problem(literal: str) -> str | None:
    """Why a number literal is refused, judged on its characters alone, or None."""
    mantissa, _, exponent = literal.lower().partition("e")
    digits = len(mantissa) - mantissa.count("-") - mantissa.count(".")
    if digits > MAX_NUMBER_DIGITS:
        return f"number literal has more than {MAX_NUMBER_DIGITS} digits"
    if exponent:
        magnitude = exponent.lstrip("+-").lstrip("0")
        if len(magnitude) > len(str(MAX_NUMBER_EXPONENT)) or int(magnitude or "0") > MAX_NUMBER_EXPONENT:
            return f"number literal has an exponent beyond ±{MAX_NUMBER_EXPONENT}"
    return None


def _constant(name: str) -> NoReturn:
    raise ValueError(f"{name} is not valid JSON")


class _Hooks:
    """The parser's hooks for one document; `flagged` says whether the walk for names is needed."""

    __slots__ = ("flagged",)

    def __init__(self) -> None:
        self.flagged = False

    def integer(self, literal: str) -> int | _Refused:
        problem = _literal_problem(literal)
        if problem:
            self.flagged = True
            return _Refused(problem)
        return int(literal)

    def decimal(self, literal: str) -> Decimal | _Refused:
        problem = _literal_problem(literal)
        if problem:
            self.flagged = True
            return _Refused(problem)
        return Decimal(literal)

    def object(self, pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        built = dict(pairs)
        if len(built) == len(pairs):
            return built
        self.flagged = True
        seen: set[str] = set()
        duplicates: list[str] = []
        for key, _ in pairs:
            if key in seen:
                duplicates.append(key)
            seen.add(key)
        return _Duplicated(pairs, duplicates)


def _field(path: tuple[str | int, ...]) -> str:
    return ".".join(str(part) for part in path) or "body"


def _walk(value: Any) -> Iterator[tuple[tuple[str | int, ...], Any]]:
    """Every node with its path, iteratively (the depth is already bounded)."""
    stack: list[tuple[tuple[str | int, ...], Any]] = [((), value)]
    while stack:
        path, node = stack.pop()
        yield path, node
        if isinstance(node, dict):
            stack.extend(((*path, key), child) for key, child in reversed(node.items()))
        elif isinstance(node, list):
            stack.extend(((*path, index), child) for index, child in reversed(list(enumerate(node))))


def parse_json_body(text: str) -> Any:
    """The body as JSON (floats as exact Decimals), or the `OrgairError` that says why not."""
    if nesting_depth_exceeds(text):
        raise MalformedRequest(
            f"The JSON body nests deeper than {MAX_JSON_DEPTH} levels.",
            errors=[FieldError("body", f"arrays and objects nest deeper than {MAX_JSON_DEPTH} levels")],
        )
    hooks = _Hooks()
    try:
        parsed = json.loads(
            text,
            parse_int=hooks.integer,
            parse_float=hooks.decimal,
            parse_constant=_constant,
            object_pairs_hook=hooks.object,
        )
    except json.JSONDecodeError as error:
        where = f"{error.msg} at line {error.lineno} column {error.colno}"
        raise MalformedRequest(
            "The request body is not valid JSON.", errors=[FieldError("body", where)]
        ) from None
    except (ValueError, RecursionError) as error:  # NaN/Infinity; a recursion limit below our depth
        raise MalformedRequest(
            "The request body is not valid JSON.", errors=[FieldError("body", str(error))]
        ) from None
    if not hooks.flagged:
        return parsed
    duplicated: list[FieldError] = []
    refused: list[FieldError] = []
    for path, node in _walk(parsed):
        if isinstance(node, _Duplicated):
            duplicated.extend(FieldError(_field((*path, key)), "duplicate key") for key in node.duplicates)
        elif isinstance(node, _Refused):
            refused.append(FieldError(_field(path), node.reason))
    if duplicated:
        raise MalformedRequest("The JSON body has an object with a duplicate key.", errors=duplicated)
    if refused:
        raise ValidationFailed("A number in the body is outside what this API reads.", errors=refused)
    return parsed
