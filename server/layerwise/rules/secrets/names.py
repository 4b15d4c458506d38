"""Which variable, option and parameter names hold secrets: the LW301 name classifier.

A name is split into words at ``_``, ``-``, ``.`` and camel-case humps. It is a secret name
when one of its words is a deny word (BuildKit's tokens plus the suffix forms BuildKit and
hadolint both miss) or when the whole name is on the known-names list, unless an allow word
says that it only describes a secret (``GPG_KEY``, ``SECRET_KEY_FILE``, ``TOKEN_URL``).
"""

from __future__ import annotations

import re
from functools import lru_cache

#: BuildKit's SecretsUsedInArgOrEnv tokens.
_BUILDKIT_WORDS = ("apikey", "auth", "credential", "credentials", "key", "password", "pword",
                   "passwd", "secret", "token")
#: Further words: trivy's extra token, plurals, and the short forms BuildKit and hadolint miss.
_MORE_WORDS = ("psw", "pass", "pwd", "passphrase", "dsn", "creds", "secrets", "passwords",
               "pat", "privkey", "authkey", "authtoken", "accesstoken", "accesskey", "apitoken",
               "secretkey", "privatekey", "clientsecret", "sessiontoken", "licensekey",
               "signingkey", "masterkey", "encryptionkey", "clientkey", "servicekey",
               "accountkey", "dbkey", "dbpass", "keypass", "apisecret", "pkey")
DENY_WORDS = frozenset(_BUILDKIT_WORDS + _MORE_WORDS)
#: Word endings that make a secret word on their own (``ROOTPASS``, ``GITHUBTOKEN``).
_DENY_SUFFIXES = ("password", "passwd", "passphrase", "pass", "pwd", "secret", "token",
                  "apikey")
#: Words that end like a deny word but are something else.
_NOT_SECRET_WORDS = frozenset({"bypass", "compass", "surpass", "encompass", "trespass",
                               "overpass", "underpass", "nopass", "oldpwd", "passthrough"})
#: Adjacent word pairs that name a secret.
_DENY_PHRASES = (("connection", "string"), ("conn", "string"), ("conn", "str"))

#: Known secret names (trivy DS-0031's list and others), matched after stripping
#: ``VITE_``/``REACT_APP_``/``NEXT_PUBLIC_``-like prefixes; these win over allow words.
KNOWN_NAMES = frozenset({
    "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AZURE_CLIENT_ID",
    "AZURE_CLIENT_SECRET", "GITHUB_TOKEN", "GH_TOKEN", "GH_ENTERPRISE_TOKEN",
    "GITHUB_ENTERPRISE_TOKEN", "OPENAI_API_KEY", "HF_TOKEN", "DIGITALOCEAN_ACCESS_TOKEN",
    "DOCKERHUB_PASSWORD", "FIREBASE_TOKEN", "CI_DEPLOY_PASSWORD", "GOOGLE_API_KEY",
    "LANGSMITH_API_KEY", "LANGCHAIN_API_KEY", "HEROKU_API_KEY", "OKTA_CLIENT_ID",
    "OKTA_CLIENT_TOKEN", "NPM_TOKEN", "NODE_AUTH_TOKEN", "PGPASSWORD", "MYSQL_PWD",
    "SSHPASS", "VAULT_TOKEN",
})
_STRIPPED_PREFIXES = ("VITE_", "REACT_APP_")
#: Names that look like secrets by their words but are shell or tool settings.
_NOT_SECRET_NAMES = frozenset({"PWD", "OLDPWD"})

#: Allow words that silence a name wherever they appear: public material and checksums.
QUALIFIER_WORDS = frozenset({
    "public", "pub", "gpg", "pgp", "gnupg", "keyring", "keyrings", "keyserver", "keyservers",
    "fingerprint", "fingerprints", "keyid", "keyids", "checksum", "checksums", "hash", "hashes",
    "md5", "cosign", "sigstore",
})
_SHA = re.compile(r"sha(?:\d+)?(?:sum)?s?")
#: Allow words that silence a name when they come after its last deny word: the name is
#: about a secret (where it is, how long it is), not the secret itself.
HEAD_WORDS = frozenset({
    "file", "files", "path", "paths", "dir", "dirs", "directory", "folder", "location",
    "version", "url", "uri", "endpoint", "host", "hostname", "port", "name", "names", "user",
    "username", "login", "type", "size", "length", "len", "timeout", "enabled", "disabled",
    "required", "sock", "socket", "server", "mode", "region", "id", "ids", "method",
    "provider", "backend", "plugin", "scheme", "format", "algorithm", "alg", "algo", "ttl",
    "expiry", "expiration", "lifetime", "prefix", "store", "env", "var", "header", "headers",
    "param", "field", "claim", "issuer", "audience", "scope", "scopes", "realm", "role",
    "policy",
})

_HUMPS = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_SEPARATORS = re.compile(r"[^A-Za-z0-9]+")


def words(name: str) -> tuple[str, ...]:
    """Split a name into lower-case words (``apiKey`` → ``api``, ``key``)."""
    out: list[str] = []
    for chunk in _SEPARATORS.split(name):
        out.extend(part.lower() for part in _HUMPS.split(chunk) if part)
    return tuple(out)


def _deny(word: str) -> bool:
    """Tell whether a single word names a secret."""
    core = word.rstrip("0123456789") or word
    if core in _NOT_SECRET_WORDS:
        return False
    if core in DENY_WORDS:
        return True
    return any(core.endswith(s) and len(core) > len(s) for s in _DENY_SUFFIXES)


def _qualifier(word: str) -> bool:
    return word in QUALIFIER_WORDS or _SHA.fullmatch(word) is not None


def _known(name: str) -> bool:
    upper = name.upper()
    for prefix in _STRIPPED_PREFIXES:
        upper = upper.removeprefix(prefix)
    return upper in KNOWN_NAMES or (upper.startswith("OKTA_") and upper.endswith(
        ("_ID", "_TOKEN", "_SECRET", "_KEY")))


@lru_cache(maxsize=4096)
def secret_word(name: str) -> str | None:
    """The word that makes ``name`` a secret name, or None when it is not one."""
    if not name or name.upper() in _NOT_SECRET_NAMES:
        return None
    if _known(name):
        return name
    parts = words(name)
    last = -1
    found = ""
    for i, word in enumerate(parts):
        if _qualifier(word):
            return None
        if _deny(word):
            last, found = i, word
    for i in range(len(parts) - 1):
        if (parts[i], parts[i + 1]) in _DENY_PHRASES and i + 1 > last:
            last, found = i + 1, f"{parts[i]}_{parts[i + 1]}"
    if last < 0:
        return None
    if any(word.rstrip("0123456789") in HEAD_WORDS for word in parts[last + 1:]):
        return None
    return found


def is_secret_name(name: str) -> bool:
    """Tell whether a variable, option or parameter name holds a secret."""
    return secret_word(name) is not None
