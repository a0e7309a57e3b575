"""Path matching as API Gateway's resource tree does it."""

from __future__ import annotations

import pytest

from devtools.localrun.routing import RouteTable, RouteTarget


def table(*routes: tuple[str, str]) -> RouteTable:
    return RouteTable(RouteTarget(f"Fn{i}", method, path, None) for i, (method, path) in enumerate(routes))


def test_path_parameters_are_extracted_raw() -> None:
    match = table(("GET", "/companies/{company_id}/scores")).match("/companies/acme%20co/scores")
    assert match is not None
    assert match.resource == "/companies/{company_id}/scores"
    assert match.path_parameters == {"company_id": "acme%20co"}
    assert match.target("GET") is not None


@pytest.mark.parametrize(
    "path",
    ["/companies/scores", "/companies//scores", "/companies/acme/scores/extra", "/company/acme/scores"],
)
def test_paths_that_do_not_fit_the_resource_do_not_match(path: str) -> None:
    assert table(("GET", "/companies/{company_id}/scores")).match(path) is None


def test_a_trailing_slash_is_ignored() -> None:
    match = table(("GET", "/health")).match("/health/")
    assert match is not None
    assert match.resource == "/health"
    assert match.path_parameters is None


def test_literal_segments_beat_parameters_which_beat_greedy_variables() -> None:
    routes = table(
        ("GET", "/scores/{score_id}"),
        ("POST", "/scores/simulate"),
        ("GET", "/scores/{proxy+}"),
    )
    literal = routes.match("/scores/simulate")
    assert literal is not None
    assert literal.resource == "/scores/simulate"
    parameter = routes.match("/scores/abc")
    assert parameter is not None
    assert parameter.resource == "/scores/{score_id}"
    greedy = routes.match("/scores/abc/def")
    assert greedy is not None
    assert greedy.resource == "/scores/{proxy+}"
    assert greedy.path_parameters == {"proxy": "abc/def"}


def test_the_resource_is_chosen_before_the_method() -> None:
    """GET /scores/simulate hits the POST-only literal resource, never the GET parameter one."""
    match = table(("GET", "/scores/{score_id}"), ("POST", "/scores/simulate")).match("/scores/simulate")
    assert match is not None
    assert match.target("GET") is None
    assert match.allowed() == ["POST"]


def test_any_method_matches_every_method() -> None:
    match = table(("ANY", "/anything")).match("/anything")
    assert match is not None
    target = match.target("DELETE")
    assert target is not None
    assert target.method == "ANY"


def test_root_resource() -> None:
    match = table(("GET", "/")).match("/")
    assert match is not None
    assert match.resource == "/"


def test_one_method_routed_to_two_functions_is_refused() -> None:
    with pytest.raises(ValueError, match="routed to both"):
        table(("GET", "/health"), ("GET", "/health"))


def test_greedy_variable_must_be_last() -> None:
    with pytest.raises(ValueError, match="greedy"):
        table(("GET", "/{proxy+}/more"))
