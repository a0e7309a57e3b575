"""The one settings object of the service, read from the environment once per container.

In AWS the secrets are never in the environment: a function gets the *name* of an SSM SecureString
parameter (`<FIELD>_SSM_PARAMETER`) or of a Secrets Manager secret (`<FIELD>_SECRET_ID`), and
`Settings.secret()` fetches the value through Powertools parameters on first use. Only the
functions that use a secret are allowed to read it (least privilege), yet every function still
refuses to start in production when a required secret is not configured at all. An invalid
configuration raises `ConfigurationError` with one line naming every bad field and never a value.

Settings is a plain pydantic model filled from `os.environ` (`_from_environment`): each field reads
the variable of exactly its name, and a structured field (list, dict, ...) reads JSON unless marked
`NoDecode`, as pydantic-settings did; without that package's import and model machinery, which cost
every cold start ~17-33 ms (docs/performance.md).
"""

from __future__ import annotations

import json
import os
import types
from decimal import Decimal
from functools import lru_cache
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic.fields import FieldInfo

from orgair import __version__
from orgair import scoring_defaults as spec
from orgair.errors import ConfigurationError, DependencyUnavailable
from orgair.settings_checks import local_price_problems, request_breaking_problems

WEIGHT_TOLERANCE = Decimal("0.001")
DEV_SECRET_KEY = "orgair-local-development-secret-key-not-for-production"  # noqa: S105 - dev default, refused in staging and production
OWN_SECRET_KEY_ENVIRONMENTS = ("staging", "production")
DIMENSION_WEIGHT_FIELDS = (
    "W_DATA_INFRA",
    "W_AI_GOVERNANCE",
    "W_TECH_STACK",
    "W_TALENT",
    "W_LEADERSHIP",
    "W_USE_CASES",
    "W_CULTURE",
)
INDIVIDUAL_WEIGHT_FIELDS = ("W_FLUENCY", "W_DOMAIN", "W_ADAPTIVE")

Weight = Annotated[Decimal, Field(ge=0, le=1)]
SecretName = Literal[
    "SECRET_KEY", "OPENAI_API_KEY", "ANTHROPIC_API_KEY", "OPENAI_ADMIN_KEY", "ANTHROPIC_ADMIN_KEY"
]


class NoDecode:
    """Field marker: the variable's text goes to the field's validators as is, not decoded as JSON."""


def _empty_is_none(value: Any) -> Any:
    """Template parameters left empty arrive as empty strings: that means 'not configured'."""
    return None if value == "" else value


SecretReference = Annotated[Annotated[str, Field(max_length=2048)] | None, BeforeValidator(_empty_is_none)]


def _decimal(default: str, ge: str | None = None, le: str | None = None) -> Any:
    return Field(
        default=Decimal(default),
        ge=Decimal(ge) if ge is not None else None,
        le=Decimal(le) if le is not None else None,
    )


def _scoring(tunable: spec.Tunable) -> Any:
    """A scoring parameter's setting: the specification's default and allowed range."""
    return _decimal(tunable.default, ge=tunable.low, le=tunable.high)


