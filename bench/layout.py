"""The Lambda file layout, rebuilt on this machine from `make build`'s output (all under bench/.lambda/).

- `python`: the base Python 3.13 (never a venv's), run as `python -I -S -B`: no site-packages, no
  PYTHON* variables, no user directory; bench/driver.py then sets sys.path as Lambda orders it.
- `runtime` (bench/.runtime/): exactly bench/runtime-requirements.txt (boto3 and its dependencies,
  hash-checked PyPI wheels, no other package), standing for the python3.13 runtime's /var/runtime.
- `opt/python`: the built layer (Lambda mounts it at /opt/python). The build targets arm64; on another
  machine the same versions of its native extensions are added for this machine's architecture.
- `task/<Function>`: each built function (Lambda's /var/task).
- `opt-pinned/python`: the layer plus the runtime's boto3 stack, as if we pinned our own boto3.
- `variants/<name>/python`: the layer as it would be without one of our decisions (no bytecode;
  the Tracer patching every library at init), to measure what each decision is worth.

Every file of the layer and the functions is dated 1980-01-01, as `sam package` zips them.
"""

from __future__ import annotations

import hashlib
import os
import platform
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from devtools.artifacts import LAYER_MOUNT, TASK_ROOT, compile_tree

ROOT = Path(__file__).resolve().parents[1]
LAMBDA_DIR = ROOT / "bench" / ".lambda"
PEER_WORK = ROOT / "bench" / ".peer"
ZIP_EPOCH = 315532800  # 1980-01-01T00:00:00Z, the date `sam package` gives every zipped file
RUNTIME_DIR = ROOT / "bench" / ".runtime"
RUNTIME_LOCK = ROOT / "bench" / "runtime-requirements.txt"
INTERPRETER_FLAGS = ("-I", "-S", "-B")
"""Isolated (no PYTHON* variables, no script or user directory), no `site`, no bytecode writes."""


def peer_source() -> Path:
    """The FastAPI + Mangum peer (shared/ beside the clone, or ORGAIR_PEER_DIR)."""
    configured = os.environ.get("ORGAIR_PEER_DIR")
    if configured:
        return Path(configured)
    for candidate in (ROOT.parent / "shared" / "bench" / "peer", Path("/work/shared/bench/peer")):
        if (candidate / "app.py").is_file():
            return candidate
    return ROOT.parent / "shared" / "bench" / "peer"


@dataclass
class Layout:
    python: Path
    runtime: Path
    layer: Path
    pinned_layer: Path
    tasks: dict[str, Path] = field(default_factory=dict)
    variant_layers: dict[str, Path] = field(default_factory=dict)
    peer_task: Path | None = None
    peer_site: Path | None = None
    notes: list[str] = field(default_factory=list)

    def pythonpath(self, task: Path, layer: Path | None = None) -> str:
        """The entries bench/driver.py puts on sys.path, as Lambda orders them: the function, the
        layer, then (after the standard library) the runtime's packages."""
        return os.pathsep.join(str(path) for path in (task, layer or self.layer, self.runtime))

    def peer_pythonpath(self) -> str:
        assert self.peer_task is not None
        assert self.peer_site is not None
        return os.pathsep.join(str(path) for path in (self.peer_task, self.peer_site, self.runtime))


def _pip(*args: str) -> None:
    command = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *args]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)


def date_like_sam_zip(root: Path) -> None:
    for path in [root, *root.rglob("*")]:
        os.utime(path, (ZIP_EPOCH, ZIP_EPOCH), follow_symlinks=False)


def _interpreter() -> Path:
    """The base interpreter behind this venv (sys._base_executable): nothing installed in any venv
    can reach it, and `-I -S` keeps its own site-packages off sys.path."""
    return Path(getattr(sys, "_base_executable", sys.executable))


