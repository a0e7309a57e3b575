"""Computation only, stored nowhere: POST /scores/simulate (what-if parameters), POST /individuals/scores.

Kept apart from the storing functions so its cold start never loads the AWS SDK."""

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Body
from orgair.http import create_app, make_handler, param_version, requires
from orgair.jsontypes import DocumentedAs
from orgair.logic.scores import score_person, simulate
from orgair.models.scores import ScoreResult, SimulateRequest
from orgair.scoring import IndividualScoreInput, IndividualScoreResult
from orgair.settings import get_settings

app = create_app()


@app.post(
    "/scores/simulate",
    summary="Score a company under what-if parameters, storing nothing",
    description="Scores the company with the stage's model (v1: composite, v2: Org-AI-R) and the "
    "deployment's parameters, overridden by `parameters` where given. Nothing is stored and no "
    "review is opened, so repeating the call is harmless. 422 names every invalid field or "
    "parameter.",
    responses={200: {"description": "The score and its full breakdown, with the parameters used."}},
)
@requires("scores:read")
def simulate_score(body: SimulateRequest) -> ScoreResult:
    return simulate(body, param_version(app), get_settings())


@app.post(
    "/individuals/scores",
    summary="Score one person's AI readiness (Individual AI-R)",
    description="Computes a person's AI-R from fluency, domain expertise (given, or from education, "
    "years and specialisation: exactly one of the two forms), adaptive capacity and H^R. Nothing is "
    "stored, so repeating the call is harmless. 422 names every invalid field, and says which "
    "expertise form is missing or doubled.",
    responses={200: {"description": "The person's AI-R with every intermediate value."}},
)
@requires("scores:write")
def score_individual(
    body: Annotated[dict[str, Any], DocumentedAs(IndividualScoreInput), Body()],
) -> IndividualScoreResult:
    return score_person(body, get_settings())


lambda_handler = make_handler(app)
