"""bench/driver.py: the DynamoDB parameters it captures are written as Python literals the floor can run."""

from __future__ import annotations

import ast
from enum import StrEnum

from bench.driver import _literal


class Sector(StrEnum):
    TECHNOLOGY = "technology"


def test_captured_parameters_read_back_as_literals_with_enum_members_as_their_text() -> None:
    params = {
        "TransactItems": (
            {
                "Put": {
                    "Item": {
                        "sector": {"S": Sector.TECHNOLOGY},
                        "score": {"N": "60.75"},
                        "blob": {"B": bytearray(b"x")},
                    }
                }
            },
        ),
        "ReturnConsumedCapacity": "NONE",
    }

    plain = _literal(params)

    assert ast.literal_eval(repr(plain)) == {
        "TransactItems": [
            {"Put": {"Item": {"sector": {"S": "technology"}, "score": {"N": "60.75"}, "blob": {"B": b"x"}}}}
        ],
        "ReturnConsumedCapacity": "NONE",
    }
    assert type(plain["TransactItems"][0]["Put"]["Item"]["sector"]["S"]) is str
