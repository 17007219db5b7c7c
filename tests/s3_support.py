"""An S3-compatible endpoint for the upload-store tests: moto's server mode on a free port,
spoken to over HTTP exactly as MinIO or Ceph would be (``S3_ENDPOINT_URL``)."""
from __future__ import annotations

import secrets

import boto3
import pytest
from moto.server import ThreadedMotoServer

from tests.helpers import free_port

# moto accepts any credentials; the region is the one S3-compatible stores usually take.
KEYS = {"S3_REGION": "us-east-1", "S3_ACCESS_KEY_ID": "testing", "S3_SECRET_ACCESS_KEY": "testing"}


@pytest.fixture(scope="module")
def s3_endpoint():
    """One moto S3 server for the module."""
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


def new_bucket(endpoint: str):
    """A fresh, empty bucket: ``(boto3 client, bucket name)``."""
    name = f"chat-{secrets.token_hex(6)}"
    client = boto3.client("s3", endpoint_url=endpoint, region_name=KEYS["S3_REGION"],
                          aws_access_key_id=KEYS["S3_ACCESS_KEY_ID"],
                          aws_secret_access_key=KEYS["S3_SECRET_ACCESS_KEY"])
    client.create_bucket(Bucket=name)
    return client, name


def stored_keys(bucket) -> set[str]:
    client, name = bucket
    return {item["Key"] for item in client.list_objects_v2(Bucket=name).get("Contents", [])}
