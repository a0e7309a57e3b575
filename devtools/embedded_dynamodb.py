"""The embedded DynamoDB: moto's server on loopback with every table of `template.yaml`.

moto deep-copies tables inside TransactWriteItems without a lock, so concurrent transactions can
corrupt its state; this server therefore handles one request at a time. moto also ignores
`ClientRequestToken` and never expires TTL items: no correctness of ours rests on either.
"""

from __future__ import annotations

import errno
import os
import socket
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import boto3
from werkzeug.serving import BaseWSGIServer, make_server

from devtools.template import LOCAL_REGION, Template, load_template

FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "local",
    "AWS_SECRET_ACCESS_KEY": "local",
    "AWS_DEFAULT_REGION": LOCAL_REGION,
    "AWS_REGION": LOCAL_REGION,
}

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


class PortInUseError(OSError):
    """The port is taken (often by another `make run`); the message says which and what to do."""


class _OneAtATime:
    """WSGI wrapper that serialises requests (see the module docstring for why)."""

    def __init__(self, app: WsgiApp) -> None:
        self._app = app
        self._lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
        with self._lock:
            return list(self._app(environ, start_response))


class _QuietHandler:
    """Request handler without one access-log line per DynamoDB call."""

    @staticmethod
    def wrap(base: type[Any]) -> type[Any]:
        class Quiet(base):  # type: ignore[misc]
            def log_request(self, *args: Any, **kwargs: Any) -> None:
                return None

        return Quiet


