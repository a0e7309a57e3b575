"""One Lambda execution environment, emulated: run by a fresh interpreter with the built artifact layout.

Run as `python -I -S -B driver.py spec.json` (bench/layout.py): nothing but the standard library is
importable until the driver puts BENCH_SYS_PATH on sys.path as Lambda orders it: the function
(/var/task) and the layer (/opt/python) before the standard library, the runtime's packages
(/var/runtime, the last entry) after it. At exit it reports sys.path and every loaded module whose
file lies outside those directories and the standard library (there must be none).

Standard library only, and nothing imported before the handler that the handler would not import
itself, so what it times is the cold start. It reads a JSON spec (argv[1]), imports the handler,
serves the first event, optionally serves warm events (with botocore hooks timing and counting the
DynamoDB calls) or scores companies with the pure library, writes a JSON result and exits with
`os._exit` so interpreter teardown is not timed.
"""

import time

T_START = time.perf_counter_ns()

import importlib  # noqa: E402 - after the first timestamp on purpose
import json  # noqa: E402
import os  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402
import threading  # noqa: E402
import uuid  # noqa: E402
from typing import Any  # noqa: E402


def _lambda_sys_path() -> None:
    entries = [entry for entry in os.environ.get("BENCH_SYS_PATH", "").split(os.pathsep) if entry]
    if entries:
        sys.path[0:0] = entries[:-1]
        sys.path.append(entries[-1])


_SELF = os.path.realpath(__file__)
_STDLIB = tuple(entry for entry in sys.path if entry)
_lambda_sys_path()
_ALLOWED = tuple(entry for entry in sys.path if entry)


def modules_outside() -> list[str]:
    """Loaded modules whose file is in none of the allowed directories (standard library, function,
    layer, runtime); built-in and frozen modules have no file and are part of the interpreter."""
    roots = tuple(os.path.join(os.path.realpath(entry), "") for entry in _ALLOWED)
    outside = []
    for name, module in list(sys.modules.items()):
        path = getattr(module, "__file__", None)
        if path and os.path.realpath(path) == _SELF:  # this driver, standing for Lambda's bootstrap
            continue
        if path and not os.path.realpath(path).startswith(roots):
            outside.append(f"{name}: {path}")
    return sorted(outside)


WATCHED = (
    "boto3",
    "botocore.client",
    "httpx",
    "pydantic_settings",
    "aws_xray_sdk.core",
    "concurrent.futures",
)
"""Heavy or optional packages whose presence after the handler's import is worth reporting."""


class Context:
    """The attributes of the Python runtime's context object that handlers and Powertools read."""

    def __init__(self, function_name: str, memory_mb: str) -> None:
        self.function_name = function_name
        self.function_version = "$LATEST"
        self.memory_limit_in_mb = memory_mb
        self.invoked_function_arn = f"arn:aws:lambda:us-east-1:123456789012:function:{function_name}"
        self.aws_request_id = str(uuid.uuid4())
        self.log_group_name = f"/aws/lambda/{function_name}"
        self.log_stream_name = "2026/01/01/[$LATEST]bench"
        self.client_context = None
        self.identity = None

    def get_remaining_time_in_millis(self) -> int:
        return 10_000


def _union_ns(intervals: list[tuple[int, int]]) -> int:
    """Wall time covered by at least one of the intervals (concurrent calls count once)."""
    total, reach = 0, 0
    for start, end in sorted(intervals):
        if end <= reach:
            continue
        total += end - max(start, reach)
        reach = end
    return total


