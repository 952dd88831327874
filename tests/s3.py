"""A real S3-compatible server for tests: moto's ThreadedMotoServer over HTTP."""

from __future__ import annotations

import os
import socket
from typing import Any

BUCKET = "session-replay-tests"
CREDENTIALS = {"access_key": "testing", "secret_key": "testing", "region_name": "us-east-1"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def start_server() -> str:
    from moto.server import ThreadedMotoServer

    port = free_port()
    ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False).start()
    return f"http://127.0.0.1:{port}"


def client(endpoint: str) -> Any:
    import boto3

    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id=CREDENTIALS["access_key"],
        aws_secret_access_key=CREDENTIALS["secret_key"],
        region_name=CREDENTIALS["region_name"],
    )


def create_bucket(endpoint: str, bucket: str = BUCKET) -> None:
    s3 = client(endpoint)
    if bucket not in {b["Name"] for b in s3.list_buckets().get("Buckets", [])}:
        s3.create_bucket(Bucket=bucket)


def list_keys(endpoint: str, bucket: str = BUCKET) -> list[str]:
    pages = client(endpoint).get_paginator("list_objects_v2").paginate(Bucket=bucket)
    return [item["Key"] for page in pages for item in page.get("Contents", [])]


def empty_bucket(endpoint: str, bucket: str = BUCKET) -> None:
    s3 = client(endpoint)
    for key in list_keys(endpoint, bucket):
        s3.delete_object(Bucket=bucket, Key=key)


def storage_settings(endpoint: str, bucket: str = BUCKET) -> dict[str, Any]:
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {"bucket_name": bucket, "endpoint_url": endpoint, "file_overwrite": True}
        | CREDENTIALS,
    }


def endpoint_from_env_or_start() -> str:
    """Reuse S3_ENDPOINT_URL (so child processes share one server) or start one."""
    endpoint = os.environ.get("S3_ENDPOINT_URL") or start_server()
    os.environ["S3_ENDPOINT_URL"] = endpoint
    create_bucket(endpoint)
    return endpoint