def runtime_dir(lock: Path = RUNTIME_LOCK) -> Path:
    """Where the runtime's packages of this lock are installed (one directory per lock content)."""
    return RUNTIME_DIR / hashlib.sha256(lock.read_bytes()).hexdigest()[:16]


def _runtime() -> Path:
    target = runtime_dir()
    marker = target / ".complete"
    if not marker.exists():
        shutil.rmtree(target, ignore_errors=True)
        _pip(
            "--no-deps",
            "--require-hashes",
            "--only-binary=:all:",
            "--target",
            str(target),
            "-r",
            str(RUNTIME_LOCK),
        )
        shutil.rmtree(target / "bin", ignore_errors=True)
        compile_tree(target, "/var/runtime")
        date_like_sam_zip(target)
        marker.touch()
    return target


def _foreign_extensions(site: Path) -> dict[str, str]:
    """Distributions (name -> version) whose native extensions are built for another architecture."""
    machine = platform.machine()
    foreign = {path for path in site.rglob("*.so") if "-linux-gnu" in path.name and machine not in path.name}
    wanted: dict[str, str] = {}
    for dist_info in site.glob("*.dist-info"):
        record = dist_info / "RECORD"
        if not record.is_file():
            continue
        files = {site / line.split(",", 1)[0] for line in record.read_text(encoding="utf-8").splitlines()}
        if files & foreign:
            name, version = dist_info.name.removesuffix(".dist-info").rsplit("-", 1)
            wanted[name] = version
    return wanted


def _layer(build_dir: Path, notes: list[str]) -> Path:
    source = build_dir / "SharedLayer" / "python"
    if not source.is_dir():
        raise SystemExit(f"{source} is missing: run `make build` first")
    target = LAMBDA_DIR / "opt" / "python"
    shutil.rmtree(target.parent, ignore_errors=True)
    shutil.copytree(source, target, symlinks=True)
    foreign = _foreign_extensions(target)
    if foreign:
        overlay = LAMBDA_DIR / "overlay"
        shutil.rmtree(overlay, ignore_errors=True)
        pins = [f"{name}=={version}" for name, version in sorted(foreign.items())]
        _pip("--no-deps", "--only-binary=:all:", "--target", str(overlay), *pins)
        for extension in overlay.rglob("*.so"):
            destination = target / extension.relative_to(overlay)
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(extension, destination)
        shutil.rmtree(overlay)
        notes.append(
            f"The build targets arm64; this machine is {platform.machine()}, so the same versions of "
            f"{', '.join(pins)} had their {platform.machine()} extension modules added to the copied layer."
        )
    date_like_sam_zip(target.parent)
    return target


def _pinned_layer(layer: Path, runtime: Path) -> Path:
    target = LAMBDA_DIR / "opt-pinned" / "python"
    shutil.rmtree(target.parent, ignore_errors=True)
    shutil.copytree(layer, target, symlinks=True)
    for entry in runtime.iterdir():
        if entry.name in {"bin", ".complete", "__pycache__"}:
            continue
        destination = target / entry.name
        if entry.is_dir():
            shutil.copytree(entry, destination, symlinks=True, dirs_exist_ok=True)
        else:
            shutil.copy2(entry, destination)
    compile_tree(target.parent, LAYER_MOUNT)
    date_like_sam_zip(target.parent)
    return target


AUTO_PATCH_OFF = "Tracer(service=self.service, auto_patch=False)"
TRACER_AT_IMPORT = "\ntracer.get()  # bench variant: the Tracer (and the X-Ray SDK) built at import\n"


