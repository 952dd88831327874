"""What ships: the wheel and the sdist carry the built recorder and player."""

from __future__ import annotations

import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from tests.conftest import REPO

BUNDLES = {
    "recorder.js",  # the loader
    "recorder-main.js",  # the recorder it fetches after the page's load event
    "player.js",
    "player.css",
    "export.js",  # the exported session's player (export.py inlines it)
    # the API docs page's Swagger UI (api/docs.py), copied from swagger-ui-dist
    "swagger/swagger-ui-bundle.js",
    "swagger/swagger-ui.css",
    "swagger/init.js",
    "swagger/LICENSE",
}
STATIC = "django_session_replay/static/django_session_replay/"


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(out), str(REPO)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return out


def test_wheel_ships_the_bundles_templates_and_migration(dist: Path) -> None:
    (wheel,) = dist.glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        recorder = archive.read(STATIC + "recorder.js")
        main = archive.read(STATIC + "recorder-main.js")
    assert {STATIC + name for name in BUNDLES} <= names
    for template in (
        "admin/django_session_replay/replaysession/replay.html",
        "django_session_replay/api_docs.html",
    ):
        assert f"django_session_replay/templates/{template}" in names
    assert "django_session_replay/migrations/0001_initial.py" in names
    assert "django_session_replay/py.typed" in names
    assert b"SessionReplay" in recorder
    assert b"SessionReplay" in main


def test_sdist_carries_bundles_not_npm_sources(dist: Path) -> None:
    (sdist,) = dist.glob("*.tar.gz")
    with tarfile.open(sdist) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    assert {"src/" + STATIC + name for name in BUNDLES} <= names
    assert "frontend/build_backend.py" in names
    assert "frontend/package.json" not in names
    assert not any("node_modules" in name for name in names)


def test_twine_check_passes_on_both_artifacts(dist: Path) -> None:
    """What PyPI would refuse (metadata, the README's rendering) fails here first."""
    artifacts = sorted(str(path) for path in dist.iterdir())
    assert len(artifacts) == 2, artifacts
    result = subprocess.run(
        [sys.executable, "-m", "twine", "check", "--strict", *artifacts],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("PASSED") == 2, result.stdout
