"""The case file's storages: every test that takes ``casefile_storage`` runs on the local
filesystem and — when an S3-compatible server is given (COUNTERHALL_TEST_S3_ENDPOINT, which
.ci/run sets after starting moto in server mode) — against that object store."""

import os
import uuid

import pytest

S3_ENDPOINT = os.environ.get("COUNTERHALL_TEST_S3_ENDPOINT", "")


def s3_options(endpoint: str, bucket: str) -> dict:
    from botocore.config import Config

    return {
        "bucket_name": bucket,
        "endpoint_url": endpoint,
        "access_key": os.environ.get("AWS_ACCESS_KEY_ID", "testing"),
        "secret_key": os.environ.get("AWS_SECRET_ACCESS_KEY", "testing"),
        "region_name": os.environ.get("AWS_S3_REGION_NAME", "us-east-1"),
        "default_acl": None,
        "file_overwrite": False,
        "client_config": Config(
            connect_timeout=2, read_timeout=5, retries={"max_attempts": 1, "mode": "standard"}
        ),
    }


@pytest.fixture(params=["filesystem", "s3"])
def casefile_storage(request, settings, tmp_path):
    """``"filesystem"`` or ``"s3"`` (a fresh bucket on the S3-compatible test server)."""
    if request.param == "s3":
        if not S3_ENDPOINT:
            pytest.skip(
                "no S3-compatible server: set COUNTERHALL_TEST_S3_ENDPOINT (.ci/run starts moto)"
            )
        import boto3

        bucket = f"casefile-{uuid.uuid4().hex[:12]}"
        options = s3_options(S3_ENDPOINT, bucket)
        boto3.client(
            "s3",
            endpoint_url=S3_ENDPOINT,
            aws_access_key_id=options["access_key"],
            aws_secret_access_key=options["secret_key"],
            region_name=options["region_name"],
        ).create_bucket(Bucket=bucket)
        settings.STORAGES = {
            **settings.STORAGES,
            "casefile": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options},
        }
    return request.param


def stored_names(storage) -> list[str]:
    """Every file name in the storage (walking directories)."""
    names: list[str] = []

    def walk(path: str) -> None:
        try:
            dirs, files = storage.listdir(path)
        except FileNotFoundError:
            return
        names.extend(f"{path}/{f}".lstrip("/") for f in files)
        for d in dirs:
            walk(f"{path}/{d}".lstrip("/"))

    walk("")
    return sorted(names)
