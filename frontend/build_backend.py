"""PEP 517 backend: setuptools, after building the recorder and player bundles.

The bundles are generated from frontend/package-lock.json and never committed,
so every wheel, sdist and editable install builds them first. An sdist carries
the built bundles and no package.json, so installing from it needs no Node.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

from setuptools import build_meta as _setuptools
from setuptools.build_meta import (  # noqa: F401  (re-exported hooks)
    get_requires_for_build_editable,
    get_requires_for_build_sdist,
    get_requires_for_build_wheel,
    prepare_metadata_for_build_editable,
    prepare_metadata_for_build_wheel,
)

FRONTEND = Path(__file__).resolve().parent
STATIC = FRONTEND.parent / "src" / "django_session_replay" / "static" / "django_session_replay"
BUNDLES = ("recorder.js", "recorder-main.js", "player.js", "player.css", "export.js")


def build_assets() -> None:
    if not (FRONTEND / "package.json").exists():
        missing = [name for name in BUNDLES if not (STATIC / name).exists()]
        if missing:
            raise RuntimeError(f"no frontend sources and no built bundles: {missing}")
        return
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError("building django-session-replay needs Node.js and npm on PATH")
    if not (FRONTEND / "node_modules" / ".package-lock.json").exists():
        subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=FRONTEND, check=True)
    subprocess.run([npm, "run", "--silent", "build"], cwd=FRONTEND, check=True)


def build_wheel(wheel_directory: str, config_settings: Any = None, metadata_directory: Any = None) -> str:
    build_assets()
    return _setuptools.build_wheel(wheel_directory, config_settings, metadata_directory)


def build_sdist(sdist_directory: str, config_settings: Any = None) -> str:
    build_assets()
    return _setuptools.build_sdist(sdist_directory, config_settings)


def build_editable(wheel_directory: str, config_settings: Any = None, metadata_directory: Any = None) -> str:
    build_assets()
    return _setuptools.build_editable(wheel_directory, config_settings, metadata_directory)
