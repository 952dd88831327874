"""The settings and checks pages list what the code has: a key or check id that
is not documented (or documented but gone) fails here, not in a user's hands."""

from __future__ import annotations

import re
from pathlib import Path

from django_session_replay.config.spec import KEYS

DOCS = Path(__file__).resolve().parents[2] / "docs"
SRC = Path(__file__).resolve().parents[2] / "src" / "django_session_replay"


def test_every_setting_has_a_row_in_configuration_md() -> None:
    text = (DOCS / "configuration.md").read_text()
    documented = set(re.findall(r"^\| `([A-Z_]+)` \|", text, flags=re.M))
    assert documented == set(KEYS)


def test_every_check_id_in_the_code_is_in_checks_md() -> None:
    used = set()
    for path in SRC.rglob("*.py"):
        used |= set(re.findall(r"django_session_replay\.([EW]\d{3})", path.read_text()))
        used |= {
            f"{level}{number}"
            for level, number in re.findall(r'id=f"\{PREFIX\}\.([EW])(\d{3})"', path.read_text())
        }
    text = (DOCS / "checks.md").read_text()
    documented = set(re.findall(r"`django_session_replay\.([EW]\d{3})`", text))
    assert used and used == documented
