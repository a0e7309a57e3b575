"""Structured LLM completions under the cost ledger: reserve, call, settle — for every attempt.

Order of models: DEFAULT_LLM_MODEL first, FALLBACK_LLM_MODEL when the default keeps failing. Each
model gets bounded retries (exponential backoff with full jitter, at least the provider's
Retry-After) on 429, 5xx, timeouts and connection errors; a provider whose circuit is open is skipped.
Every attempt that may be billed is its own call id, hold and ledger line (attempt number, parent
request id, model that served it). The whole exchange ends before a deadline derived from the
Lambda's remaining time. Without a configured key there is no call and no invented answer: 503.
"""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Final, TypeVar

import httpx
from pydantic import BaseModel, ValidationError

from orgair.business_metrics import (
    record_llm_attempt,
    record_llm_degraded,
    record_llm_fallback,
    record_llm_repair,
    record_spend,
)
from orgair.costs.degrade import degradation_for, scope_positions
from orgair.costs.ledger import CostLedger
from orgair.costs.ledger_base import RequestBudget
from orgair.costs.money import format_usd
from orgair.errors import DependencyUnavailable, UpstreamInvalid
from orgair.llm.answers import (
    instructions,
    output_schema,
    parse_retry_after,
    read_answer,
    repair_prompt,
    structured_instructions,
    validation_errors,
)
from orgair.llm.breaker import BreakerRegistry, CircuitBreaker, container_breakers
from orgair.llm.candidates import Candidate, Candidates
from orgair.llm.completions import AttemptRecord, LlmRequest, StructuredCompletion
from orgair.llm.models import ModelCapabilities, model_capabilities
from orgair.llm.providers import (
    MalformedReply,
    Message,
    Reply,
)
from orgair.llm.schema import OutputSchema
from orgair.observability import logger
from orgair.records.costs import CallMeta, Degradation, Hold, LedgerLine, Provider
from orgair.settings import Settings
from orgair.transport import CONNECT_TIMEOUT_SECONDS, Deadline, http_client

T = TypeVar("T", bound=BaseModel)

RETRYABLE_STATUS: Final = frozenset({408, 409, 425, 429, 500, 502, 503, 504, 529})
MIN_ATTEMPT_SECONDS: Final = 1.0
"""An attempt with less time than this left is not started: it could only time out and be billed."""
BACKOFF_BASE_SECONDS: Final = 0.5
BACKOFF_CAP_SECONDS: Final = 8.0
MAX_REPAIR_ECHO_CHARS: Final = 8_000

_SYSTEM_RANDOM: Final = random.SystemRandom()


@dataclass(slots=True)
class _Run:
    request: LlmRequest
    schema: type[BaseModel]
    output: OutputSchema | None
    deadline: Deadline
    budget: RequestBudget
    degradation: Degradation | None = None
    parent_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    attempts: list[AttemptRecord] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Outcome:
    reply: Reply | None
    retryable: bool
    retry_after: float | None = None


def candidate_provider(hold: Hold) -> Provider:
    """The provider of a hold (holds only ever name the two providers the price table knows)."""
    return "anthropic" if hold.provider == "anthropic" else "openai"


