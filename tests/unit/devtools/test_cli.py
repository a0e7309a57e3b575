"""`orgair keys ...` against the embedded DynamoDB, through `main()` as the console script calls it."""

from __future__ import annotations

from pathlib import Path

import pytest
from orgair.auth.keys import KEY_PREFIX, authenticate, hash_key
from support.dynamodb_faults import closed_endpoint

from devtools.cli import main
from devtools.embedded_dynamodb import EmbeddedDynamoDB


def run(dynamodb: EmbeddedDynamoDB, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["--endpoint-url", dynamodb.endpoint_url, *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def create(
    dynamodb: EmbeddedDynamoDB, capsys: pytest.CaptureFixture[str], tenant: str = "acme"
) -> tuple[str, str]:
    """Create a key through the CLI; returns (key_id, plaintext)."""
    code, out, _ = run(
        dynamodb, capsys, "keys", "create", "--tenant", tenant, "--scopes", "scores:read,scores:write"
    )
    assert code == 0
    lines = out.splitlines()
    key_id = next(line.split()[1] for line in lines if line.startswith("key_id:"))
    return key_id, lines[-1]


def test_create_prints_id_tenant_scopes_and_then_the_key_alone_on_the_last_line(
    dynamodb: EmbeddedDynamoDB, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(
        dynamodb,
        capsys,
        "keys",
        "create",
        "--tenant",
        "acme",
        "--scopes",
        "scores:read, scores:write",
        "--name",
        "ci",
    )
    assert code == 0
    lines = out.splitlines()
    assert "tenant:  acme" in lines
    assert "scopes:  scores:read scores:write" in lines
    key = lines[-1]
    assert key.startswith(KEY_PREFIX)
    assert key.strip() == key
    principal = authenticate(key)
    assert principal is not None
    assert f"key_id:  {principal.key_id}" in lines
    assert principal.tenant_id == "acme"
    assert principal.scopes == frozenset({"scores:read", "scores:write"})


def test_list_shows_keys_but_never_their_secrets(
    dynamodb: EmbeddedDynamoDB, capsys: pytest.CaptureFixture[str]
) -> None:
    acme_id, acme_key = create(dynamodb, capsys, "acme")
    globex_id, _ = create(dynamodb, capsys, "globex")
    code, out, _ = run(dynamodb, capsys, "keys", "list")
    assert code == 0
    assert out.splitlines()[0].split() == [
        "KEY_ID",
        "TENANT",
        "STATUS",
        "SCOPES",
        "NAME",
        "CREATED",
        "LAST_USED",
    ]
    assert acme_id in out
    assert globex_id in out
    assert acme_key not in out
    assert hash_key(acme_key) not in out


def test_list_for_one_tenant_shows_only_its_keys(
    dynamodb: EmbeddedDynamoDB, capsys: pytest.CaptureFixture[str]
) -> None:
    acme_id, _ = create(dynamodb, capsys, "acme")
    globex_id, _ = create(dynamodb, capsys, "globex")
    code, out, _ = run(dynamodb, capsys, "keys", "list", "--tenant", "globex")
    assert code == 0
    assert globex_id in out
    assert acme_id not in out


def test_revoke_stops_the_key_and_list_shows_it_revoked(
    dynamodb: EmbeddedDynamoDB, capsys: pytest.CaptureFixture[str]
) -> None:
    key_id, key = create(dynamodb, capsys)
    code, out, _ = run(dynamodb, capsys, "keys", "revoke", key_id)
    assert code == 0
    assert key_id in out
    assert authenticate(key) is None
    _, listing, _ = run(dynamodb, capsys, "keys", "list", "--tenant", "acme")
    [row] = [line for line in listing.splitlines() if line.startswith(key_id)]
    assert row.split()[2] == "revoked"


def test_revoking_an_unknown_id_fails_with_exit_1(
    dynamodb: EmbeddedDynamoDB, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(dynamodb, capsys, "keys", "revoke", "kid_0000000000000000")
    assert code == 1
    assert "No API key has this id" in err


def test_an_unknown_scope_is_refused_with_exit_2_and_named(
    dynamodb: EmbeddedDynamoDB, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(dynamodb, capsys, "keys", "create", "--tenant", "acme", "--scopes", "scores:delete")
    assert code == 2
    assert out == ""
    assert "scores:delete" in err


def test_unreachable_endpoint_is_a_clear_error_with_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    endpoint = closed_endpoint()
    code = main(["keys", "list", "--endpoint-url", endpoint])
    err = capsys.readouterr().err
    assert code == 2
    assert f"cannot reach the local DynamoDB at {endpoint}" in err
    assert "make run" in err


def test_default_endpoint_is_the_local_runners_port(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    port = closed_endpoint().rsplit(":", 1)[1]
    monkeypatch.setenv("DYNAMODB_PORT", port)
    assert main(["keys", "list"]) == 2
    assert f"http://127.0.0.1:{port}" in capsys.readouterr().err


def test_a_missing_table_is_named_with_exit_2(
    dynamodb: EmbeddedDynamoDB, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(dynamodb, capsys, "keys", "list", "--table", "NoSuchTable")
    assert code == 2
    assert "'NoSuchTable' does not exist" in err


def test_aws_mode_without_a_region_is_refused_with_exit_2(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    assert main(["--aws", "keys", "list"]) == 2
    assert "no AWS region" in capsys.readouterr().err


def test_aws_and_endpoint_url_exclude_each_other(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--aws", "keys", "list", "--endpoint-url", "http://127.0.0.1:1"]) == 2
