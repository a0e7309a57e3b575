"""Example response bodies for the OpenAPI documents (`json_schema_extra={"examples": [...]}`).

One acme-logistics story told consistently across the routes: the example company of the request
bodies (orgair.scoring.models.COMPANY_EXAMPLE) scored on 2026-12-03 on each stage, its review, one
gpt-4o call on the ledger and that day's budgets. The score results are what the engine computes
for that company with the default parameters (v1.0 without the v2-only inputs); money is 6-place
USD strings, instants `2026-12-03T10:15:30.123Z`, stored ids 26 characters (orgair.ids).

A body that differs by stage has one example per parameter version; `make openapi` keeps in each
stage's document only the examples whose `param_version` values are that stage's
(devtools.openapi.select_version). A leaf module: nothing of orgair is imported here.
"""

from __future__ import annotations

from typing import Any, Final

JsonDict = dict[str, Any]

DAY: Final = "2026-12-03"
AT: Final = "2026-12-03T10:15:30.123Z"
RESETS_AT: Final = "2026-12-04T00:00:00.000Z"
CORRELATION_ID: Final = "9f2c4e1a-5b7d-4c3e-8a6f-2d1b0c9e8f7a"

_WEIGHTS: Final = {
    "data_infrastructure": 0.18,
    "ai_governance": 0.15,
    "technology_stack": 0.15,
    "talent": 0.17,
    "leadership": 0.13,
    "use_case_portfolio": 0.12,
    "culture": 0.1,
}

COMPOSITE_RESULT: Final[JsonDict] = {
    "param_version": "v1.0",
    "company_id": "acme-logistics",
    "sector": "technology",
    "composite": 66.41,
    "weights": _WEIGHTS,
    "assumptions": [],
}

ORG_AIR_RESULT: Final[JsonDict] = {
    "param_version": "v2.0",
    "company_id": "acme-logistics",
    "sector": "technology",
    "weighted_mean": 66.41,
    "std_dev": 8.1044,
    "cv": 0.122,
    "penalty": 0.9695,
    "tra": 0.9925,
    "vr": 63.9016,
    "sector_vr_average": 65.0,
    "c_v": -0.022,
    "c_m": 0.0,
    "pf": -0.0132,
    "hr_base": 70.0,
    "hr": 69.8614,
    "alignment": 0.652,
    "timing_factor": 1.0,
    "synergy": 29.1069,
    "org_air": 61.8241,
    "evidence_count": 1,
    "confidence_level": 0.95,
    "rho": 0.3,
    "sem": 11.7138,
    "z": 1.96,
    "ci_lower": 38.865,
    "ci_upper": 84.7831,
    "target_org_air": None,
    "ebitda_impact_pct": None,
    "parameters": {
        "alpha": 0.6,
        "beta": 0.12,
        "lambda": 0.25,
        "delta": 0.15,
        "ebitda_gamma": 0.035,
        "dimension_weights": _WEIGHTS,
    },
    "assumptions": [
        {"field": "market_cap_percentile", "default": 0.5, "basis": "sector median"},
        {"field": "hr_baseline", "default": 70.0, "basis": "sector baseline for technology"},
        {
            "field": "alignment",
            "default": 0.652,
            "basis": "derived: (0.6·leadership + 0.4·ai_governance)/100, bounded to [0.5, 0.95]",
        },
        {"field": "timing_factor", "default": 1.0, "basis": "neutral timing"},
        {"field": "evidence_count", "default": 1.0, "basis": "a single piece of evidence"},
        {"field": "confidence_level", "default": 0.95, "basis": "default confidence level"},
    ],
}

INDIVIDUAL_RESULT: Final[JsonDict] = {
    "ai_fluency": 70.0,
    "domain_expertise": 55.0,
    "domain_expertise_source": "given",
    "adaptive_capacity": 65.0,
    "vr": 63.75,
    "hr": 60.0,
    "alignment": 1.0,
    "synergy": 38.25,
    "ai_r": 67.9875,
    "parameters": {
        "alpha": 0.6,
        "beta_synergy_coef": 0.15,
        "w_fluency": 0.45,
        "w_domain": 0.35,
        "w_adaptive": 0.2,
        "gamma_experience": 0.15,
    },
    "assumptions": [{"field": "alignment", "default": 1.0, "basis": "full alignment"}],
}
"""POST /individuals/scores for the first request example (domain expertise given)."""