class LlmGateway:
    """Structured completions with retries, fallback, circuit breakers and per-attempt cost control."""

    def __init__(
        self,
        settings: Settings,
        ledger: CostLedger,
        *,
        client: httpx.Client | None = None,
        breakers: BreakerRegistry | None = None,
        sleep: Callable[[float], None] = time.sleep,
        jitter: Callable[[float, float], float] = _SYSTEM_RANDOM.uniform,
        capabilities: ModelCapabilities | None = None,
    ) -> None:
        self.settings = settings
        self.ledger = ledger
        self.capabilities = capabilities or model_capabilities()
        self._client = client
        self.breakers = breakers or container_breakers()
        self._sleep = sleep
        self._jitter = jitter
        self._candidates = Candidates(settings, ledger, self.capabilities)

    @property
    def client(self) -> httpx.Client:
        return self._client or http_client()

    def complete_json(
        self, request: LlmRequest, schema: type[T], *, deadline: Deadline, repairs: int = 1
    ) -> StructuredCompletion[T]:
        """Ask for a JSON object matching `schema`; an invalid answer gets `repairs` repair attempts, then 502."""
        candidates = self._candidates.ordered()
        run = _Run(
            request=request,
            schema=schema,
            output=output_schema(schema) if any(candidate.structured for candidate in candidates) else None,
            deadline=deadline,
            budget=self.ledger.request_budget(),
        )
        if request.parent_request_id is not None:
            run.parent_request_id = request.parent_request_id
        messages = [Message("user", request.user)]
        candidates = self._route(run, candidates, messages)
        for repair in range(repairs + 1):
            reply, served = self._first_reply(run, candidates, messages)
            try:
                value = read_answer(schema, reply)
            except (ValidationError, ValueError) as problem:
                errors = validation_errors(problem)
                if repair == repairs:
                    raise UpstreamInvalid(
                        f"The model's answer did not match the expected structure after {repairs} repair "
                        "attempt(s); its cost is on the ledger.",
                        errors=errors,
                        extensions={
                            "model": served.model,
                            "degraded": run.degradation is not None,
                            "attempts": len(run.attempts),
                            "cost": format_usd(sum(attempt.cost_micros for attempt in run.attempts)),
                            "parent_request_id": run.parent_request_id,
                        },
                    ) from None
                record_llm_repair("structured" if self._structure(run, served) else "prompt")
                messages = [
                    *messages,
                    Message("assistant", reply.text[:MAX_REPAIR_ECHO_CHARS]),
                    Message("user", repair_prompt(errors)),
                ]
                candidates = [served, *(candidate for candidate in candidates if candidate is not served)]
                continue
            return StructuredCompletion(
                value=value,
                provider=served.format.name,
                model=served.model,
                parent_request_id=run.parent_request_id,
                attempts=tuple(run.attempts),
                degradation=run.degradation,
            )
        raise AssertionError("unreachable: the loop returns or raises")

    def _route(self, run: _Run, candidates: list[Candidate], messages: Sequence[Message]) -> list[Candidate]:
        """Degrade before refusing: the cheaper model alone once a scope passed DEGRADE_AT_PCT or the
        first candidate's worst case no longer fits. Its reservation is still admitted (or refused
        with 429) by the ledger's one transaction, so nothing is called without admission."""
        cheap = self.settings.DEGRADED_LLM_MODEL
        first = candidates[0]
        if cheap is None or cheap == first.model:
            return candidates
        decision = degradation_for(
            scope_positions(self.ledger, run.request.tenant_id),
            threshold=self.settings.DEGRADE_AT_PCT,
            requested_model=first.model,
            requested_estimate_micros=self._estimate(run, first, messages),
        )
        if decision is None:
            return candidates
        degraded = self._candidates.model(cheap)
        if degraded is None:
            logger.warning("no key for DEGRADED_LLM_MODEL's provider; %s is not degraded", decision.scope)
            return candidates
        run.degradation = decision
        record_llm_degraded(decision.reason, decision.scope)
        logger.info(
            "routing to the degraded model",
            extra={
                "reason": decision.reason,
                "scope_kind": decision.scope.split(":", 1)[0],
                "threshold": decision.threshold,
                "requested_model": decision.requested_model,
                "model": cheap,
            },
        )
        return [degraded]

    def _structure(self, run: _Run, candidate: Candidate) -> OutputSchema | None:
        return run.output if candidate.structured else None

    def _system(self, run: _Run, candidate: Candidate) -> str:
        output = self._structure(run, candidate)
        if output is None:
            return instructions(run.request.system, run.schema)
        return structured_instructions(run.request.system, output)

    def _estimate(self, run: _Run, candidate: Candidate, messages: Sequence[Message]) -> int:
        """The worst case of one attempt: prompt, messages and the schema sent natively (billed as input)."""
        output = self._structure(run, candidate)
        texts = [self._system(run, candidate), *(message.content for message in messages)]
        if output is not None:
            texts.append(output.text)
        return self.ledger.estimate(candidate.model, texts, self.settings.LLM_MAX_OUTPUT_TOKENS)

    def _first_reply(
        self, run: _Run, candidates: Sequence[Candidate], messages: Sequence[Message]
    ) -> tuple[Reply, Candidate]:
        for position, candidate in enumerate(candidates):
            if position > 0:
                record_llm_fallback()
            breaker = self.breakers.get(candidate.format.name)
            for retry in range(self.settings.LLM_MAX_RETRIES + 1):
                if run.deadline.remaining() < MIN_ATTEMPT_SECONDS:
                    raise DependencyUnavailable("The LLM providers did not answer in time.")
                if not breaker.allow():
                    logger.warning("circuit open, skipping %s", candidate.format.name)
                    break
                outcome = self._attempt(run, candidate, breaker, messages)
                if outcome.reply is not None:
                    return outcome.reply, candidate
                if not outcome.retryable or retry == self.settings.LLM_MAX_RETRIES:
                    break
                delay = max(
                    self._jitter(0.0, min(BACKOFF_CAP_SECONDS, BACKOFF_BASE_SECONDS * 2**retry)),
                    outcome.retry_after or 0.0,
                )
                if delay > run.deadline.remaining() - MIN_ATTEMPT_SECONDS:
                    break
                self._sleep(delay)
        raise DependencyUnavailable(
            "No LLM provider produced an answer; try again later.", retry_after_seconds=30
        )

    def _attempt(
        self,
        run: _Run,
        candidate: Candidate,
        breaker: CircuitBreaker,
        messages: Sequence[Message],
    ) -> _Outcome:
        """One billed-or-not attempt: reserve, call, settle. The breaker sees the provider's health."""
        max_tokens = self.settings.LLM_MAX_OUTPUT_TOKENS
        estimate = self._estimate(run, candidate, messages)
        try:
            run.budget.admit(estimate, self.ledger.clock())
            meta = CallMeta(
                tenant_id=run.request.tenant_id,
                purpose=run.request.purpose,
                correlation_id=run.request.correlation_id,
                request_id=run.request.request_id,
                parent_request_id=run.parent_request_id,
                attempt=len(run.attempts) + 1,
                degradation=run.degradation,
            )
            hold = self.ledger.reserve(meta, candidate.model, estimate)
        except BaseException:
            breaker.abandon()
            raise
        http = candidate.format.build(
            candidate.model,
            self._system(run, candidate),
            messages,
            max_tokens,
            candidate.key,
            self._structure(run, candidate),
        )
        remaining = run.deadline.remaining()
        timeout = httpx.Timeout(
            min(float(self.settings.LLM_TIMEOUT_SECONDS), remaining),
            connect=min(CONNECT_TIMEOUT_SECONDS, remaining),
        )
        try:
            response = self.client.post(http.url, json=http.body, headers=http.headers, timeout=timeout)
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as error:
            breaker.record_failure()
            self._settle(run, hold, estimate, None, f"not_sent:{type(error).__name__}", uncertain=False)
            return _Outcome(reply=None, retryable=True)
        except httpx.TransportError as error:
            breaker.record_failure()
            self._settle(run, hold, estimate, None, f"no_answer:{type(error).__name__}", uncertain=True)
            return _Outcome(reply=None, retryable=True)
        except httpx.HTTPError as error:
            # An answer we could not read (DecodingError: a body its Content-Encoding cannot decode):
            # it may be billed, so it is charged at the reservation like a lost answer.
            breaker.record_failure()
            self._settle(run, hold, estimate, None, f"unreadable:{type(error).__name__}", uncertain=True)
            return _Outcome(reply=None, retryable=True)
        provider_request_id = response.headers.get(candidate.format.request_id_header)
        if response.is_success:
            try:
                reply = candidate.format.parse(response.json())
            except (ValueError, MalformedReply):
                breaker.record_failure()
                self._settle(run, hold, estimate, None, "malformed_reply", True, provider_request_id)
                return _Outcome(reply=None, retryable=True)
            breaker.record_success()
            self._settle(run, hold, estimate, reply, "ok", False, provider_request_id)
            return _Outcome(reply=reply, retryable=False)
        status = response.status_code
        retryable = status in RETRYABLE_STATUS
        if retryable or status in (401, 403):
            breaker.record_failure()
        else:
            breaker.abandon()
        self._settle(run, hold, estimate, None, f"http_{status}", False, provider_request_id)
        return _Outcome(
            reply=None,
            retryable=retryable,
            retry_after=parse_retry_after(response.headers.get("retry-after")),
        )

    def _settle(
        self,
        run: _Run,
        hold: Hold,
        estimate: int,
        reply: Reply | None,
        outcome: str,
        uncertain: bool,
        provider_request_id: str | None = None,
    ) -> None:
        """Close the attempt's hold. If the store fails now, the hold stays and the budget check settles it."""
        line: LedgerLine | None
        try:
            if uncertain:
                line = self.ledger.settle_uncertain(
                    hold, outcome=outcome, provider_request_id=provider_request_id
                )
            else:
                line = self.ledger.settle(
                    hold,
                    reply.usage if reply else None,
                    outcome=outcome,
                    provider_request_id=provider_request_id,
                )
        except DependencyUnavailable:
            logger.warning("could not settle call %s; its hold will be settled on expiry", hold.call_id)
            line = None
        if line is not None:
            run.budget.correct(estimate, line.cost_micros)
            record_spend(line.cost_micros)
        record_llm_attempt(candidate_provider(hold), "success" if outcome == "ok" else "error")
        run.attempts.append(
            AttemptRecord(
                attempt=hold.meta.attempt,
                call_id=hold.call_id,
                provider=hold.provider,
                model=hold.model,
                outcome=outcome,
                status=line.status if line is not None else "unsettled",
                cost_micros=line.cost_micros if line is not None else estimate,
            )
        )
