"""The test tiers and the unit tier's socket guard (support/tiers.py)."""

from __future__ import annotations

import socket
import textwrap

import pytest
from support.tiers import SocketBlocked, guard_active, socket_guard

pytest_plugins = ["pytester"]


def test_this_unit_test_runs_with_the_guard_on(request: pytest.FixtureRequest) -> None:
    assert request.node.get_closest_marker("unit") is not None
    assert guard_active()


def test_a_unit_test_cannot_open_an_internet_socket_or_connect() -> None:
    with pytest.raises(SocketBlocked):
        socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    with pytest.raises(SocketBlocked):
        socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    with pytest.raises(SocketBlocked):
        socket.create_connection(("127.0.0.1", 9), timeout=0.1)


def test_a_unit_test_may_use_unix_sockets() -> None:
    left, right = socket.socketpair()
    with left, right:
        left.sendall(b"x")
        assert right.recv(1) == b"x"


def test_a_socket_made_before_the_guard_cannot_be_addressed_under_it() -> None:
    with socket_guard():
        pass  # nesting restores the outer guard
    assert guard_active()
    # The X-Ray SDK's emitter socket exists from import (tests/conftest.py): the guard refuses its use.
    from aws_xray_sdk.core import xray_recorder

    emitter_socket = xray_recorder.emitter._socket
    assert emitter_socket.family == socket.AF_INET
    with pytest.raises(SocketBlocked):
        emitter_socket.sendto(b"{}", ("127.0.0.1", 2000))


@pytest.fixture
def session_of(pytester: pytest.Pytester) -> pytest.Pytester:
    """A pytest session over a project whose conftest uses these tiers, as tests/conftest.py does."""
    pytester.makeconftest(
        """
        import socket
        import pytest
        from support.tiers import (
            pytest_collection_modifyitems, pytest_configure, pytest_runtest_call,
            pytest_runtest_setup, pytest_runtest_teardown,
        )

        @pytest.fixture
        def dynamodb_server():
            yield "stand-in for the embedded DynamoDB"

        @pytest.fixture
        def opens_in_setup():
            socket.socket(socket.AF_INET).close()
        """
    )
    return pytester


def test_every_unit_test_is_guarded_and_integration_and_network_tests_are_not(
    session_of: pytest.Pytester,
) -> None:
    session_of.makepyfile(
        test_sample=textwrap.dedent(
            """
            import socket
            import pytest
            from hypothesis import given, strategies as st

            def test_plain_opens():
                socket.socket(socket.AF_INET).close()

            def test_setup_opens(opens_in_setup):
                pass

            def test_with_the_store_opens(dynamodb_server):
                socket.socket(socket.AF_INET).close()

            @pytest.mark.network
            def test_marked_network_opens():
                socket.socket(socket.AF_INET).close()

            def test_fuzz_inside():
                @given(st.integers())
                def check(n):
                    assert isinstance(n, int)
                check()
            """
        )
    )
    result = session_of.runpytest_inprocess("-p", "no:cacheprovider", "-q", "-rA")
    result.assert_outcomes(passed=3, failed=1, errors=1)
    text = result.stdout.str()
    assert "FAILED test_sample.py::test_plain_opens - support.tiers.SocketBlocked" in text
    assert "ERROR test_sample.py::test_setup_opens - support.tiers.SocketBlocked" in text
    markers = session_of.runpytest_inprocess("-p", "no:cacheprovider", "-q", "--co", "-m", "unit")
    assert markers.stdout.lines[:2] == [
        "test_sample.py::test_plain_opens",
        "test_sample.py::test_setup_opens",
    ]
    fuzz = session_of.runpytest_inprocess("-p", "no:cacheprovider", "-q", "--co", "-m", "fuzz")
    assert fuzz.stdout.lines[0] == "test_sample.py::test_fuzz_inside"
    integration = session_of.runpytest_inprocess("-p", "no:cacheprovider", "-q", "--co", "-m", "integration")
    assert integration.stdout.lines[:2] == [
        "test_sample.py::test_with_the_store_opens",
        "test_sample.py::test_marked_network_opens",
    ]


def test_every_test_under_integration_infrastructure_and_build_is_integration(
    session_of: pytest.Pytester,
) -> None:
    for directory in ("integration", "infrastructure", "build", "unit"):
        session_of.mkdir(directory)
        (session_of.path / directory / f"test_{directory}.py").write_text("def test_here():\n    pass\n")
    # Named on the command line: pytest does not recurse into a directory named build by itself.
    directories = ("integration", "infrastructure", "build", "unit")
    result = session_of.runpytest_inprocess(
        "-p", "no:cacheprovider", "-q", "--co", "-m", "not unit", *directories
    )
    assert sorted(result.stdout.lines[:3]) == [
        "build/test_build.py::test_here",
        "infrastructure/test_infrastructure.py::test_here",
        "integration/test_integration.py::test_here",
    ]
