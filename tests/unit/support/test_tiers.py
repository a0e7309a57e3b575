"""The test tiers and the unit tier's socket guard (support/tiers.py)."""

from __future__ import annotations

import socket
import textwrap

import pytest
from support.tiers import SocketBlocked, guard_active, socket_guard, take_refusals

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
    assert len(take_refusals()) == 3  # else this test would fail after its call, as the next one shows


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
    assert take_refusals() == ["called sendto on a socket (family <AddressFamily.AF_INET: 2>)"]


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

            def test_swallows_the_refusal():
                try:
                    socket.create_connection(("127.0.0.1", 9))
                except Exception:
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
    items, _ = session_of.inline_genitems("-p", "no:cacheprovider", "-p", "no:schemathesis")
    tiers = {item.name: {mark.name for mark in item.iter_markers()} - {"network"} for item in items}
    assert tiers == {
        "test_plain_opens": {"unit"},
        "test_setup_opens": {"unit"},
        "test_swallows_the_refusal": {"unit"},
        "test_with_the_store_opens": {"integration"},
        "test_marked_network_opens": {"integration"},
        "test_fuzz_inside": {"fuzz"},
    }
    result = session_of.runpytest_inprocess("-p", "no:cacheprovider", "-p", "no:schemathesis", "-q", "-rA")
    take_refusals()  # the sample's refusals, not this test's
    result.assert_outcomes(passed=3, failed=2, errors=1)
    text = result.stdout.str()
    assert "FAILED test_sample.py::test_plain_opens - support.tiers.SocketBlocked" in text
    assert "ERROR test_sample.py::test_setup_opens - support.tiers.SocketBlocked" in text
    assert "FAILED test_sample.py::test_swallows_the_refusal - support.tiers.SocketBlocke" in text
    assert "SocketBlocked: test_sample.py::test_swallows_the_refusal (call) opened a socket" in text


def test_every_test_under_integration_infrastructure_and_build_is_integration(
    session_of: pytest.Pytester,
) -> None:
    directories = ("integration", "infrastructure", "build", "unit")
    for directory in directories:
        session_of.mkdir(directory)
        (session_of.path / directory / f"test_{directory}.py").write_text("def test_here():\n    pass\n")
    # Named on the command line: pytest does not recurse into a directory named build by itself.
    items, _ = session_of.inline_genitems("-p", "no:cacheprovider", "-p", "no:schemathesis", *directories)
    tiers = {str(item.path.relative_to(session_of.path)): item.get_closest_marker("unit") for item in items}
    assert {path for path, unit in tiers.items() if unit is None} == {
        "build/test_build.py",
        "infrastructure/test_infrastructure.py",
        "integration/test_integration.py",
    }
    assert tiers["unit/test_unit.py"] is not None


def test_files_are_ordered_slow_and_socket_fuzzing_first_then_integration_then_the_rest(
    session_of: pytest.Pytester,
) -> None:
    session_of.makepyfile(
        test_a_unit="def test_one():\n    pass\n\ndef test_two():\n    pass\n",
        test_b_store="def test_one(dynamodb_server):\n    pass\n\ndef test_two():\n    pass\n",
        test_c_slow="import pytest\n\ndef test_one():\n    pass\n\n@pytest.mark.slow\ndef test_two():\n    pass\n",
        test_d_fuzz_over_the_store=textwrap.dedent(
            """
            from hypothesis import given, strategies as st

            def test_one():
                pass

            @given(st.integers())
            def test_two(dynamodb_server, n):
                pass
            """
        ),
        test_e_fuzz_in_process=textwrap.dedent(
            """
            from hypothesis import given, strategies as st

            @given(st.integers())
            def test_one(n):
                pass
            """
        ),
    )
    recorded = session_of.inline_run("--collect-only", "-p", "no:cacheprovider", "-p", "no:schemathesis")
    (finished,) = recorded.getcalls("pytest_collection_finish")
    assert [item.nodeid for item in finished.session.items] == [
        "test_c_slow.py::test_one",
        "test_c_slow.py::test_two",
        "test_d_fuzz_over_the_store.py::test_one",
        "test_d_fuzz_over_the_store.py::test_two",
        "test_b_store.py::test_one",
        "test_b_store.py::test_two",
        "test_a_unit.py::test_one",
        "test_a_unit.py::test_two",
        "test_e_fuzz_in_process.py::test_one",
    ]
