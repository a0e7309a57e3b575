"""The single entry point picks the pipeline named by the parameter version."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from orgair.scoring.parameters import DEFAULT_PARAMETERS
from orgair.scoring.results import CompositeResult, OrgAirV2Result
from orgair.scoring.review import ScoreSnapshot
from orgair.scoring.validation import parse_company_input
from orgair.scoring.versions import PARAM_VERSIONS, score_company

Build = Callable[..., dict[str, Any]]


def test_v1_returns_the_composite(worked_example: Build) -> None:
    result = score_company(parse_company_input(worked_example()), DEFAULT_PARAMETERS, "v1.0")
    assert isinstance(result, CompositeResult)
    assert result.composite == Decimal("78.08")


def test_v2_returns_org_air(worked_example: Build) -> None:
    result = score_company(parse_company_input(worked_example(target_org_air=85)), DEFAULT_PARAMETERS, "v2.0")
    assert isinstance(result, OrgAirV2Result)
    assert result.org_air == Decimal("72.639")
    assert ScoreSnapshot.of(result) == ScoreSnapshot(Decimal("72.639"), Decimal("0.3257"))


def test_unknown_version_is_a_programming_error(worked_example: Build) -> None:
    with pytest.raises(ValueError, match=r"v1\.0, v2\.0"):
        score_company(parse_company_input(worked_example()), DEFAULT_PARAMETERS, "v3.0")  # type: ignore[call-overload]


def test_versions_are_listed() -> None:
    assert PARAM_VERSIONS == ("v1.0", "v2.0")
