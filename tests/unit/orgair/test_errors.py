"""The error hierarchy renders RFC 9457 bodies with stable types."""

from __future__ import annotations

from orgair.errors import (
    PROBLEM_BASE,
    BudgetExceeded,
    DependencyUnavailable,
    FieldError,
    NotFound,
    OrgairError,
    ValidationFailed,
)


def test_problem_body_has_every_standard_member() -> None:
    body = NotFound("Score not found.").to_problem(instance="/scores/x", correlation_id="abc")
    assert body == {
        "type": PROBLEM_BASE + "not-found",
        "title": "Not Found",
        "status": 404,
        "detail": "Score not found.",
        "instance": "/scores/x",
        "correlation_id": "abc",
    }


def test_validation_problem_lists_offending_fields() -> None:
    error = ValidationFailed("bad", errors=[FieldError("dimensions.talent", "must be at most 100")])
    body = error.to_problem(instance="/scores", correlation_id="c")
    assert body["status"] == 422
    assert body["errors"] == [{"field": "dimensions.talent", "message": "must be at most 100"}]


def test_extensions_cannot_override_standard_members() -> None:
    error = BudgetExceeded("over", extensions={"status": 200, "scope": "global"})
    body = error.to_problem(instance="/assessments", correlation_id="c")
    assert body["status"] == 429
    assert body["scope"] == "global"


def test_dependency_unavailable_carries_retry_after() -> None:
    assert DependencyUnavailable("down", retry_after_seconds=7).headers == {"Retry-After": "7"}


def test_every_problem_type_is_distinct() -> None:
    def all_subclasses(cls: type[OrgairError]) -> list[type[OrgairError]]:
        found = []
        for sub in cls.__subclasses__():
            found.append(sub)
            found.extend(all_subclasses(sub))
        return found

    slugs = [cls.slug for cls in all_subclasses(OrgairError)]
    assert len(slugs) == len(set(slugs))
