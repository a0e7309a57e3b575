"""Sample requests per route: what the benchmark sends, built as API Gateway (REST, payload 1.0) events.

Routes come from template.yaml, so an endpoint appears here as soon as its function does; one this
table has no request for is listed as such instead of being guessed (GETs get placeholder path
parameters, since a 404 still shows the round trips a lookup makes).
"""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from orgair.ids import new_id
from orgair.scoring import DIMENSION_NAMES

from devtools.template_specs import FunctionSpec

ROOT = Path(__file__).resolve().parents[1]
PORTFOLIO_SIZE = 500
UNKNOWN_ID = new_id()
"""Well-formed but never stored: lookups by id make their real round trips and answer 404."""
SECTORS = ("technology", "financial_services", "healthcare", "business_services", "retail", "manufacturing")
DIMENSIONS = DIMENSION_NAMES


def load_module(name: str, path: Path) -> ModuleType:
    """A module loaded from its file (tests/ and functions/ are not packages)."""
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_events = load_module("bench_lambda_events", ROOT / "tests" / "support" / "lambda_events.py")
api_event: Callable[..., dict[str, Any]] = _events.api_event
principal_context: Callable[..., dict[str, str]] = _events.principal_context
FakeLambdaContext: Callable[..., Any] = _events.FakeLambdaContext


def company(index: int) -> dict[str, Any]:
    """A plausible, varied company (every dimension set; the optional inputs on some of them)."""
    values = {name: (37 + index * 7 + position * 11) % 61 + 30 for position, name in enumerate(DIMENSIONS)}
    body: dict[str, Any] = {
        "company_id": f"bench-co-{index:04d}",
        "sector": SECTORS[index % len(SECTORS)],
        "dimensions": values,
    }
    if index % 2:
        body.update({"talent_concentration": 0.3, "market_cap_percentile": 0.62, "evidence_count": 5})
    if index % 3 == 0:
        body.update({"alignment": 0.8, "timing_factor": 1.05, "confidence_level": 0.95})
    return body


@dataclass(frozen=True)
class Sample:
    """One route's request: `cold` makes it a cold-start subject, `peer` the peer's matching route."""

    method: str
    path: str
    body: Any = None
    public: bool = False
    iterations: int = 200
    warmup: int = 20
    cold: bool = False
    peer: str | None = None
    path_parameters: dict[str, str] | None = None
    headers: dict[str, str] | None = None
    unique_headers: tuple[str, ...] = ()
    tags: tuple[str, ...] = field(default=())

    @property
    def name(self) -> str:
        return f"{self.method} /v2{self.path}"

    def event(self, stage: str = "v2") -> dict[str, Any]:
        return api_event(
            self.method,
            _fill(self.path, self.path_parameters or {}),
            stage=stage,
            body=self.body,
            resource=self.path,
            path_parameters=self.path_parameters,
            headers={**(self.headers or {}), **dict.fromkeys(self.unique_headers, "bench-first")},
            authorizer=None if self.public else principal_context("bench", "admin"),
        )


def _fill(path: str, parameters: dict[str, str]) -> str:
    for key, value in parameters.items():
        path = path.replace("{" + key + "}", value)
    return path


KNOWN: dict[tuple[str, str], Sample] = {
    (sample.method, sample.path): sample
    for sample in (
        Sample("GET", "/health", public=True, cold=True, peer="GET /health"),
        Sample("GET", "/health/liveness", public=True, cold=True, peer="GET /health", tags=("no-sdk",)),
        Sample("GET", "/health/readiness", public=True, cold=True),
        Sample("GET", "/health/detailed"),
        Sample("POST", "/scores", body=company(0), cold=True, peer="POST /scores", tags=("score",)),
        Sample(
            "POST",
            "/scores/simulate",
            body=company(1),
            cold=True,
            peer="POST /scores/simulate",
            tags=("no-sdk",),
        ),
        Sample("GET", "/scores/{score_id}", path_parameters={"score_id": UNKNOWN_ID}),
        Sample("GET", "/companies/{company_id}/scores", path_parameters={"company_id": "bench-co-0000"}),
        Sample(
            "POST",
            "/individuals/scores",
            body={"ai_fluency": 72, "adaptive_capacity": 64, "hr": 58, "domain_expertise": 61},
            tags=("no-sdk",),
        ),
        Sample("GET", "/reviews"),
        Sample(
            "POST",
            "/reviews/{review_id}/decision",
            body={"decision": "approve", "comment": "bench"},
            path_parameters={"review_id": UNKNOWN_ID},
        ),
        Sample(
            "POST",
            "/costs",
            body={
                "provider": "openai",
                "model": "gpt-4o-2024-08-06",
                "input_tokens": 1200,
                "output_tokens": 300,
            },
            unique_headers=("Idempotency-Key",),
        ),
        Sample("GET", "/costs/summary"),
        Sample("GET", "/costs/entries"),
        Sample("GET", "/costs/alerts"),
        Sample("GET", "/openapi.json", public=True, iterations=50),
        Sample(
            "POST",
            "/portfolios/scores",
            body={"companies": [company(index) for index in range(PORTFOLIO_SIZE)]},
            iterations=3,
            warmup=1,
            tags=("portfolio",),
        ),
    )
}

SKIPPED: dict[tuple[str, str], str] = {
    ("POST", "/assessments"): "calls an LLM provider, which this machine cannot reach",
}

PEER_REQUESTS: dict[str, Sample] = {
    "GET /health": Sample("GET", "/health", public=True),
    "POST /scores/simulate": Sample("POST", "/scores/simulate", body=company(1), public=True),
    "POST /scores": Sample("POST", "/scores", body=company(0), public=True),
}


def samples_for(function: FunctionSpec) -> tuple[list[Sample], list[str]]:
    """The function's sampled routes, and the routes it has that no sample covers."""
    samples: list[Sample] = []
    missing: list[str] = []
    for route in function.routes:
        method = route.method.upper()
        known = KNOWN.get((method, route.path))
        if (method, route.path) in SKIPPED:
            missing.append(f"{method} /v2{route.path} ({SKIPPED[(method, route.path)]})")
        elif known is not None:
            samples.append(known)
        elif method == "GET":
            names = [
                part[1:-1] for part in route.path.split("/") if part.startswith("{") and part.endswith("}")
            ]
            samples.append(
                Sample(
                    method,
                    route.path,
                    public=route.public,
                    iterations=100,
                    path_parameters={name: f"bench-{name}" for name in names} or None,
                )
            )
        else:
            missing.append(f"{method} /v2{route.path}")
    return samples, missing


def sample_event_file(function: FunctionSpec) -> dict[str, Any] | None:
    """For functions without API routes (authorizer, schedules): events/<code dir>.json when committed."""
    candidate = ROOT / "events" / f"{function.code_uri.name}.json"
    if candidate.is_file():
        loaded = json.loads(candidate.read_text(encoding="utf-8"))
        return loaded if isinstance(loaded, dict) else None
    return None
