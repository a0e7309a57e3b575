"""CORS of every API function: the origins in settings (CORS_ORIGINS, from the CorsOrigins
parameter), with `Vary: Origin` on every answer that carries them (docs/cors.md).

`orgair.http` gives the configuration to each resolver and adds the headers to the answers it makes
without one (a body refused before routing).
"""

from __future__ import annotations

from aws_lambda_powertools.event_handler import CORSConfig

from orgair.settings import get_settings

CORRELATION_HEADER = "X-Correlation-ID"
"""The header a caller may send and every answer carries (`orgair.http.correlation_id`)."""


class VaryingCorsConfig(CORSConfig):
    """Powertools' CORS headers plus `Vary: Origin`: the allow-origin header depends on the caller's
    Origin, so no cache may serve one origin's answer to another (docs/cors.md)."""

    def to_dict(self, origin: str | None) -> dict[str, str]:
        headers = super().to_dict(origin)
        if headers:
            headers["Vary"] = "Origin"
        return headers


def cors_config() -> VaryingCorsConfig | None:
    """CORS for the origins in settings (CORS_ORIGINS, from the CorsOrigins parameter); None: off."""
    settings = get_settings()
    if not settings.CORS_ORIGINS:
        return None
    first, *others = settings.CORS_ORIGINS
    return VaryingCorsConfig(
        allow_origin=first,
        extra_origins=others,
        allow_headers=["Authorization", "Content-Type", "Idempotency-Key", CORRELATION_HEADER],
        expose_headers=[CORRELATION_HEADER, "X-Request-ID", "X-Process-Time", "Location", "Retry-After"],
        max_age=600,
    )


def cors_headers(origin: str | None) -> dict[str, str]:
    """The CORS headers for a caller's Origin header (none when CORS is off or the origin not allowed)."""
    cors = cors_config()
    allowed = cors.allowed_origin(origin) if cors is not None and origin else None
    return cors.to_dict(allowed) if cors is not None and allowed else {}
