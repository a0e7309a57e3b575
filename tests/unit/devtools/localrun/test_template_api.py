"""What the runner reads from the template about APIs: stages, authorizers, gateway responses."""

from __future__ import annotations

from devtools.template import Template
from devtools.template_specs import IMPLICIT_API


def test_api_stages_authorizer_and_gateway_responses(template: Template) -> None:
    (api,) = template.apis()
    assert api.logical_id == "Api"
    assert [(stage.name, stage.variables) for stage in api.stages] == [
        ("v1", {"paramVersion": "v1.0"}),
        ("v2", {"paramVersion": "v2.0"}),
    ]
    assert api.stages[0].method_settings[1].resource_path == "/~1limited"
    assert api.stages[0].method_settings[1].burst_limit == 2
    assert api.default_authorizer == "KeyAuthorizer"
    authorizer = api.authorizers["KeyAuthorizer"]
    assert authorizer.function_id == "AuthFunction"
    assert authorizer.payload_type == "REQUEST"
    assert authorizer.identity_headers == ("Authorization",)
    assert authorizer.reauthorize_every == 300
    unauthorized = api.gateway_responses["UNAUTHORIZED"]
    assert unauthorized.status_code == 401
    assert unauthorized.headers["WWW-Authenticate"] == "'Bearer'"


def test_routes_know_their_api_and_whether_they_are_public(template: Template) -> None:
    routes = {(route.method, route.path): route for spec in template.functions() for route in spec.routes}
    assert routes[("GET", "/public")].public
    assert routes[("GET", "/public")].api == "Api"
    scores = routes[("GET", "/companies/{company_id}/scores")]
    assert not scores.public
    assert scores.authorizer is None  # the API's default applies


def test_routes_without_rest_api_id_use_the_implicit_api() -> None:
    raw = {
        "Resources": {
            "Fn": {
                "Type": "AWS::Serverless::Function",
                "Properties": {
                    "CodeUri": "fn/",
                    "Events": {"Get": {"Type": "Api", "Properties": {"Path": "/x", "Method": "get"}}},
                },
            }
        }
    }
    (api,) = Template(raw).apis()
    assert api.logical_id == IMPLICIT_API
    assert [stage.name for stage in api.stages] == ["Prod"]
    assert Template(raw).functions()[0].routes[0].method == "GET"


def test_an_authorizer_named_by_its_live_alias_runs_that_function() -> None:
    raw = {
        "Resources": {
            "Api": {
                "Type": "AWS::Serverless::Api",
                "Properties": {
                    "StageName": "v1",
                    "Auth": {
                        "DefaultAuthorizer": "Keys",
                        "Authorizers": {
                            "Keys": {
                                "FunctionPayloadType": "REQUEST",
                                "FunctionArn": {"Ref": "AuthFunction.Alias"},
                            },
                            "Elsewhere": {"FunctionArn": {"Ref": "NotHere.Alias"}},
                        },
                    },
                },
            },
            "AuthFunction": {"Type": "AWS::Serverless::Function", "Properties": {"CodeUri": "auth/"}},
        }
    }

    (api,) = Template(raw).apis()

    assert api.authorizers["Keys"].function_id == "AuthFunction"
    assert api.authorizers["Elsewhere"].function_id is None
