"""TokenCipher: round trips, key rotation, wrong keys and malformed key lists, no key in sight."""

from __future__ import annotations

import base64

import pytest
from cryptography.fernet import Fernet
from pydantic import SecretStr

from bot.store import TokenCipher, UndecryptableToken, new_key

TOKEN = SecretStr("v1u:AbCdEf-a-pipedrive-access-token-123")


def test_round_trip_and_ciphertext_hides_the_token() -> None:
    cipher = TokenCipher.from_keys(new_key())
    encrypted = cipher.encrypt(TOKEN)
    assert TOKEN.get_secret_value() not in encrypted
    assert cipher.decrypt(encrypted) == TOKEN


def test_same_token_encrypts_differently_each_time() -> None:
    cipher = TokenCipher.from_keys(new_key())
    assert cipher.encrypt(TOKEN) != cipher.encrypt(TOKEN)


def test_rotation_old_key_still_decrypts_new_writes_use_the_new_key() -> None:
    old, new = new_key(), new_key()
    written_before = TokenCipher.from_keys(old).encrypt(TOKEN)

    rotated = TokenCipher.from_keys(f"{new},{old}")
    assert rotated.decrypt(written_before) == TOKEN
    written_after = rotated.encrypt(TOKEN)
    assert TokenCipher.from_keys(new).decrypt(written_after) == TOKEN
    with pytest.raises(UndecryptableToken):
        TokenCipher.from_keys(old).decrypt(written_after)


def test_a_wrong_key_refuses_to_decrypt_with_a_clear_error() -> None:
    key = new_key()
    encrypted = TokenCipher.from_keys(new_key()).encrypt(TOKEN)
    with pytest.raises(UndecryptableToken, match="TOKEN_ENCRYPTION_KEY") as raised:
        TokenCipher.from_keys(key).decrypt(encrypted)
    message = str(raised.value)
    assert key not in message and encrypted not in message
    assert raised.value.__cause__ is None and raised.value.__suppress_context__


@pytest.mark.parametrize("text", ["not a token", "gAAAAA", ""])
def test_garbage_is_undecryptable(text: str) -> None:
    with pytest.raises(UndecryptableToken):
        TokenCipher.from_keys(new_key()).decrypt(text)


def test_an_altered_ciphertext_is_undecryptable() -> None:
    cipher = TokenCipher.from_keys(new_key())
    raw = bytearray(base64.urlsafe_b64decode(cipher.encrypt(TOKEN)))
    raw[-40] ^= 1  # one bit of the ciphertext, before the HMAC
    with pytest.raises(UndecryptableToken):
        cipher.decrypt(base64.urlsafe_b64encode(bytes(raw)).decode())


def test_keys_may_be_spaced_and_trailing_commas_are_ignored() -> None:
    old, new = new_key(), new_key()
    encrypted = TokenCipher.from_keys(old).encrypt(TOKEN)
    assert TokenCipher.from_keys(f" {new} ,\n {old} ,").decrypt(encrypted) == TOKEN


@pytest.mark.parametrize("text", ["", "  ", ",", " , "])
def test_an_empty_key_list_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="TOKEN_ENCRYPTION_KEY is empty.*keygen"):
        TokenCipher.from_keys(text)


@pytest.mark.parametrize(
    ("bad", "position"),
    [
        ("correct-horse-battery-staple", 2),
        (base64.urlsafe_b64encode(b"sixteen byte key").decode(), 2),  # valid base64, too short
        ("kéy-with-non-ascii-characters-in-it-ok-ok=", 2),
    ],
)
def test_a_malformed_key_is_refused_by_position_without_echoing_it(bad: str, position: int) -> None:
    good = new_key()
    with pytest.raises(ValueError, match=f"key {position} of 2 is not a Fernet key") as raised:
        TokenCipher.from_keys(f"{good},{bad}")
    message = str(raised.value)
    assert bad not in message and good not in message
    assert raised.value.__cause__ is None and raised.value.__suppress_context__


def test_repr_shows_no_key() -> None:
    key = new_key()
    cipher = TokenCipher.from_keys(f"{key},{new_key()}")
    assert repr(cipher) == "TokenCipher(keys=2)"
    assert key not in repr(cipher) and key not in str(cipher)


def test_new_key_is_a_fresh_fernet_key() -> None:
    first, second = new_key(), new_key()
    assert first != second
    assert len(base64.urlsafe_b64decode(first)) == 32
    Fernet(first)  # accepted by cryptography itself