SCORE_IDS: Final = {"v1.0": "01KBKJ3T2S8Q4W6Y0Z1A2B3C4D", "v2.0": "01KBKJ3T2SXG7M5N9PQRSTVWXY"}
REVIEW_IDS: Final = {"v1.0": "01KBKJ3T2T0E1F2G3H4J5K6M7N", "v2.0": "01KBKJ3T2T8P9Q0R1S2T3V4W5X"}
RESULTS: Final = {"v1.0": COMPOSITE_RESULT, "v2.0": ORG_AIR_RESULT}
PREVIOUS_SCORES: Final = {"v1.0": 48.2, "v2.0": 44.5}
CURRENT_SCORES: Final = {"v1.0": 66.41, "v2.0": 61.8241}
SCORE_CHANGE_THRESHOLD: Final = 15


def review_reason(version: str) -> JsonDict:
    """Why the example score opened a review (orgair.scoring.review: a move of more than 15 points)."""
    previous, current = PREVIOUS_SCORES[version], CURRENT_SCORES[version]
    change = round(current - previous, 4)
    return {
        "code": "score_change",
        "message": f"score changed by {change} points since the last accepted score, "
        f"more than {SCORE_CHANGE_THRESHOLD}",
        "previous": previous,
        "current": current,
        "change": change,
        "threshold": SCORE_CHANGE_THRESHOLD,
    }


def review_summary(version: str) -> JsonDict:
    return {"review_id": REVIEW_IDS[version], "status": "pending", "reasons": [review_reason(version)]}


def review_item(version: str, *, decided: bool) -> JsonDict:
    """A review as GET /reviews lists it; `decided`: after POST /reviews/{review_id}/decision."""
    item: JsonDict = {
        "review_id": REVIEW_IDS[version],
        "score_id": SCORE_IDS[version],
        "company_id": "acme-logistics",
        "param_version": version,
        "status": "approved" if decided else "pending",
        "reasons": [review_reason(version)],
        "created_at": AT,
        "decision": "approve" if decided else None,
        "comment": "Checked against the latest board pack." if decided else None,
        "reviewer_key_id": "01KBKHZQ4M6N8P0R2S4T6V8W0X" if decided else None,
        "decided_at": "2026-12-03T14:02:11.507Z" if decided else None,
    }
    return item


HEALTH: Final = {
    "v1.0": {"stage": "v1", "param_version": "v1.0"},
    "v2.0": {"stage": "v2", "param_version": "v2.0"},
}


def health_status(version: str) -> JsonDict:
    return {
        "status": "ok",
        "service": "orgair",
        "version": "0.1.0",
        **HEALTH[version],
        "environment": "prod",
    }


DEPENDENCY_CHECKS: Final[list[Any]] = [
    {"name": "dynamodb:scores", "status": "ok", "latency_ms": 11.4, "detail": None},
    {"name": "dynamodb:costs", "status": "ok", "latency_ms": 9.8, "detail": None},
]

LEDGER_ENTRY: Final[JsonDict] = {
    "call_id": "3b6f0d2e-8c41-4a7b-9e15-6d2f8a0c4b71",
    "timestamp": AT,
    "date": DAY,
    "provider": "openai",
    "model": "gpt-4o-2024-08-06",
    "attempt": 1,
    "input_tokens": 1200,
    "cached_input_tokens": 0,
    "cache_write_tokens": 0,
    "output_tokens": 350,
    "cost": "0.006500",
    "cost_micro_usd": 6500,
    "pricing_version": "2025-11-24",
    "status": "settled",
    "anomalous": False,
    "outcome": "success",
    "source": "external",
    "purpose": "due-diligence-summary",
    "correlation_id": CORRELATION_ID,
    "request_id": "c7a1e9d4-2f60-4b8e-a3d5-0e4f6b2c8d19",
    "parent_request_id": "upstream-req-42",
    "kind": "charge",
    "corrects": None,
    "price_row_id": "gpt-4o-2024-08-06@2025-11-24T00:00:00Z",
    "degraded": None,
}
"""The ledger line of the POST /costs request example (1200 input and 350 output tokens of gpt-4o
at $2.50 and $10.00 per million: $0.0030 + $0.0035)."""

