"""Pure Org-AI-R scoring: validated inputs, Decimal formulas and immutable results, no I/O.

The HTTP functions validate with `parse_*`, score with `score_company`/`score_individual`, and decide
on human review with `review_decision`; nothing here touches AWS.
"""

from orgair.scoring.composite import composite, score_v1
from orgair.scoring.ebitda import ebitda_impact_pct
from orgair.scoring.individual import score_individual
from orgair.scoring.models import (
    DIMENSION_NAMES,
    CompanyScoreInput,
    Dimensions,
    EducationLevel,
    IndividualScoreInput,
    Sector,
)
from orgair.scoring.numbers import q4
from orgair.scoring.org_air import score_v2
from orgair.scoring.parameters import (
    DEFAULT_PARAMETERS,
    AppliedParameters,
    DimensionWeights,
    IndividualWeights,
    ParameterOverrides,
    ScoringParameters,
)
from orgair.scoring.results import (
    Assumption,
    CompositeResult,
    IndividualParameters,
    IndividualScoreResult,
    OrgAirV2Result,
)
from orgair.scoring.review import (
    DEFAULT_REVIEW_THRESHOLDS,
    ReviewDecision,
    ReviewReason,
    ReviewThresholds,
    ScoreSnapshot,
    review_decision,
)
from orgair.scoring.validation import (
    field_errors,
    parse_company_input,
    parse_individual_input,
)
from orgair.scoring.versions import PARAM_VERSIONS, ParamVersion, score_company

__all__ = [
    "DEFAULT_PARAMETERS",
    "DEFAULT_REVIEW_THRESHOLDS",
    "DIMENSION_NAMES",
    "PARAM_VERSIONS",
    "AppliedParameters",
    "Assumption",
    "CompanyScoreInput",
    "CompositeResult",
    "DimensionWeights",
    "Dimensions",
    "EducationLevel",
    "IndividualParameters",
    "IndividualScoreInput",
    "IndividualScoreResult",
    "IndividualWeights",
    "OrgAirV2Result",
    "ParamVersion",
    "ParameterOverrides",
    "ReviewDecision",
    "ReviewReason",
    "ReviewThresholds",
    "ScoreSnapshot",
    "ScoringParameters",
    "Sector",
    "composite",
    "ebitda_impact_pct",
    "field_errors",
    "parse_company_input",
    "parse_individual_input",
    "q4",
    "review_decision",
    "score_company",
    "score_individual",
    "score_v1",
    "score_v2",
]
