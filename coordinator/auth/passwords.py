"""Password hashing with Argon2id, a memory-hard scheme."""

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()  # argon2id with the library's current recommended cost
# verified when the e-mail is unknown, so a miss costs as much time as a wrong password
_DUMMY = _hasher.hash("not-a-real-password")
MIN_LENGTH = 12


def hash_password(password: str) -> str:
    """The Argon2id hash of a password; refuses passwords shorter than MIN_LENGTH."""
    if len(password or "") < MIN_LENGTH:
        raise ValueError(f"a password needs at least {MIN_LENGTH} characters")
    return _hasher.hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    """True when the password matches; spends the same effort when there is no hash."""
    try:
        return _hasher.verify(stored_hash or _DUMMY, password or "") and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    """True when the hash was made with weaker parameters than today's."""
    return _hasher.check_needs_rehash(stored_hash)
