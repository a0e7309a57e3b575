"""Finish `sam build` output for Lambda: `make build` runs this right after `sam build`.

Two things `sam build` does not do and a cold start pays for:

- The layer gets boto3's stack because aws-xray-sdk depends on botocore. The python3.13 runtime
  already provides boto3, botocore, s3transfer, jmespath, python-dateutil, six and urllib3; a second
  copy costs ~30 MB of the layer and shadows the runtime's tested set, so it is removed.
- `sam build` ships no bytecode and `sam package` zips every file dated 1980-01-01, so Lambda, whose
  code directories are read-only, compiles every imported module at every cold start. We ship
  `unchecked-hash` .pyc files: valid whatever the files' dates, never checked against the source.
  The code object's file names are the paths Lambda mounts (/opt/python, /var/task) so tracebacks
  read as they would without bytecode.

OpenApiFunction serves two static files of Swagger UI (only where docs are enabled). The function
declares no requirements; this step copies just those two files from the swagger-ui-py installed in
the build's venv (pinned in pyproject.toml) into the built function's `swagger-ui/`, instead of the
package and its dependencies (jinja2, PyYAML, packaging: ~30 MB with a stray `test/` package).

It also reads the layer's lock (layers/shared/requirements.txt, written by `make lock`) and the
distributions a directory holds, so tests can prove the layer ships, and the test venv runs, exactly
the locked versions.
"""

from __future__ import annotations

import argparse
import compileall
import importlib.util
import py_compile
import re
import shutil
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from packaging.markers import Marker
from packaging.requirements import Requirement

from devtools.template import ROOT, load_template

LAYER_MOUNT = "/opt"
TASK_ROOT = "/var/task"
RUNTIME_PROVIDED = frozenset(
    {"boto3", "botocore", "s3transfer", "jmespath", "python-dateutil", "six", "urllib3"}
)
"""Distributions the Lambda python3.13 runtime ships (boto3 and its dependencies)."""
LAYER_LOCK = ROOT / "layers" / "shared" / "requirements.txt"
LAMBDA_MARKER_ENVIRONMENT = {
    "python_version": "3.13",
    "platform_machine": "aarch64",
    "sys_platform": "linux",
    "platform_system": "Linux",
    "os_name": "posix",
    "implementation_name": "cpython",
    "platform_python_implementation": "CPython",
}
"""PEP 508 marker values of the Lambda runtime the layer is built for (python3.13 on arm64)."""


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _distribution_name(dist_info: Path) -> str:
    """`python_dateutil-2.9.0.post0.dist-info` -> `python-dateutil` (PEP 503 normalised)."""
    return _normalise(dist_info.name.removesuffix(".dist-info").rsplit("-", 1)[0])


@dataclass(frozen=True)
class LockedPin:
    """One entry of the lock: an exact version, the hashes pip must check, and where it applies."""

    name: str
    version: str
    hashes: tuple[str, ...]
    marker: Marker | None

    def applies(self, environment: Mapping[str, str] | None = None) -> bool:
        """Whether the entry is installed there (the running interpreter when `environment` is None)."""
        return self.marker is None or self.marker.evaluate(dict(environment) if environment else None)


def read_lock(path: Path = LAYER_LOCK) -> list[LockedPin]:
    """The lock's entries; ValueError for any that is not one `name==version` with its hashes."""
    logical: list[str] = []
    pending = ""
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].rstrip()
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        pending += line
        if pending.strip():
            logical.append(pending.strip())
        pending = ""
    pins: list[LockedPin] = []
    for entry in logical:
        words = entry.split()
        hashes = tuple(word.removeprefix("--hash=") for word in words if word.startswith("--hash="))
        requirement = Requirement(" ".join(word for word in words if not word.startswith("--hash=")))
        specifiers = list(requirement.specifier)
        if len(specifiers) != 1 or specifiers[0].operator != "==" or "*" in specifiers[0].version:
            raise ValueError(f"{path}: {requirement.name} is not pinned to one exact version")
        if not hashes:
            raise ValueError(f"{path}: {requirement.name} has no hash")
        pins.append(
            LockedPin(_normalise(requirement.name), specifiers[0].version, hashes, requirement.marker)
        )
    return pins


def installed_versions(site: Path) -> dict[str, list[str]]:
    """Each distribution in `site` (PEP 503 name) to the versions of its .dist-info directories."""
    versions: dict[str, list[str]] = {}
    for dist_info in sorted(site.glob("*.dist-info")):
        version = dist_info.name.removesuffix(".dist-info").rsplit("-", 1)[1]
        versions.setdefault(_distribution_name(dist_info), []).append(version)
    return versions


