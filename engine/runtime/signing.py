"""Site keys, and the two checksum chains a record's lines can carry: plain, or signed with a site key.

Every line of a record carries ``chk``, chaining it to the line before. Without a site key the
chain is plain BLAKE2b (12 hex digits): it finds accidents and casual edits, but anyone can compute
it again after an edit. With a site key present when the drill is written, the chain is
HMAC-SHA256 under that key (24 hex digits, the first 96 bits), and the header names the key by a
short hash of it (``signed``): a line edited and re-chained by someone without the key no longer
verifies. The key never goes into a record; its id is a hash that does not reveal it.

Where the key comes from, first found wins:

1. ``DRILLSIM_SITE_KEY``: the key itself (hex);
2. ``DRILLSIM_SITE_KEY_FILE``: a file holding it;
3. ``site.key`` in the user's data folder (what ``drillsim key new`` writes by default).

A key file must be readable by its owner only (mode 0600), as an SSH key must: one that others can
read is refused rather than used, since whoever reads it can sign.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from platformdirs import user_data_dir

from engine.errors import RecordError

ENV_KEY = "DRILLSIM_SITE_KEY"
"""Environment variable holding the site key itself (hex)."""

ENV_KEY_FILE = "DRILLSIM_SITE_KEY_FILE"
"""Environment variable naming the site key's file."""

SEED = "drillsim"
"""What the first line's checksum chains to."""

PLAIN_DIGITS = 12
"""Hex digits of a plain chain's checksum (BLAKE2b, 48 bits)."""

SIGNED_DIGITS = 24
"""Hex digits of a signed chain's checksum (HMAC-SHA256 truncated to 96 bits, as IPsec's HMAC-96)."""

_MIN_HEX = 32
"""A key shorter than 128 bits is refused."""


class SiteKeyError(RecordError):
    """A site key that cannot be used: unreadable, malformed, or readable by others."""


@dataclass(frozen=True)
class SiteKey:
    """A site's signing key.

    Attributes:
        secret: The key's bytes (never printed, never written into a record).
        source: Where it was found, for messages (an environment variable's name or a file).
    """

    secret: bytes = field(repr=False)
    source: str

    @property
    def id(self) -> str:
        """The key's id: a short hash that names it in a record's header and reveals nothing of it."""
        return hashlib.sha256(b"drillsim-site-key:" + self.secret).hexdigest()[:12]


def default_key_path() -> Path:
    """Where ``drillsim key new`` puts the key by default: ``site.key`` in the user's data folder."""
    return Path(user_data_dir("drillsim", appauthor=False)) / "site.key"


def _parse(text: str, source: str) -> SiteKey:
    digits = text.strip()
    try:
        secret = bytes.fromhex(digits)
    except ValueError:
        secret = b""
    if len(digits) < _MIN_HEX or not secret:
        raise SiteKeyError(f"{source}: not a site key (at least {_MIN_HEX} hex digits); make one with drillsim key new")
    return SiteKey(secret, source)


def _read_file(path: Path) -> SiteKey:
    try:
        mode = path.stat().st_mode
        if os.name == "posix" and mode & 0o077:
            raise SiteKeyError(f"{path}: the site key is readable by others; make it private (chmod 600 {path})")
        text = path.read_text(encoding="ascii", errors="replace")[:4096]
    except OSError as exc:
        raise SiteKeyError(f"{path}: cannot read the site key: {exc.strerror or exc}") from exc
    return _parse(text, str(path))


def site_key() -> SiteKey | None:
    """The site key in force (see the module docstring), or None when there is none.

    Raises:
        RecordError: A key is named but cannot be used (a missing or malformed file, a bad value,
            a file others can read). A key asked for and not found is an error, not "no key".
    """
    value = os.environ.get(ENV_KEY)
    if value:
        return _parse(value, ENV_KEY)
    named = os.environ.get(ENV_KEY_FILE)
    if named:
        return _read_file(Path(named))
    path = default_key_path()
    return _read_file(path) if path.is_file() else None


def new_site_key(path: Path | None = None) -> tuple[Path, SiteKey]:
    """Make a new random site key in a file only its owner can read; never replaces one.

    Args:
        path: The file (default :func:`default_key_path`).

    Returns:
        The file and the key.

    Raises:
        RecordError: The file exists already, or cannot be written.
    """
    path = path or default_key_path()
    digits = secrets.token_hex(32)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError as exc:
        raise SiteKeyError(
            f"{path}: a site key is there already; records signed with it need it, so it is never replaced"
        ) from exc
    except OSError as exc:
        raise SiteKeyError(f"{path}: cannot write the site key: {exc.strerror or exc}") from exc
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(digits + "\n")
    return path, SiteKey(bytes.fromhex(digits), str(path))


def link(previous: str, core: str, secret: bytes | None = None) -> str:
    """The checksum of a line whose core text is ``core``, chained to ``previous`` (see the module docstring)."""
    data = (previous + core).encode("utf-8", "surrogatepass")
    if secret is None:
        return hashlib.blake2b(data, digest_size=PLAIN_DIGITS // 2).hexdigest()
    return hmac.new(secret, data, hashlib.sha256).hexdigest()[:SIGNED_DIGITS]