class DynamoDBProbe:
    """botocore hooks: DynamoDB calls per request, their operations, wall time and concurrency.

    A call's client time runs from `provide-client-params` (the client method was entered:
    validation, serialisation, signing, the HTTP exchange, parsing) to `after-call`; its wire time
    from `before-send` (the signed request leaves) to `after-call`. Calls are counted on `before-call`.
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.local = threading.local()
        self.calls: list[str] = []
        self.client: list[tuple[int, int]] = []
        self.wire: list[tuple[int, int]] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self.captured: list[tuple[str, dict[str, Any]]] | None = None

    def reset(self) -> None:
        with self.lock:
            self.calls = []
            self.client = []
            self.wire = []
            self.max_in_flight = 0

    def entered(self, context: dict[str, Any], model: Any, params: dict[str, Any], **_: Any) -> None:
        context["bench_entered_ns"] = time.perf_counter_ns()
        if self.captured is not None:
            import copy

            from botocore import xform_name

            with self.lock:
                self.captured.append((xform_name(str(model.name)), _literal(copy.deepcopy(params))))

    def before_call(self, model: Any, **_: Any) -> None:
        with self.lock:
            self.calls.append(str(model.name))
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)

    def before_send(self, **_: Any) -> None:
        self.local.sent_ns = time.perf_counter_ns()

    def after_call(self, context: dict[str, Any], **_: Any) -> None:
        ended = time.perf_counter_ns()
        sent = int(getattr(self.local, "sent_ns", ended))
        with self.lock:
            self.in_flight -= 1
            self.client.append((int(context.get("bench_entered_ns", sent)), ended))
            self.wire.append((sent, ended))

    def client_ns(self) -> int:
        return _union_ns(self.client)

    def wire_ns(self) -> int:
        return _union_ns(self.wire)

    def install(self) -> None:
        import boto3

        boto3.setup_default_session()
        events = boto3.DEFAULT_SESSION.events  # type: ignore[union-attr]
        events.register("provide-client-params.dynamodb", self.entered)
        events.register("before-call.dynamodb", self.before_call)
        events.register("before-send.dynamodb", self.before_send)
        events.register("after-call.dynamodb", self.after_call)
        events.register("after-call-error.dynamodb", self.after_call)


def _literal(value: Any) -> Any:
    """The parameters as Python literals (their repr is code the floor runs): a str subclass such as
    a StrEnum member, which botocore sends as its text, becomes that text; tuples become lists."""
    if isinstance(value, dict):
        return {_literal(key): _literal(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_literal(item) for item in value]
    if isinstance(value, str):
        return str(value)
    if isinstance(value, bytes | bytearray):
        return bytes(value)
    return value


def peak_rss_kb() -> int:
    """This process's own peak RSS (VmHWM). ru_maxrss would also count the parent it was forked from."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def _trace_header() -> str:
    root = f"1-{int(time.time()):08x}-{uuid.uuid4().hex[:24]}"
    return f"Root={root};Parent={uuid.uuid4().hex[:16]};Sampled=1"


def _invoke(handler: Any, text: str, spec: dict[str, Any], unique: tuple[str, ...] = ()) -> tuple[int, Any]:
    """One invocation as the runtime does it: fresh trace header and context, event parsed from JSON.

    Headers named in `unique` (an Idempotency-Key) get a new value, so each request is a new one.
    """
    os.environ["_X_AMZN_TRACE_ID"] = _trace_header()
    event = json.loads(text)
    for name in unique:
        value = uuid.uuid4().hex
        event["headers"][name] = value
        event["multiValueHeaders"][name] = [value]
    context = Context(spec["function_name"], spec.get("memory_mb", "512"))
    started = time.perf_counter_ns()
    try:
        response = handler(event, context)
    except Exception as error:  # an authorizer's deny is an exception; the status says so
        response = {"statusCode": f"raised {type(error).__name__}: {error}"}
    return time.perf_counter_ns() - started, response


def _status(response: Any) -> Any:
    if isinstance(response, dict):
        return response.get("statusCode", "ok" if "policyDocument" in response else None)
    return None


