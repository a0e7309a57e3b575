"""Matching a request path to a template resource the way API Gateway's resource tree does:
a literal segment beats `{param}`, which beats a greedy `{proxy+}`; the resource is chosen first
and the method second, so a known path with another method is not retried on a less specific one."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

ANY_METHOD = "ANY"
_LITERAL, _PARAMETER, _GREEDY = 0, 1, 2


@dataclass(frozen=True)
class RouteTarget:
    """One method of one resource: the function behind it and the authorizer in front (None: none)."""

    function_id: str
    method: str
    resource: str
    authorizer: str | None


@dataclass(frozen=True)
class PathMatch:
    resource: str
    path_parameters: dict[str, str] | None
    methods: Mapping[str, RouteTarget]

    def target(self, method: str) -> RouteTarget | None:
        return self.methods.get(method) or self.methods.get(ANY_METHOD)

    def allowed(self) -> list[str]:
        return sorted(self.methods)


@dataclass
class _Resource:
    path: str
    segments: tuple[tuple[int, str], ...]
    methods: dict[str, RouteTarget] = field(default_factory=dict)


def _segments(resource: str) -> tuple[tuple[int, str], ...]:
    parsed: list[tuple[int, str]] = []
    parts = [part for part in resource.strip("/").split("/") if part]
    for index, part in enumerate(parts):
        if part.startswith("{") and part.endswith("+}"):
            if index != len(parts) - 1:
                raise ValueError(f"{resource}: a greedy path variable must be the last segment")
            parsed.append((_GREEDY, part[1:-2]))
        elif part.startswith("{") and part.endswith("}"):
            parsed.append((_PARAMETER, part[1:-1]))
        else:
            parsed.append((_LITERAL, part))
    return tuple(parsed)


def split_path(path: str) -> list[str]:
    """Request path to segments; a trailing slash is ignored, as API Gateway ignores it."""
    trimmed = path.strip("/")
    return trimmed.split("/") if trimmed else []


class RouteTable:
    """Every resource of one API, matched most-specific first."""

    def __init__(self, targets: Iterable[RouteTarget]) -> None:
        resources: dict[str, _Resource] = {}
        for target in targets:
            key = "/" + "/".join(part for part in target.resource.strip("/").split("/") if part)
            resource = resources.setdefault(key, _Resource(key, _segments(key)))
            if target.method in resource.methods:
                other = resource.methods[target.method].function_id
                raise ValueError(f"{target.method} {key} is routed to both {other} and {target.function_id}")
            resource.methods[target.method] = target
        self._resources = sorted(resources.values(), key=lambda item: item.path)
        self._by_length: dict[int, list[_Resource]] = {}
        self._greedy: list[_Resource] = []
        for resource in self._resources:
            if resource.segments and resource.segments[-1][0] == _GREEDY:
                self._greedy.append(resource)
            else:
                self._by_length.setdefault(len(resource.segments), []).append(resource)

    def targets(self) -> list[RouteTarget]:
        return [target for resource in self._resources for target in resource.methods.values()]

    def match(self, path: str) -> PathMatch | None:
        parts = split_path(path)
        candidates = [*self._by_length.get(len(parts), ()), *self._greedy]
        best: tuple[list[int], _Resource, dict[str, str]] | None = None
        for resource in candidates:
            parameters = _match(resource.segments, parts)
            if parameters is None:
                continue
            # Most specific wins: segment kinds compared position by position (literal < param < greedy).
            rank = [kind for kind, _ in resource.segments]
            if best is None or rank < best[0]:
                best = (rank, resource, parameters)
        if best is None:
            return None
        _, resource, parameters = best
        return PathMatch(resource.path, parameters or None, resource.methods)


def _match(segments: tuple[tuple[int, str], ...], parts: list[str]) -> dict[str, str] | None:
    parameters: dict[str, str] = {}
    for index, (kind, value) in enumerate(segments):
        if kind == _GREEDY:
            rest = parts[index:]
            if not rest or any(not part for part in rest):
                return None
            parameters[value] = "/".join(rest)
            return parameters
        if index >= len(parts):
            return None
        part = parts[index]
        if kind == _LITERAL:
            if part != value:
                return None
        elif not part:
            return None
        else:
            parameters[value] = part
    return parameters if len(segments) == len(parts) else None
