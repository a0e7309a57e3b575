"""The TypeScript types `make clients` generates compile (`tsc --noEmit`, strict) in a small typed
example calling createScore on both stages, and they really constrain callers: a body with a
confidence level outside the allowed values, or without dimensions, does not compile."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from devtools.clients import TYPESCRIPT_DIR

TSC = TYPESCRIPT_DIR / "node_modules" / ".bin" / "tsc"


def _tsc(project: Path) -> subprocess.CompletedProcess[str]:
    if not TSC.is_file():
        pytest.fail("TypeScript is not installed: run `make clients-tools` (npm ci in clients/typescript)")
    return subprocess.run(
        [str(TSC), "--noEmit", "-p", str(project)], check=False, capture_output=True, text=True, timeout=120
    )


def test_the_typed_createscore_example_compiles_for_both_stages() -> None:
    compiled = _tsc(TYPESCRIPT_DIR)

    assert compiled.returncode == 0, compiled.stdout + compiled.stderr


@pytest.mark.parametrize(
    ("body", "complaint"),
    [
        ('{company_id: "acme", sector: "technology", dimensions, confidence_level: 0.5}', "0.5"),
        ('{company_id: "acme", sector: "technology"}', "dimensions"),
    ],
)
def test_a_createscore_body_the_api_refuses_does_not_compile(
    tmp_path: Path, body: str, complaint: str
) -> None:
    (tmp_path / "wrong.ts").write_text(
        f'import type {{ operations }} from "{TYPESCRIPT_DIR / "orgair-api-v2"}";\n'
        'type Body = operations["createScore"]["requestBody"]["content"]["application/json"];\n'
        "const dimensions = {data_infrastructure: 1, ai_governance: 1, technology_stack: 1, talent: 1,"
        " leadership: 1, use_case_portfolio: 1, culture: 1};\n"
        f"export const body: Body = {body};\n",
        encoding="utf-8",
    )
    options = json.loads((TYPESCRIPT_DIR / "tsconfig.json").read_text(encoding="utf-8"))["compilerOptions"]
    (tmp_path / "tsconfig.json").write_text(
        json.dumps({"compilerOptions": options, "files": ["wrong.ts"]}), encoding="utf-8"
    )

    compiled = _tsc(tmp_path)

    assert compiled.returncode != 0
    assert complaint in compiled.stdout