def _warm(handler: Any, spec: dict[str, Any], probe: DynamoDBProbe | None) -> dict[str, Any]:
    results: dict[str, Any] = {}
    for item in spec.get("warm", []):
        text = json.dumps(item["event"])
        unique = tuple(item.get("unique_headers", ()))
        for _ in range(item.get("warmup", 10)):
            _invoke(handler, text, spec, unique)
        totals, client, wire, calls, statuses = [], [], [], [], []
        operations: list[str] = []
        max_in_flight = 0
        for index in range(item["iterations"]):
            if probe is not None:
                probe.reset()
            elapsed, response = _invoke(handler, text, spec, unique)
            totals.append(elapsed)
            statuses.append(_status(response))
            if probe is not None:
                client.append(probe.client_ns())
                wire.append(probe.wire_ns())
                calls.append(len(probe.calls))
                max_in_flight = max(max_in_flight, probe.max_in_flight)
                if index == 0:
                    operations = list(probe.calls)
        results[item["name"]] = {
            "total_ns": totals,
            "dynamodb_ns": client,
            "wire_ns": wire,
            "calls": calls,
            "operations": operations,
            "max_in_flight": max_in_flight,
            "statuses": sorted({str(status) for status in statuses}),
            "peak_rss_kb": peak_rss_kb(),
            "body_sample": _body(response),
        }
    return results


def _body(response: Any) -> str:
    if isinstance(response, dict):
        return str(response.get("body") or "")[:400]
    return ""


def _library(spec: dict[str, Any]) -> dict[str, Any]:
    """Companies scored per second by `orgair.scoring.score_company` on this one core."""
    from orgair.scoring import DEFAULT_PARAMETERS, CompanyScoreInput, parse_company_input, score_company

    raw = spec["library"]["companies"]
    seconds = float(spec["library"]["seconds"])
    companies = [CompanyScoreInput.model_validate(item) for item in raw]
    result: dict[str, Any] = {}

    def scored() -> None:
        for company in companies:
            score_company(company, DEFAULT_PARAMETERS, "v2.0")

    def parsed_and_scored() -> None:
        for item in raw:
            score_company(parse_company_input(item), DEFAULT_PARAMETERS, "v2.0")

    for name, work in (("score_company", scored), ("parse_and_score", parsed_and_scored)):
        work()
        done, started = 0, time.perf_counter()
        while time.perf_counter() - started < seconds:
            work()
            done += len(companies)
        result[name] = done / (time.perf_counter() - started)
    return result


def main() -> None:
    with open(sys.argv[1], encoding="utf-8") as handle:
        spec = json.load(handle)
    probe = DynamoDBProbe() if spec.get("hooks") else None
    if probe is not None:
        probe.install()
    out: dict[str, Any] = {"t_start_ns": T_START}
    if spec["mode"] == "floor":
        namespace: dict[str, Any] = {}
        exec(spec["code"], namespace)  # noqa: S102 - the benchmark's own floor statement
        out["t_imported_ns"] = time.perf_counter_ns()
        if spec.get("first_code"):
            exec(spec["first_code"], namespace)  # noqa: S102 - the floor's first DynamoDB calls
        out["t_first_ns"] = time.perf_counter_ns()
    else:
        module_name, attribute = spec["handler"].rsplit(".", 1)
        module = importlib.import_module(module_name)
        handler = getattr(module, attribute)
        out["t_imported_ns"] = time.perf_counter_ns()
        out["loaded_at_import"] = [name for name in WATCHED if name in sys.modules]
        if spec.get("first_event") is not None:
            if probe is not None and spec.get("capture"):
                probe.captured = []
            _, response = _invoke(handler, json.dumps(spec["first_event"]), spec)
            out["first_status"] = _status(response)
            out["first_body"] = _body(response)
            if probe is not None and probe.captured is not None:
                # repr: the parameters may hold bytes; run.py writes the literal into the floor's code
                out["first_calls"] = repr(probe.captured)
                out["first_calls_max_in_flight"] = probe.max_in_flight
                probe.captured = None
        out["t_first_ns"] = time.perf_counter_ns()
        out["rss_kb"] = peak_rss_kb()
        if spec.get("warm"):
            out["warm"] = _warm(handler, spec, probe)
    if spec.get("library"):
        out["library"] = _library(spec)
    out.setdefault("rss_kb", peak_rss_kb())
    out["sys_path"] = list(sys.path)
    out["stdlib_path"] = list(_STDLIB)
    out["outside_modules"] = modules_outside()
    with open(spec["out"], "w", encoding="utf-8") as handle:
        json.dump(out, handle)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