GLOBAL_SHARE: Final[JsonDict] = {
    "scope": "global-share:acme",
    "committed": "12.500000",
    "settled": "12.000000",
    "held": "0.500000",
    "limit": "250.000000",
    "utilisation": "0.0500",
}

COST_SUMMARY: Final[JsonDict] = {
    "date": DAY,
    "scope": "tenant:acme",
    "currency": "USD",
    "committed": "12.500000",
    "settled": "12.000000",
    "held": "0.500000",
    "limit": "25.000000",
    "utilisation": "0.5000",
    "forecast": "21.875000",
    "resets_at": RESETS_AT,
    "pricing_version": "2025-11-24",
    "by_model": [
        {
            "model": "gpt-4o-2024-08-06",
            "provider": "openai",
            "calls": 1480,
            "uncertain_calls": 0,
            "cost": "12.000000",
            "input_tokens": 2400000,
            "cached_input_tokens": 0,
            "output_tokens": 600000,
        }
    ],
    "global_share": GLOBAL_SHARE,
}

ALERTS: Final[JsonDict] = {
    "date": DAY,
    "items": [
        {
            "scope": "tenant:acme",
            "date": DAY,
            "threshold": "50",
            "kind": "utilisation",
            "utilisation": "0.5000",
            "committed": "12.500000",
            "limit": "25.000000",
            "forecast": None,
            "claimed_at": AT,
            "published_at": "2026-12-03T10:15:30.456Z",
        }
    ],
}

GLOBAL_BUDGET: Final[JsonDict] = {
    "date": DAY,
    "scope": "global",
    "currency": "USD",
    "limit": "500.000000",
    "committed": "42.123456",
    "settled": "41.000000",
    "held": "1.123456",
    "available": "457.876544",
    "utilisation": "0.0842",
    "forecast": "96.000000",
    "forecast_exceeds_limit": False,
    "tenant_share_limit": "250.000000",
    "resets_at": RESETS_AT,
    "tenants": [
        {
            "tenant_id": "globex",
            "scope": "global-share:globex",
            "committed": "29.623456",
            "share_of_global": "0.0592",
        },
        {
            "tenant_id": "acme",
            "scope": "global-share:acme",
            "committed": "12.500000",
            "share_of_global": "0.0250",
        },
    ],
}

TENANT_BUDGET: Final[JsonDict] = {
    "date": DAY,
    "tenant_id": "acme",
    "scope": "tenant:acme",
    "currency": "USD",
    "limit": "25.000000",
    "limit_set_at": "2026-11-28T09:00:00.000Z",
    "limit_set_by": "arn:aws:sts::123456789012:assumed-role/operator/alice",
    "committed": "12.500000",
    "settled": "12.000000",
    "held": "0.500000",
    "available": "12.500000",
    "utilisation": "0.5000",
    "forecast": "21.875000",
    "share_of_global": "0.0250",
    "global_share": GLOBAL_SHARE,
}

TENANT_BUDGET_DETAIL: Final[JsonDict] = {
    **TENANT_BUDGET,
    "history": [
        {
            "limit": "25.000000",
            "changed_at": "2026-11-28T09:00:00.000Z",
            "changed_by": "arn:aws:sts::123456789012:assumed-role/operator/alice",
        },
        {
            "limit": "10.000000",
            "changed_at": "2026-10-02T16:45:12.250Z",
            "changed_by": "arn:aws:sts::123456789012:assumed-role/operator/alice",
        },
    ],
}


def _figures(cost: str, tokens_in: int, tokens_out: int) -> JsonDict:
    return {
        "cost": cost,
        "tokens": {
            "input": tokens_in,
            "cached_input": 0,
            "cache_write_5m": 0,
            "cache_write_1h": 0,
            "output": tokens_out,
        },
    }


RECONCILIATIONS: Final[JsonDict] = {
    "date": "2026-12-02",
    "items": [
        {
            "provider": "openai",
            "stage": "provisional",
            "status": "matched",
            "checked_at": AT,
            "error": None,
            "ledger_total": "12.000000",
            "provider_total": "12.000000",
            "models": [
                {
                    "model": "gpt-4o-2024-08-06",
                    "flagged": [],
                    "ledger": _figures("12.000000", 2400000, 600000),
                    "provider": _figures("12.000000", 2400000, 600000),
                }
            ],
            "alert": None,
        }
    ],
}
"""GET /costs/reconciliations for the day before: the ledger and OpenAI's cost report agree."""
