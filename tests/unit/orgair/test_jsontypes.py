"""How Decimals leave the service: scores as JSON numbers, exact Decimals in Python mode."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from orgair.jsontypes import JsonNumber, number_value, plain_json
from pydantic import BaseModel


class Report(BaseModel):
    score: JsonNumber


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("72.6390"), 72.639),
        (Decimal("0.0620"), 0.062),
        (Decimal("70"), 70),
        (Decimal("7E+1"), 70),
        (Decimal("-0.5"), -0.5),
        (Decimal("0"), 0),
        (Decimal("60.70263477563392"), 60.70263477563392),
    ],
)
def test_a_score_becomes_the_nearest_json_number(value: Decimal, expected: float) -> None:
    result = number_value(value)

    assert result == expected
    assert type(result) is type(expected)


def test_integers_stay_integers_and_fractions_keep_their_shortest_form() -> None:
    text = json.dumps(
        [number_value(Decimal("70")), number_value(Decimal("72.6390")), number_value(Decimal("0.10"))]
    )

    assert text == "[70, 72.639, 0.1]"


def test_a_score_field_is_a_json_number() -> None:
    report = Report(score=Decimal("72.6390"))

    assert json.loads(report.model_dump_json()) == {"score": 72.639}
    assert Report(score=Decimal(1)).model_dump(mode="json") == {"score": 1}


def test_python_mode_keeps_the_exact_decimals() -> None:
    assert Report(score=Decimal("72.6390")).model_dump() == {"score": Decimal("72.6390")}


def test_plain_json_turns_stored_structures_into_json_ready_values() -> None:
    stored = {
        "inputs": {"dimensions": {"talent": Decimal("82")}, "alignment": Decimal("0.8")},
        "weights": (Decimal("0.18"), Decimal("0.15")),
        "flags": [True, None, "text"],
        7: {Decimal("1")},
    }

    ready = plain_json(stored)

    assert ready == {
        "inputs": {"dimensions": {"talent": 82}, "alignment": 0.8},
        "weights": [0.18, 0.15],
        "flags": [True, None, "text"],
        "7": [1],
    }
    assert json.loads(json.dumps(ready)) == ready
    assert type(ready["inputs"]["dimensions"]["talent"]) is int
