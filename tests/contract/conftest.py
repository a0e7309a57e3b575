"""The contract suites: the same test functions run against each repository's in-memory fake and
its DynamoDB implementation on the embedded DynamoDB (the `dynamodb` fixture of tests/conftest.py).

A suite asks for `store` (the parameter, "fake" or "dynamodb") and builds its repository from it;
the DynamoDB parameter is marked `integration` (it opens a loopback socket), the fake one is not.
"""

from __future__ import annotations

import pytest

STORES = [
    pytest.param("fake", id="fake"),
    pytest.param("dynamodb", id="dynamodb", marks=pytest.mark.integration),
]


@pytest.fixture(params=STORES)
def store(request: pytest.FixtureRequest) -> str:
    return str(request.param)