def without_bytecode(source: Path, target: Path) -> Path:
    """A copy of `source` with no .pyc at all, as plain `sam build` ships it."""
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(source, target, symlinks=True, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    date_like_sam_zip(target)
    return target


def _variant_layers(layer: Path, notes: list[str]) -> dict[str, Path]:
    variants: dict[str, Path] = {}
    root = LAMBDA_DIR / "variants"
    shutil.rmtree(root, ignore_errors=True)
    variants["no bytecode"] = without_bytecode(layer, root / "no-bytecode" / "python")
    text = (layer / "orgair" / "observability.py").read_text(encoding="utf-8")
    if AUTO_PATCH_OFF not in text:
        notes.append(
            "orgair/observability.py no longer creates its Tracer as measured here; variants skipped."
        )
        return variants
    edits = {
        "Tracer at import": text + TRACER_AT_IMPORT,
        "Tracer auto-patching at import": text.replace(AUTO_PATCH_OFF, "Tracer(service=self.service)")
        + TRACER_AT_IMPORT,
    }
    for name, edited in edits.items():
        patched = root / name.lower().replace(" ", "-") / "python"
        shutil.copytree(layer, patched, symlinks=True)
        (patched / "orgair" / "observability.py").write_text(edited, encoding="utf-8")
        compile_tree(patched.parent, LAYER_MOUNT)
        date_like_sam_zip(patched.parent)
        variants[name] = patched
    return variants


def _tasks(build_dir: Path, function_ids: list[str]) -> dict[str, Path]:
    tasks: dict[str, Path] = {}
    shutil.rmtree(LAMBDA_DIR / "task", ignore_errors=True)
    for logical_id in function_ids:
        source = build_dir / logical_id
        if not source.is_dir():
            continue
        target = LAMBDA_DIR / "task" / logical_id
        shutil.copytree(source, target, symlinks=True)
        date_like_sam_zip(target)
        tasks[logical_id] = target
    return tasks


def _peer(notes: list[str]) -> tuple[Path | None, Path | None]:
    """The peer in its own --target dir from its requirements.txt, compiled like ours, dated 1980."""
    source = peer_source()
    requirements = source / "requirements.txt"
    if not (source / "app.py").is_file() or not requirements.is_file():
        notes.append(f"The FastAPI + Mangum peer was not found at {source}; its figures are missing.")
        return None, None
    digest = hashlib.sha256(requirements.read_bytes()).hexdigest()[:16]
    site = PEER_WORK / f"site-{digest}"
    if not (site / ".complete").exists():
        shutil.rmtree(site, ignore_errors=True)
        try:
            _pip("--target", str(site), "-r", str(requirements))
        except subprocess.CalledProcessError as error:
            notes.append(
                f"The peer's requirements did not install (pip exit status {error.returncode}); no peer figures."
            )
            return None, None
        compile_tree(site, LAYER_MOUNT)
        date_like_sam_zip(site)
        (site / ".complete").touch()
    task = PEER_WORK / "task"
    shutil.rmtree(task, ignore_errors=True)
    task.mkdir(parents=True)
    shutil.copy2(source / "app.py", task / "app.py")
    compile_tree(task, TASK_ROOT)
    date_like_sam_zip(task)
    notes.append(
        f"Peer: {source}/requirements.txt installed with pip into bench/.peer/ (a --target dir with its own "
        "boto3, as its zip would ship), app.py copied beside it; both compiled to unchecked-hash bytecode "
        "and dated 1980-01-01 like ours."
    )
    return task, site


def prepare(build_dir: Path, function_ids: list[str]) -> Layout:
    """Build (or refresh) every directory the cold-start runs need."""
    LAMBDA_DIR.mkdir(parents=True, exist_ok=True)
    (LAMBDA_DIR / "home").mkdir(exist_ok=True)
    notes: list[str] = []
    python = _interpreter()
    runtime = _runtime()
    layer = _layer(build_dir, notes)
    layout = Layout(
        python=python,
        runtime=runtime,
        layer=layer,
        pinned_layer=_pinned_layer(layer, runtime),
        tasks=_tasks(build_dir, function_ids),
        variant_layers=_variant_layers(layer, notes),
        notes=notes,
    )
    layout.peer_task, layout.peer_site = _peer(notes)
    return layout