def is_listening(host: str, port: int, timeout: float = 0.2) -> bool:
    """Whether something accepts TCP connections there (e.g. the DynamoDB of a running `make run`)."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


LOCAL_READ_TIMEOUT_SECONDS = "3"
"""This server answers one request at a time and far slower than DynamoDB, so a call queued behind
others would pass the production read timeout (settings AWS_READ_TIMEOUT_SECONDS, 1 s) without
anything being wrong; locally the SDK waits longer. Not much longer: the assessment's LLM deadline
keeps two such calls in reserve before the function's timeout. Tests of a stalled store set their
own short timeouts."""


def dynamodb_environment(endpoint_url: str) -> dict[str, str]:
    """Environment variables that point boto3 (and so our handlers) at a local DynamoDB."""
    return {
        **FAKE_CREDENTIALS,
        "AWS_ENDPOINT_URL_DYNAMODB": endpoint_url,
        "AWS_READ_TIMEOUT_SECONDS": LOCAL_READ_TIMEOUT_SECONDS,
    }


def local_client(endpoint_url: str) -> Any:
    return boto3.client(
        "dynamodb",
        endpoint_url=endpoint_url,
        region_name=LOCAL_REGION,
        aws_access_key_id="local",
        aws_secret_access_key="local",  # noqa: S106 - moto accepts any credentials
    )


def create_tables(client: Any, template: Template | None = None) -> list[str]:
    """Create every AWS::DynamoDB::Table of the template (keys, indexes, TTL). Idempotent."""
    template = template or Template(load_template())
    existing = set(client.list_tables()["TableNames"])
    created: list[str] = []
    for name, props in template.tables().items():
        if name in existing:
            continue
        request: dict[str, Any] = {
            "TableName": name,
            "AttributeDefinitions": props["AttributeDefinitions"],
            "KeySchema": props["KeySchema"],
            "BillingMode": "PAY_PER_REQUEST",
        }
        if props.get("GlobalSecondaryIndexes"):
            request["GlobalSecondaryIndexes"] = props["GlobalSecondaryIndexes"]
        client.create_table(**request)
        ttl = props.get("TimeToLiveSpecification")
        if ttl and ttl.get("Enabled"):
            client.update_time_to_live(
                TableName=name,
                TimeToLiveSpecification={"AttributeName": ttl["AttributeName"], "Enabled": True},
            )
        created.append(name)
    return created


_PATCH_LOCK = threading.Lock()
_patched = False


def snapshot_each_table_once_per_transaction() -> None:
    """Make moto's TransactWriteItems keep, for its rollback, only the items the transaction names.

    moto (5.x) deep-copies every table a transaction touches, whole, before the first write, to put
    it back if the transaction is cancelled: each transaction costs time linear in the table, so a
    job's work (several transactions per company into tables that grow with every company) is
    quadratic. In the runner a 500-company job slowed from 2.5 to 1.5 companies/s by company 190 and
    a worker batch could outlive the worker's timeout (its messages then wait out the visibility
    timeout). A transaction changes at most the items it names (Put, Update, Delete, ConditionCheck:
    at most 100, each once), so copying those items and putting them back on a cancellation is the
    same rollback. This server handles one request at a time, so nothing sees the table between the
    failed write and the restore. It patches the fake, never our code.
    """
    global _patched
    with _PATCH_LOCK:
        if _patched:
            return
        import copy

        import moto.dynamodb.models as moto_models
        from moto.dynamodb.models.dynamo_type import DynamoType
        from moto.dynamodb.models.table import Table

        original = moto_models.DynamoDBBackend.transact_write_items

        class TablesAsTheyAre:
            """moto's `copy` during a transaction: a table "copy" is the table itself (the items
            the transaction names are kept aside instead); anything else is deep-copied as before."""

            @staticmethod
            def deepcopy(value: Any, memo: Any = None) -> Any:
                return value if isinstance(value, Table) else copy.deepcopy(value, memo)

        def named_items(self: Any, transact_items: list[dict[str, Any]]) -> list[tuple[Any, Any, Any, Any]]:
            kept = []
            for entry in transact_items:
                if len(entry) != 1:
                    continue  # moto refuses it before writing anything
                _, operation = next(iter(entry.items()))
                table = self.tables.get(operation.get("TableName"))
                if table is None:
                    continue
                key = operation.get("Key") or operation.get("Item") or {}
                if table.hash_key_attr not in key:
                    continue
                hash_value = DynamoType(key[table.hash_key_attr])
                range_value = (
                    DynamoType(key[table.range_key_attr])
                    if table.range_key_attr is not None and table.range_key_attr in key
                    else None
                )
                current = table.get_item(hash_value, range_value)
                kept.append((table, hash_value, range_value, copy.deepcopy(current)))
            return kept

        def put_back(kept: list[tuple[Any, Any, Any, Any]]) -> None:
            for table, hash_value, range_value, item in reversed(kept):
                if range_value is None:
                    if item is None:
                        table.items.pop(hash_value, None)
                    else:
                        table.items[hash_value] = item
                elif item is None:
                    table.items[hash_value].pop(range_value, None)
                    if not table.items[hash_value]:
                        del table.items[hash_value]
                else:
                    table.items[hash_value][range_value] = item

        def transact_write_items(self: Any, transact_items: list[dict[str, Any]]) -> None:
            kept = named_items(self, transact_items[:100])
            setattr(moto_models, "copy", TablesAsTheyAre)  # noqa: B010 - the module attribute moto looks up
            try:
                original(self, transact_items)
            except BaseException:
                put_back(kept)
                raise
            finally:
                setattr(moto_models, "copy", copy)  # noqa: B010

        moto_models.DynamoDBBackend.transact_write_items = transact_write_items  # type: ignore[method-assign]
        _build_items_in_linear_time()
        _patched = True


def _build_items_in_linear_time() -> None:
    """Make moto build an item in time linear in its attributes, with the same 400 KB check.

    moto (5.x) re-measures the whole item on every attribute it adds, so building an item of n
    attributes costs n² size computations: with our score items that was half of a 500-company
    portfolio's time. Measuring the finished item once is the same check. It patches the fake only.
    """
    from moto.dynamodb.exceptions import ItemSizeTooLarge
    from moto.dynamodb.models import dynamo_type
    from moto.dynamodb.models.utilities import bytesize

    def build(self: Any, hash_key: Any, range_key: Any, attrs: dict[str, Any]) -> None:
        self.hash_key = hash_key
        self.range_key = range_key
        converted = {key: dynamo_type.DynamoType(value) for key, value in attrs.items()}
        size: int = sum(bytesize(key) + value.size() for key, value in converted.items())
        if size > 405000:  # moto's own limit (DynamoDB's 400 KB, as measured by moto)
            raise ItemSizeTooLarge
        self.attrs = dynamo_type.LimitedSizeDict(converted)

    dynamo_type.Item.__init__ = build  # type: ignore[method-assign]


class EmbeddedDynamoDB:
    """A running moto server plus the endpoint URL clients should use."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        from moto.moto_server.werkzeug_app import (
            DomainDispatcherApplication,
            MotoRequestHandler,
            create_backend_app,
        )

        snapshot_each_table_once_per_transaction()
        app = DomainDispatcherApplication(create_backend_app)
        try:
            self._server: BaseWSGIServer = make_server(
                host,
                port,
                _OneAtATime(app),
                threaded=True,
                request_handler=_QuietHandler.wrap(MotoRequestHandler),
            )
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                raise PortInUseError(
                    errno.EADDRINUSE,
                    f"{host}:{port} is already in use (another `make run`?); "
                    "stop it or choose another port with DYNAMODB_PORT",
                ) from None
            raise
        self.host = host
        self.port = self._server.server_port
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="embedded-dynamodb", daemon=True
        )

    @property
    def endpoint_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> EmbeddedDynamoDB:
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread.is_alive():
            self._server.shutdown()
            self._thread.join(timeout=5)
        self._server.server_close()

    def client(self) -> Any:
        return local_client(self.endpoint_url)

    def create_tables(self, template: Template | None = None) -> list[str]:
        """Create every AWS::DynamoDB::Table of the template (keys, indexes, TTL). Idempotent."""
        return create_tables(self.client(), template)

    def environment(self) -> dict[str, str]:
        """Environment variables that point boto3 (and so our handlers) at this server."""
        return dynamodb_environment(self.endpoint_url)