class Settings(BaseModel):
    """Every setting a deployment of orgair uses; nothing it does not."""

    model_config = ConfigDict(extra="ignore", frozen=True, validate_default=True)

    # Service
    APP_NAME: str = "orgair"
    APP_VERSION: str = __version__
    APP_ENV: Literal["development", "staging", "production"] = "development"
    DEBUG: bool = False
    SECRET_KEY: SecretStr | None = None
    SECRET_KEY_SSM_PARAMETER: SecretReference = None
    SECRET_KEY_SECRET_ID: SecretReference = None
    RATE_LIMIT_PER_MINUTE: int = Field(default=600, ge=1, le=100_000)
    # Per-tenant request limits (the API Gateway usage plan; template parameters TenantRateLimit,
    # TenantBurstLimit, TenantDailyQuota; the local runner enforces the same, docs/tenants.md).
    TENANT_RATE_LIMIT_PER_SECOND: int = Field(default=20, ge=1, le=10_000)
    TENANT_BURST_LIMIT: int = Field(default=40, ge=1, le=5_000)
    TENANT_DAILY_QUOTA: int = Field(default=100_000, ge=1, le=100_000_000)
    PARAM_VERSION: Literal["v1.0", "v2.0"] = "v2.0"
    CORS_ORIGINS: Annotated[list[str], NoDecode] = Field(default_factory=list)
    MAX_BODY_BYTES: int = Field(default=1_048_576, ge=1024, le=6_000_000)

    # Storage
    SCORES_TABLE_NAME: str = "ScoresTable"
    REVIEWS_TABLE_NAME: str = "ReviewsTable"
    COSTS_TABLE_NAME: str = "CostsTable"
    IDEMPOTENCY_TABLE_NAME: str = "IdempotencyTable"
    API_KEYS_TABLE_NAME: str = "ApiKeysTable"
    JOBS_TABLE_NAME: str = "JobsTable"
    # Time budget of every AWS SDK call (DynamoDB, SSM, Secrets Manager): its worst case,
    # attempts × (connect + read) + backoff (orgair.aws.call_budget_seconds), stays well inside the
    # shortest function timeout, so a stalled dependency is a 503, never a 504 at the deadline.
    AWS_CONNECT_TIMEOUT_SECONDS: Decimal = _decimal("0.5", ge="0.05", le="5")
    AWS_READ_TIMEOUT_SECONDS: Decimal = _decimal("1", ge="0.05", le="10")
    AWS_MAX_ATTEMPTS: int = Field(default=2, ge=1, le=3)

    # LLM providers
    OPENAI_API_KEY: SecretStr | None = None
    OPENAI_API_KEY_SSM_PARAMETER: SecretReference = None
    OPENAI_API_KEY_SECRET_ID: SecretReference = None
    ANTHROPIC_API_KEY: SecretStr | None = None
    ANTHROPIC_API_KEY_SSM_PARAMETER: SecretReference = None
    ANTHROPIC_API_KEY_SECRET_ID: SecretReference = None
    OPENAI_BASE_URL: str = "https://api.openai.com/v1"
    ANTHROPIC_BASE_URL: str = "https://api.anthropic.com"
    DEFAULT_LLM_MODEL: str = "gpt-4o-2024-08-06"
    FALLBACK_LLM_MODEL: str = "claude-sonnet-4-20250514"
    LLM_TIMEOUT_SECONDS: Decimal = _decimal("20", ge="1", le="120")
    LLM_MAX_OUTPUT_TOKENS: int = Field(default=1500, ge=64, le=16_384)
    LLM_MAX_RETRIES: int = Field(default=2, ge=0, le=5)
    # Admin keys of the providers' usage and cost reports (daily reconciliation only; read by the
    # ReconciliationFunction alone). Not configured = that provider is not reconciled.
    OPENAI_ADMIN_KEY: SecretStr | None = None
    OPENAI_ADMIN_KEY_SSM_PARAMETER: SecretReference = None
    OPENAI_ADMIN_KEY_SECRET_ID: SecretReference = None
    ANTHROPIC_ADMIN_KEY: SecretStr | None = None
    ANTHROPIC_ADMIN_KEY_SSM_PARAMETER: SecretReference = None
    ANTHROPIC_ADMIN_KEY_SECRET_ID: SecretReference = None
    LOCAL_MODEL_PRICES: dict[str, dict[str, str]] = Field(
        default_factory=dict,
        description="Development only: price rows for local models (Ollama, llama.cpp, vLLM) in the shape of "
        'orgair/data/pricing.json\'s models, JSON (e.g. {"llama3.1:8b": {"provider": "openai", "input": "0", '
        '"cached_input": "0", "output": "0"}}). Refused in staging and production and for models the shipped '
        "table prices; ledger lines priced with it carry pricing version '<version>+local'.",
    )

    # Cost governance (USD as Decimal; stored as integer micro-USD)
    DAILY_COST_BUDGET_USD: Decimal = _decimal("500", ge="0")
    MAX_REQUEST_COST_USD: Decimal = _decimal("1.00", ge="0")
    COST_ALERT_THRESHOLD_PCT: Decimal = _decimal("0.8", ge="0", le="1")
    EXTERNAL_USAGE_DAILY_LIMIT_USD: Decimal = _decimal("500", ge="0")
    """Per tenant and UTC day: the most usage a tenant may report itself (POST /costs, scope
    `external:<id>`). Reported usage never counts against the global budget."""
    TENANT_GLOBAL_SHARE_PCT: Decimal = Field(default=Decimal("0.5"), gt=Decimal(0), le=Decimal(1))
    """The most of the global daily budget one tenant's own LLM calls may commit (scope
    `global-share:<id>`), as a fraction in (0, 1]: the rest always stays available to the others."""
    DEGRADED_LLM_MODEL: Annotated[str | None, BeforeValidator(_empty_is_none)] = "gpt-4o-mini-2024-07-18"
    """The cheaper model an LLM call is routed to once a scope passes DEGRADE_AT_PCT (priced and
    cheaper than DEFAULT_LLM_MODEL, else the function stops at start); empty: never degrade."""
    DEGRADE_AT_PCT: Decimal = Field(default=Decimal("0.8"), gt=Decimal(0), le=Decimal(1))
    """The soft threshold, a fraction in (0, 1] of each scope's limit (`global`, `tenant:<id>`,
    `global-share:<id>`): at or above it the next call runs on DEGRADED_LLM_MODEL."""
    HOLD_EXPIRY_SECONDS: int = Field(default=300, ge=30, le=3600)
    ALERT_TOPIC_ARN: str | None = None
    ALERT_EVENT_BUS_NAME: str = "default"
    JOBS_QUEUE_URL: str | None = None
    """The queue of background assessment work, one message per company (JobsFunction sends)."""
    JOBS_TOPIC_ARN: str | None = None
    """Where a finished job that asked for `notify` is published (SNS), besides EventBridge."""
    JOB_MAX_BUDGET_USD: Decimal = _decimal("100", ge="0")
    """The largest budget one job may reserve (POST /portfolios/assessments, `budget_usd`)."""
    JOB_LEASE_MARGIN_SECONDS: int = Field(default=30, ge=1, le=300)
    """How long past the worker's remaining time a run's claim on a company lasts: the allowance
    for clocks of workers that disagree. Only after it may another run take the company over (a
    worker that died mid-call). A local run may shorten it to see the takeover sooner."""
    JOB_MAX_DELIVERIES: int = Field(default=3, ge=1, le=10)
    """Deliveries of a company's message before a provider failure ends it `failed` (the queue's
    redrive maxReceiveCount is larger, so the dead-letter queue only gets what the worker could not
    handle at all)."""
    EXPORT_BUCKET_NAME: str | None = None
    """The bucket the FOCUS export writes to (ExportFunction only)."""
    EVIDENCE_BUCKET_NAME: str | None = None
    """The bucket of evidence documents, `evidence/<tenant>/<evidence_id>` (AssessmentsFunction only)."""
    EXPORT_BILLING_ACCOUNT_ID: str = Field(default="orgair", min_length=1, max_length=128)
    """FOCUS BillingAccountId/Name of every exported row: the deployment (the stack's name)."""
    EXPORT_CLOSE_DELAY_SECONDS: int = Field(default=3600, ge=0, le=86_400)
    """A day is closed (exportable, restatable) this long after its UTC midnight and once none of
    its holds is open: longer than HOLD_EXPIRY_SECONDS plus one budget-check interval."""

    # Org-AI-R scoring parameters (allowed ranges from the scoring specification)
    ALPHA_VR_WEIGHT: Decimal = _scoring(spec.ALPHA)
    BETA_SYNERGY_WEIGHT: Decimal = _scoring(spec.BETA)
    LAMBDA_PENALTY: Decimal = _scoring(spec.LAMBDA)
    DELTA_POSITION: Decimal = _scoring(spec.DELTA)
    EBITDA_GAMMA: Decimal = _scoring(spec.EBITDA_GAMMA)
    W_DATA_INFRA: Weight = Decimal(spec.DIMENSION_WEIGHTS["data_infrastructure"])
    W_AI_GOVERNANCE: Weight = Decimal(spec.DIMENSION_WEIGHTS["ai_governance"])
    W_TECH_STACK: Weight = Decimal(spec.DIMENSION_WEIGHTS["technology_stack"])
    W_TALENT: Weight = Decimal(spec.DIMENSION_WEIGHTS["talent"])
    W_LEADERSHIP: Weight = Decimal(spec.DIMENSION_WEIGHTS["leadership"])
    W_USE_CASES: Weight = Decimal(spec.DIMENSION_WEIGHTS["use_case_portfolio"])
    W_CULTURE: Weight = Decimal(spec.DIMENSION_WEIGHTS["culture"])
    W_FLUENCY: Weight = Decimal(spec.INDIVIDUAL_WEIGHTS["fluency"])
    W_DOMAIN: Weight = Decimal(spec.INDIVIDUAL_WEIGHTS["domain"])
    W_ADAPTIVE: Weight = Decimal(spec.INDIVIDUAL_WEIGHTS["adaptive"])
    BETA_SYNERGY_COEF: Decimal = _scoring(spec.BETA_SYNERGY_COEF)
    GAMMA_EXPERIENCE: Decimal = _scoring(spec.GAMMA_EXPERIENCE)
    HITL_SCORE_CHANGE_THRESHOLD: Decimal = _scoring(spec.SCORE_CHANGE_THRESHOLD)
    HITL_EBITDA_PROJECTION_THRESHOLD: Decimal = _scoring(spec.EBITDA_CHANGE_THRESHOLD)
    SECTOR_HR_BASELINES: dict[str, Decimal] = Field(
        default_factory=dict,
        description='Operator calibration of the H^R baseline per sector, JSON (e.g. {"technology": 72}); '
        "sectors not named keep the specification's defaults.",
    )

    @field_validator("CORS_ORIGINS", mode="before")
    @classmethod
    def _split_origins(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [origin.strip() for origin in value.split(",") if origin.strip()]
        return value

    @field_validator("OPENAI_API_KEY")
    @classmethod
    def _openai_key_prefix(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not value.get_secret_value().startswith("sk-"):
            raise ValueError("must start with 'sk-'")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Settings:
        problems: list[str] = []
        for label, names in (
            ("dimension", DIMENSION_WEIGHT_FIELDS),
            ("individual", INDIVIDUAL_WEIGHT_FIELDS),
        ):
            total = sum((getattr(self, name) for name in names), Decimal(0))
            if abs(total - 1) > WEIGHT_TOLERANCE:
                problems.append(
                    f"{', '.join(names)}: {label} weights must sum to 1 within {WEIGHT_TOLERANCE} (sum is {total})"
                )
        problems += request_breaking_problems(
            self.SECTOR_HR_BASELINES,
            {name: getattr(self, name) for name in ("OPENAI_BASE_URL", "ANTHROPIC_BASE_URL")},
            self.table_names,
        )
        # Shared environments never sign cursors with the development key, which is in the source.
        if self.APP_ENV in OWN_SECRET_KEY_ENVIRONMENTS and (
            not self.configured("SECRET_KEY")
            or (self.SECRET_KEY is not None and not _strong_secret_key(self.SECRET_KEY.get_secret_value()))
        ):
            problems.append(f"SECRET_KEY: must be set to at least 32 characters in {self.APP_ENV}")
        problems += local_price_problems(self.APP_ENV, self.LOCAL_MODEL_PRICES)
        if self.APP_ENV == "production":
            if self.DEBUG:
                problems.append("DEBUG: must be false when APP_ENV is production")
            if not (self.configured("OPENAI_API_KEY") or self.configured("ANTHROPIC_API_KEY")):
                problems.append(
                    "OPENAI_API_KEY, ANTHROPIC_API_KEY: at least one LLM key is required in production"
                )
        if problems:
            raise ValueError("; ".join(problems))
        return self

    @property
    def dimension_weights(self) -> tuple[Decimal, ...]:
        return tuple(getattr(self, name) for name in DIMENSION_WEIGHT_FIELDS)

    @property
    def table_names(self) -> dict[str, str]:
        return {
            "scores": self.SCORES_TABLE_NAME,
            "reviews": self.REVIEWS_TABLE_NAME,
            "costs": self.COSTS_TABLE_NAME,
            "idempotency": self.IDEMPOTENCY_TABLE_NAME,
            "api_keys": self.API_KEYS_TABLE_NAME,
        }

    def configured(self, name: SecretName) -> bool:
        """The secret is given directly or by the name of an SSM parameter / Secrets Manager secret."""
        return any(
            getattr(self, field) is not None for field in (name, f"{name}_SSM_PARAMETER", f"{name}_SECRET_ID")
        )

    def secret(self, name: SecretName) -> SecretStr | None:
        """The secret's value: given directly, else fetched once (Powertools caches it for 5 minutes).

        A fetched value is checked like a direct one; a bad one is a ConfigurationError naming the field.
        A store that cannot answer now (timeout, refused connection, throttling, 5xx) is a
        DependencyUnavailable (503 with Retry-After), retried by the caller; nothing is cached.
        """
        direct: SecretStr | None = getattr(self, name)
        if direct is not None:
            return direct
        parameter: str | None = getattr(self, f"{name}_SSM_PARAMETER")
        secret_id: str | None = getattr(self, f"{name}_SECRET_ID")
        if parameter is None and secret_id is None:
            return None
        from orgair.aws import caused_by_unavailable, secrets_provider, ssm_provider

        try:
            if parameter is not None:
                raw = ssm_provider().get(parameter, decrypt=True, max_age=300)
            else:
                raw = secrets_provider().get(str(secret_id), max_age=300)
        except Exception as error:
            if caused_by_unavailable(error):
                raise DependencyUnavailable(
                    f"The secret store could not be reached while reading {name}; retry shortly.",
                    retry_after_seconds=2,
                ) from None
            raise ConfigurationError(
                f"invalid configuration: {name}: could not be read ({type(error).__name__})"
            ) from None
        value = SecretStr(str(raw))
        if name == "OPENAI_API_KEY" and not value.get_secret_value().startswith("sk-"):
            raise ConfigurationError("invalid configuration: OPENAI_API_KEY: must start with 'sk-'")
        if (
            name == "SECRET_KEY"
            and self.APP_ENV in OWN_SECRET_KEY_ENVIRONMENTS
            and not _strong_secret_key(value.get_secret_value())
        ):
            raise ConfigurationError(
                f"invalid configuration: SECRET_KEY: must be set to at least 32 characters in {self.APP_ENV}"
            )
        return value

    def signing_key(self) -> bytes:
        """The key that signs pagination cursors (a development default in development only)."""
        value = self.secret("SECRET_KEY")
        return (value.get_secret_value() if value is not None else DEV_SECRET_KEY).encode()


def _strong_secret_key(value: str) -> bool:
    return len(value) >= 32 and value != DEV_SECRET_KEY


def describe_validation_error(error: ValidationError) -> str:
    """One line naming each bad field and why, never the offending value."""
    parts = []
    for item in error.errors(include_input=False, include_url=False, include_context=False):
        field = ".".join(str(part) for part in item["loc"])
        message = item["msg"].removeprefix("Value error, ")
        parts.append(f"{field}: {message}" if field else message)
    return "invalid configuration: " + "; ".join(parts)


def _structured(annotation: Any) -> bool:
    """A type whose environment value is JSON (containers and models), looking through unions."""
    origin = get_origin(annotation)
    if origin is Union or origin is types.UnionType:
        return any(_structured(argument) for argument in get_args(annotation) if argument is not type(None))
    if origin is Annotated:
        return _structured(get_args(annotation)[0])
    target = origin or annotation
    return isinstance(target, type) and issubclass(target, list | dict | set | frozenset | tuple | BaseModel)


def _decodes_json(field: FieldInfo) -> bool:
    return NoDecode not in field.metadata and _structured(field.annotation)


def _from_environment(environ: dict[str, str] | None = None) -> dict[str, Any]:
    """Each field's variable (exactly its name), JSON-decoded for a structured field."""
    source = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    for name, field in Settings.model_fields.items():
        raw = source.get(name)
        if raw is None:
            continue
        if _decodes_json(field):
            try:
                values[name] = json.loads(raw)
            except ValueError:
                raise ConfigurationError(f"invalid configuration: {name}: is not valid JSON") from None
        else:
            values[name] = raw
    return values


def load_settings(**overrides: Any) -> Settings:
    """Build settings from the environment (and explicit overrides, for tools and tests)."""
    try:
        return Settings(**{**_from_environment(), **overrides})
    except ValidationError as error:
        raise ConfigurationError(describe_validation_error(error)) from None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The container's settings, built once. Tests call `get_settings.cache_clear()`."""
    return load_settings()
