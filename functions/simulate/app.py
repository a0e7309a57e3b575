"""Computation only, stored nowhere: POST /scores/simulate (what-if parameters), POST /individuals/scores.

Kept apart from the storing functions so its cold start never loads the AWS SDK."""

from typing import Any

from orgair.http import create_app, make_handler, param_version, requires
from orgair.logic.scores import score_person, simulate
from orgair.models.scores import ScoreResult, SimulateRequest
from orgair.scoring import IndividualScoreResult
from orgair.settings import get_settings

app = create_app()


@app.post("/scores/simulate")
@requires("scores:read")
def simulate_score(body: SimulateRequest) -> ScoreResult:
    return simulate(body, param_version(app), get_settings())


@app.post("/individuals/scores")
@requires("scores:write")
def score_individual(body: dict[str, Any]) -> IndividualScoreResult:
    return score_person(body, get_settings())


lambda_handler = make_handler(app)
