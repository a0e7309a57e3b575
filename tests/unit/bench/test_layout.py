"""The bench's runtime: exactly the runtime-provided distributions of the layer lock, hash-pinned."""

from __future__ import annotations

from bench.layout import RUNTIME_LOCK
from devtools.artifacts import LAMBDA_MARKER_ENVIRONMENT, RUNTIME_PROVIDED, read_lock


def test_the_bench_runtime_lock_is_the_layer_lock_s_runtime_stack() -> None:
    bench = {(pin.name, pin.version, tuple(pin.hashes)) for pin in read_lock(RUNTIME_LOCK)}
    layer = {
        (pin.name, pin.version, tuple(pin.hashes))
        for pin in read_lock()
        if pin.name in RUNTIME_PROVIDED and pin.applies(LAMBDA_MARKER_ENVIRONMENT)
    }

    assert bench == layer
    assert {name for name, _, _ in bench} == RUNTIME_PROVIDED


def test_the_bench_runtime_has_no_crt_or_openssl_binding() -> None:
    names = {pin.name for pin in read_lock(RUNTIME_LOCK)}

    assert not names & {"awscrt", "pyopenssl", "cryptography"}
