from __future__ import annotations

import uuid
from datetime import datetime, timezone

import pytest
from django.core.files.storage import FileSystemStorage

from django_session_replay.storage import objects
from tests import s3


def test_falls_back_to_the_default_alias(settings) -> None:
    settings.STORAGES = {
        alias: config for alias, config in settings.STORAGES.items() if alias != "session_replay"
    }
    assert isinstance(objects.get_storage(), FileSystemStorage)


def test_keys_put_one_session_under_one_prefix() -> None:
    sid = uuid.UUID(int=7)
    created = datetime(2026, 1, 2, tzinfo=timezone.utc)
    key = objects.chunk_key(sid, created, "tab-1", 1, 20)
    assert key.startswith(objects.session_prefix(sid, created))
    assert key == f"session_replay/2026/01/02/{sid}/tab-1/0000000001-0000000020.msgpack.zst"


def test_write_read_delete_against_the_s3_server(s3_storage: str) -> None:
    assert type(objects.get_storage()).__name__ == "S3Storage"
    key = "session_replay/2026/01/02/x/tab/0000000001-0000000002.msgpack.zst"
    objects.write(key, b"first")
    objects.write(key, b"second")  # a re-run after a crash replaces, never renames
    assert objects.read(key) == b"second"
    assert key in s3.list_keys(s3_storage)
    objects.delete(key)
    assert key not in s3.list_keys(s3_storage)


def test_write_refuses_a_renamed_object(tmp_path, settings) -> None:
    class Renaming(FileSystemStorage):
        def get_available_name(self, name: str, max_length: int | None = None) -> str:
            return name + ".renamed"

        def exists(self, name: str) -> bool:
            return False

    settings.STORAGES = {
        **settings.STORAGES,
        "session_replay": {"BACKEND": f"{__name__}.Renaming", "OPTIONS": {"location": tmp_path}},
    }
    globals()["Renaming"] = Renaming
    with pytest.raises(RuntimeError, match="as"):
        objects.write("a/b", b"x")
