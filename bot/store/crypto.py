"""Tokens encrypted at rest with Fernet; `TOKEN_ENCRYPTION_KEY` may list several keys to rotate."""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from pydantic import SecretStr

KEYGEN_HINT = "generate one with `python -m bot keygen`"


class UndecryptableToken(ValueError):
    """A stored token that none of the configured keys can decrypt (or that was altered)."""


def new_key() -> str:
    """A fresh Fernet key (32 random bytes, url-safe base64), for `TOKEN_ENCRYPTION_KEY`."""
    return Fernet.generate_key().decode("ascii")


class TokenCipher:
    """Encrypts with the first key and decrypts with any of them, so keys can rotate."""

    def __init__(self, keys: list[Fernet]) -> None:
        if not keys:
            raise ValueError(f"TOKEN_ENCRYPTION_KEY has no key: {KEYGEN_HINT}")
        self._fernet = MultiFernet(keys)
        self._key_count = len(keys)

    @classmethod
    def from_keys(cls, text: str) -> TokenCipher:
        """`TOKEN_ENCRYPTION_KEY`: Fernet keys separated by commas, the newest first."""
        parts = [part.strip() for part in text.split(",") if part.strip()]
        if not parts:
            raise ValueError(f"TOKEN_ENCRYPTION_KEY is empty: {KEYGEN_HINT}")
        keys = []
        for position, part in enumerate(parts, start=1):
            try:
                keys.append(Fernet(part.encode("ascii")))
            except (ValueError, UnicodeEncodeError):
                # `from None`: the underlying error could carry the key's text.
                raise ValueError(
                    f"TOKEN_ENCRYPTION_KEY: key {position} of {len(parts)} is not a Fernet key"
                    f" (32 url-safe base64-encoded bytes); {KEYGEN_HINT}"
                ) from None
        return cls(keys)

    def encrypt(self, secret: SecretStr) -> str:
        return self._fernet.encrypt(secret.get_secret_value().encode("utf-8")).decode("ascii")

    def decrypt(self, text: str) -> SecretStr:
        try:
            plain = self._fernet.decrypt(text.encode("ascii"))
        except (InvalidToken, UnicodeEncodeError):
            raise UndecryptableToken(
                "a stored token cannot be decrypted with TOKEN_ENCRYPTION_KEY: keep the key"
                " that encrypted it in the list (after the new one) until tokens are re-saved"
            ) from None
        return SecretStr(plain.decode("utf-8"))

    def __repr__(self) -> str:
        return f"TokenCipher(keys={self._key_count})"