@contextmanager
def embedded_dynamodb(port: int = 0, *, set_environment: bool = True) -> Iterator[EmbeddedDynamoDB]:
    """Start the server with the template's tables; optionally point this process's boto3 at it."""
    server = EmbeddedDynamoDB(port=port).start()
    saved = {key: os.environ.get(key) for key in server.environment()}
    try:
        if set_environment:
            os.environ.update(server.environment())
        server.create_tables()
        yield server
    finally:
        if set_environment:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
        server.stop()


def main(argv: list[str] | None = None) -> int:
    """`python -m devtools.embedded_dynamodb [--port N]`: the embedded AWS on its own, with the
    template's tables, until SIGINT/SIGTERM; a runner started with LOCAL_SHARED_AWS=on and that
    DYNAMODB_PORT uses it, and its state outlives the runner (devtools/localrun/shared_aws.py)."""
    import argparse
    import signal
    import sys

    parser = argparse.ArgumentParser(
        prog="python -m devtools.embedded_dynamodb",
        description="The embedded AWS (moto: DynamoDB, SQS, S3, SNS, ...) on loopback, on its own.",
    )
    parser.add_argument("--port", type=int, default=int(os.environ.get("DYNAMODB_PORT", "8000")))
    args = parser.parse_args(argv)
    stop = threading.Event()
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        server = EmbeddedDynamoDB("127.0.0.1", args.port).start()
    except PortInUseError as error:
        print(f"embedded_dynamodb: {error.strerror}", file=sys.stderr, flush=True)
        return 2
    try:
        server.create_tables()
        print(f"Ready: {server.endpoint_url} (Ctrl-C to stop)", flush=True)
        stop.wait()
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
