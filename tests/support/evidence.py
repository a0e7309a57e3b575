"""An evidence bucket on the embedded moto server, named by EVIDENCE_BUCKET_NAME, and reading it."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from orgair.aws import s3_client
from orgair.settings import get_settings

from devtools.localrun.aws_services import aws_client


def s3(endpoint_url: str) -> Any:
    return aws_client("s3", endpoint_url)


@contextmanager
def evidence_bucket(endpoint_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Any, str]]:
    """A fresh bucket for this test (S3 client and name); emptied and removed after."""
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", endpoint_url)
    s3_client.cache_clear()
    client = s3(endpoint_url)
    name = f"evidence-{uuid.uuid4().hex[:12]}"
    client.create_bucket(Bucket=name)
    monkeypatch.setenv("EVIDENCE_BUCKET_NAME", name)
    get_settings.cache_clear()
    try:
        yield client, name
    finally:
        for version in client.list_object_versions(Bucket=name).get("Versions", []):
            client.delete_object(Bucket=name, Key=version["Key"], VersionId=version["VersionId"])
        client.delete_bucket(Bucket=name)
        s3_client.cache_clear()


def keys(client: Any, bucket: str) -> list[str]:
    return sorted(item["Key"] for item in client.list_objects_v2(Bucket=bucket).get("Contents", []))
