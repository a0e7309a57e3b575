"""What one process must keep apart so that several execution environments can share it.

In Lambda each environment is its own process serving one request at a time. Here the environments
of every function are threads of one process, so state a library keeps per process is per thread
instead (each environment has one worker thread). Powertools' event handler keeps the request being
resolved on a class attribute (`BaseRouter.current_event` / `lambda_context`), which concurrent
environments would otherwise overwrite for each other, handing one request's headers and body to
another's route. `install()` makes the resolver read them from the calling thread.
"""

from __future__ import annotations

import threading
from typing import Any

_state = threading.local()
_installed = False
_install_lock = threading.Lock()


def install() -> bool:
    """Patch Powertools' REST/HTTP resolvers once per process; False when Powertools is absent."""
    global _installed
    with _install_lock:
        if _installed:
            return True
        try:
            from aws_lambda_powertools.event_handler import api_gateway
        except ImportError:
            return False
        resolver: Any = api_gateway.ApiGatewayResolver
        base: Any = api_gateway.BaseRouter
        to_proxy_event = resolver._to_proxy_event
        resolve = resolver.resolve

        def _to_proxy_event(self: Any, event: dict[str, Any]) -> Any:
            proxy = to_proxy_event(self, event)
            _state.event = proxy
            return proxy

        def _resolve(self: Any, event: Any, context: Any) -> Any:
            _state.context = context
            return resolve(self, event, context)

        def _get_event(self: Any) -> Any:
            return getattr(_state, "event", None) or base.current_event

        def _set_event(self: Any, value: Any) -> None:
            _state.event = value

        def _get_context(self: Any) -> Any:
            return getattr(_state, "context", None) or base.lambda_context

        def _set_context(self: Any, value: Any) -> None:
            _state.context = value

        resolver._to_proxy_event = _to_proxy_event
        resolver.resolve = _resolve
        resolver.current_event = property(_get_event, _set_event)
        resolver.lambda_context = property(_get_context, _set_context)
        _installed = True
        return True
