"""GET a provider's admin report through the service's one HTTP client: bounded time, size and pages.

Every answer is untrusted: its body is read up to `MAX_RESPONSE_BYTES`, parsed with JSON numbers
as exact `Decimal` (never a binary float; NaN and Infinity refused), and followed page by page
(`next_page` while `has_more`) for at most `MAX_PAGES` pages. Any failure — a refusal, a timeout,
a body that is not the documented shape — is a `ProviderReportError` naming the endpoint and the
reason, never the key.
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Mapping
from decimal import Decimal
from typing import Any, Final

import httpx
from pydantic import SecretStr

from orgair.costs.reconciliation.figures import ProviderReportError
from orgair.transport import Deadline, http_client

MAX_RESPONSE_BYTES: Final = 4 * 1024 * 1024
MAX_PAGES: Final = 50
MAX_PAGE_TOKEN_CHARS: Final = 1024
READ_TIMEOUT_SECONDS: Final = 15.0
CONNECT_TIMEOUT_SECONDS: Final = 3.0
MIN_ATTEMPT_SECONDS: Final = 1.0


def _reject_constant(name: str) -> Any:
    raise ProviderReportError(f"the report holds the non-number {name}")


def parse_report(body: bytes, what: str) -> Mapping[str, Any]:
    """A report's JSON object with every non-integer number as an exact Decimal."""
    try:
        document = json.loads(body, parse_float=Decimal, parse_constant=_reject_constant)
    except ProviderReportError:
        raise
    except (ValueError, RecursionError):  # not JSON, an absurdly long integer, absurd nesting
        raise ProviderReportError(f"{what}: the answer is not a JSON report") from None
    if not isinstance(document, dict):
        raise ProviderReportError(f"{what}: the answer is not a JSON object")
    return document


def get_report(
    url: str, params: Mapping[str, Any], headers: Mapping[str, str], deadline: Deadline, what: str
) -> Mapping[str, Any]:
    """One page of a report, within the deadline and the size bound."""
    remaining = deadline.remaining()
    if remaining < MIN_ATTEMPT_SECONDS:
        raise ProviderReportError(f"{what}: no time left to ask the provider")
    read = min(READ_TIMEOUT_SECONDS, remaining)
    timeout = httpx.Timeout(read, connect=min(CONNECT_TIMEOUT_SECONDS, read))
    try:
        with http_client().stream(
            "GET", url, params=dict(params), headers=dict(headers), timeout=timeout
        ) as response:
            if response.status_code in (401, 403):
                raise ProviderReportError(f"{what}: the admin key was refused ({response.status_code})")
            if response.status_code != 200:
                raise ProviderReportError(f"{what}: the provider answered {response.status_code}")
            declared = response.headers.get("content-length")
            if declared is not None and declared.isdigit() and int(declared) > MAX_RESPONSE_BYTES:
                raise ProviderReportError(f"{what}: the answer is larger than {MAX_RESPONSE_BYTES} bytes")
            body = bytearray()
            for chunk in response.iter_bytes():
                body.extend(chunk)
                if len(body) > MAX_RESPONSE_BYTES:
                    raise ProviderReportError(f"{what}: the answer is larger than {MAX_RESPONSE_BYTES} bytes")
    except httpx.TimeoutException:
        raise ProviderReportError(f"{what}: the provider did not answer in time") from None
    except httpx.HTTPError as error:
        raise ProviderReportError(
            f"{what}: the provider could not be reached ({type(error).__name__})"
        ) from None
    return parse_report(bytes(body), what)


def pages(
    url: str, params: Mapping[str, Any], headers: Mapping[str, str], deadline: Deadline, what: str
) -> Iterator[list[Any]]:
    """The `data` list of every page of a report, following `next_page` while `has_more`."""
    token: str | None = None
    seen: set[str] = set()
    for _page in range(MAX_PAGES):
        query = dict(params)
        if token is not None:
            query["page"] = token
        document = get_report(url, query, headers, deadline, what)
        data = document.get("data")
        has_more = document.get("has_more", False)
        if not isinstance(data, list) or not isinstance(has_more, bool):
            raise ProviderReportError(f"{what}: 'data' must be a list and 'has_more' a boolean")
        yield data
        if not has_more:
            return
        following = document.get("next_page")
        if not isinstance(following, str) or not following or len(following) > MAX_PAGE_TOKEN_CHARS:
            raise ProviderReportError(f"{what}: 'has_more' without a usable 'next_page'")
        if following in seen:
            raise ProviderReportError(f"{what}: 'next_page' repeats an earlier page")
        seen.add(following)
        token = following
    raise ProviderReportError(f"{what}: more than {MAX_PAGES} pages")


def results_of(bucket: Any, what: str) -> list[Mapping[str, Any]]:
    """A bucket's `results`, each an object."""
    results = bucket.get("results") if isinstance(bucket, dict) else None
    if not isinstance(results, list) or not all(isinstance(result, dict) for result in results):
        raise ProviderReportError(f"{what}: each bucket needs a 'results' list of objects")
    return results


class AdminReports(ABC):
    """One provider's admin reports of an organization, read with its admin key (sent, never logged).

    A provider names itself (`provider`), its key's headers (`headers`) and reads its reports' daily
    buckets through `day_results`; what each result holds is the provider's own."""

    provider: str

    def __init__(self, base_url: str, key: SecretStr) -> None:
        self.base_url = base_url.rstrip("/")
        self._key = key

    @abstractmethod
    def headers(self) -> dict[str, str]:
        """The headers that carry this provider's admin key (and API version)."""

    def day_results(
        self,
        path: str,
        params: Mapping[str, Any],
        deadline: Deadline,
        what: str,
        is_the_day: Callable[[Mapping[str, Any]], bool],
    ) -> Iterator[Mapping[str, Any]]:
        """Every result of every page's buckets, each bucket checked to be the requested day."""
        for data in pages(f"{self.base_url}{path}", params, self.headers(), deadline, what):
            for bucket in data:
                if not isinstance(bucket, dict) or not is_the_day(bucket):
                    raise ProviderReportError(f"{what}: a bucket that is not the requested day")
                yield from results_of(bucket, what)