def version_mismatches(expected: Mapping[str, str], installed: Mapping[str, list[str]]) -> list[str]:
    """Every way `installed` differs from `expected` (name -> exact version), one line each."""
    problems: list[str] = []
    for name, version in sorted(expected.items()):
        found = installed.get(name, [])
        if not found:
            problems.append(f"{name}: locked {version}, not installed")
        elif found != [version]:
            problems.append(f"{name}: locked {version}, installed {', '.join(found)}")
    return problems


def prune_runtime_provided(site: Path, names: Iterable[str] = RUNTIME_PROVIDED) -> list[str]:
    """Remove every file of the named distributions (as their RECORD lists them) from `site`."""
    wanted = {_normalise(name) for name in names}
    removed: list[str] = []
    for dist_info in sorted(site.glob("*.dist-info")):
        if _distribution_name(dist_info) not in wanted:
            continue
        record = dist_info / "RECORD"
        touched: set[Path] = set()
        if record.is_file():
            for line in record.read_text(encoding="utf-8").splitlines():
                relative = line.split(",", 1)[0]
                if not relative:
                    continue
                path = (site / relative).resolve()
                if site.resolve() not in path.parents:
                    continue
                touched.add(path.parent)
                path.unlink(missing_ok=True)
        for directory in sorted(touched, key=lambda item: len(item.parts), reverse=True):
            while directory != site.resolve() and directory.is_dir() and not any(directory.iterdir()):
                directory.rmdir()
                directory = directory.parent
        shutil.rmtree(dist_info, ignore_errors=True)
        removed.append(_distribution_name(dist_info))
    return removed


def compile_tree(root: Path, mount: str) -> bool:
    """Write plain (optimisation 0) unchecked-hash .pyc files for every .py under `root`."""
    for stale in root.rglob("*.pyc"):
        stale.unlink()
    return bool(
        compileall.compile_dir(
            root,
            ddir=mount,
            quiet=1,
            workers=0,
            optimize=0,
            invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH,
        )
    )


VENDORED_FILES: Mapping[str, tuple[str, str, tuple[str, ...], str]] = {
    "OpenApiFunction": ("swagger_ui", "static", ("swagger-ui.css", "swagger-ui-bundle.js"), "swagger-ui"),
}
"""Built function -> (installed package, its directory, the files it ships, where they go in the function)."""


def vendor_files(function: Path) -> list[str]:
    """Copy the files `VENDORED_FILES` names for this built function; what was copied."""
    entry = VENDORED_FILES.get(function.name)
    if entry is None:
        return []
    package, subdirectory, names, destination = entry
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(f"{package} is not installed in the build's venv (make venv)")
    source = Path(next(iter(spec.submodule_search_locations))) / subdirectory
    target = function / destination
    target.mkdir(parents=True, exist_ok=True)
    for name in names:
        shutil.copyfile(source / name, target / name)
    return [f"{destination}/{name}" for name in names]


def artifact_dirs(build_dir: Path) -> tuple[list[Path], list[Path]]:
    """The built layers and functions (zip packages) named by the built template."""
    template = load_template(build_dir / "template.yaml")
    layers: list[Path] = []
    functions: list[Path] = []
    for resource in template.get("Resources", {}).values():
        properties = resource.get("Properties") or {}
        if resource.get("Type") == "AWS::Serverless::LayerVersion":
            uri = properties.get("ContentUri")
            if isinstance(uri, str):
                layers.append(build_dir / uri)
        elif resource.get("Type") == "AWS::Serverless::Function" and properties.get("PackageType") != "Image":
            uri = properties.get("CodeUri")
            if isinstance(uri, str):
                functions.append(build_dir / uri)
    return layers, sorted(set(functions))


def finish(build_dir: Path) -> list[str]:
    """Prune and compile every artifact of `build_dir`; the failures, if any."""
    if sys.version_info[:2] != (3, 13):
        return [
            f"bytecode must be compiled by Python 3.13 (the Lambda runtime), not {sys.version.split()[0]}"
        ]
    failures: list[str] = []
    layers, functions = artifact_dirs(build_dir)
    for layer in layers:
        site = layer / "python"
        if site.is_dir():
            removed = prune_runtime_provided(site)
            print(f"{layer.name}: removed runtime-provided {', '.join(removed) or 'nothing'}")
        if not compile_tree(layer, LAYER_MOUNT):
            failures.append(f"{layer}: some modules do not compile")
    for function in functions:
        vendored = vendor_files(function)
        if vendored:
            print(f"{function.name}: vendored {', '.join(vendored)}")
        if not compile_tree(function, TASK_ROOT):
            failures.append(f"{function}: some modules do not compile")
    print(f"compiled {len(layers)} layer(s) and {len(functions)} function(s) to unchecked-hash bytecode")
    return failures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("build_dir", type=Path, nargs="?", default=Path(".aws-sam/build"))
    args = parser.parse_args(argv)
    failures = finish(args.build_dir)
    for failure in failures:
        print(failure, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
