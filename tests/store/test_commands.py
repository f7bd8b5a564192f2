"""`python -m bot migrate` and `python -m bot keygen`, through the real entry point."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.__main__ import main
from bot.store import TokenCipher
from bot.store.migrate import head_revision


def test_keygen_prints_a_key_the_cipher_accepts(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["keygen"]) == 0
    first = capsys.readouterr().out.strip()
    main(["keygen"])
    second = capsys.readouterr().out.strip()
    assert first != second
    TokenCipher.from_keys(f"{first},{second}")


def test_migrate_upgrades_database_url_then_says_it_is_current(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'app.db'}")
    assert main(["migrate"]) == 0
    assert f"migrated from empty to revision {head_revision()}" in capsys.readouterr().out
    assert main(["migrate"]) == 0
    assert f"already at revision {head_revision()}" in capsys.readouterr().out
    assert (tmp_path / "app.db").is_file()


def test_migrate_without_database_url_uses_data_app_db(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert main(["migrate"]) == 0
    assert capsys.readouterr().out.startswith("sqlite+aiosqlite:///data/app.db: migrated")
    assert (tmp_path / "data" / "app.db").is_file()


def test_an_unreachable_database_fails_without_showing_the_password(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Port 1 on loopback: nothing listens there, so the connection is refused at once.
    monkeypatch.setenv("DATABASE_URL", "postgres://card:hunter2-secret@127.0.0.1:1/app")
    assert main(["migrate"]) == 1
    output = capsys.readouterr()
    assert output.err.startswith("error: cannot migrate postgresql+asyncpg://card:***@127.0.0.1:1")
    assert "hunter2" not in output.err + output.out


@pytest.mark.parametrize("argv", [["migrate", "now"], ["keygen", "2"]])
def test_extra_words_get_the_usage(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    assert "migrate | keygen" in capsys.readouterr().err
