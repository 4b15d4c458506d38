"""Credential files by name (LW305 a, LW306, LW307): keys, cloud credentials, token files."""

from __future__ import annotations

import posixpath
import re
from fnmatch import fnmatchcase
from functools import lru_cache

from ...patterns import lazy_pattern
from ...record import record


@record
class CredentialFile:
    """What a credential path is: ``kind`` for messages, ``grave`` for private keys and
    cloud credentials (Error), else token and config files (Warning)."""

    kind: str
    grave: bool
    pattern: str


#: (glob over the base name or a path suffix, kind, grave); first match wins.
_PATTERNS: tuple[tuple[str, str, bool], ...] = (
    ("id_rsa", "SSH private key", True),
    ("id_dsa", "SSH private key", True),
    ("id_ecdsa", "SSH private key", True),
    ("id_ed25519", "SSH private key", True),
    ("id_ecdsa_sk", "SSH private key", True),
    ("id_ed25519_sk", "SSH private key", True),
    (".ssh", "SSH directory", True),
    (".aws/credentials", "AWS credentials", True),
    (".aws", "AWS configuration directory", True),
    (".azure", "Azure credentials directory", True),
    (".config/gcloud", "gcloud credentials directory", True),
    ("*service-account*.json", "cloud service-account key", True),
    ("*service_account*.json", "cloud service-account key", True),
    ("credentials.json", "cloud credentials", True),
    ("application_default_credentials.json", "cloud credentials", True),
    ("kubeconfig", "Kubernetes credentials", True),
    (".kube/config", "Kubernetes credentials", True),
    (".kube", "Kubernetes configuration directory", True),
    ("*.pem", "PEM key or certificate", True),
    ("*.key", "private key", True),
    ("*.p12", "PKCS#12 key store", True),
    ("*.pfx", "PKCS#12 key store", True),
    ("*.jks", "Java key store", True),
    ("*.keystore", "key store", True),
    ("*.ppk", "PuTTY private key", True),
    (".npmrc", "npm credentials", False),
    (".yarnrc.yml", "Yarn credentials", False),
    (".pypirc", "PyPI credentials", False),
    (".netrc", "netrc credentials", False),
    ("_netrc", "netrc credentials", False),
    (".git-credentials", "git credentials", False),
    (".docker/config.json", "Docker registry credentials", False),
    (".dockercfg", "Docker registry credentials", False),
    (".env", "dotenv secrets", False),
    (".env.*", "dotenv secrets", False),
    ("*.tfvars", "Terraform variables", False),
    ("*.tfvars.json", "Terraform variables", False),
    ("htpasswd", "password file", False),
    (".htpasswd", "password file", False),
    ("secrets.yml", "secrets file", False),
    ("secrets.yaml", "secrets file", False),
    (".vault-token", "Vault token", False),
    (".pgpass", "PostgreSQL password file", False),
    (".my.cnf", "MySQL credentials", False),
    (".s3cfg", "s3cmd credentials", False),
    (".boto", "boto credentials", False),
)
#: Names that match a pattern above but hold public or sample material.
_SAFE_SUFFIXES = (".pub", ".example", ".sample", ".template", ".dist", ".tpl", ".tmpl",
                  ".defaults", ".default", ".in")
_SAFE_NAMES = frozenset({"known_hosts", "authorized_keys", "config", "ssh_config",
                         "environment"})
#: Names and places of public keys: OpenPGP signing keys, apt and rpm key rings.
_PUBLIC = re.compile(r"(?:^|[/._-])(?:gpg|pgp|gnupg|public|pubkey|keyrings?|trusted\.gpg\.d|"
                     r"rpm-gpg)(?:[/._-]|$)", re.IGNORECASE)
#: Directories of public certificates: PEM files there are CA bundles.
_CERT_DIRS = lazy_pattern(r"(?:^|/)(?:ca-certificates|certs?|ssl/certs|cacerts?|trust|"
                          r"ca-trust|anchors)(?:/|$)", re.IGNORECASE)
_CERT_NAMES = lazy_pattern(r"(?:^|[._-])(?:ca|cacert|chain|fullchain|bundle|cert|crt|root)"
                           r"(?:[._-]|$)", re.IGNORECASE)


def _matches(path: str, pattern: str) -> bool:
    if "/" in pattern:
        return path == pattern or path.endswith("/" + pattern)
    name = posixpath.basename(path)
    # fnmatch compiles each pattern to a regex: only the globs need one
    return fnmatchcase(name, pattern) if "*" in pattern else name == pattern


@lru_cache(maxsize=65536)
def classify(path: str) -> CredentialFile | None:
    """What credential a path names (a file, a directory, or a glob), or None.

    ``*.pub``, ``known_hosts``, sample files (``.env.example``), and files in ``.ssh`` that
    hold no key are not credentials; neither are non-dot ``*.env`` files (``meta.env``).
    """
    text = path.strip().rstrip("/")
    if not text or text in (".", "/"):
        return None
    text = text.removeprefix("./")
    base = posixpath.basename(text)
    lowered = base.lower()
    for pattern, kind, grave in _PATTERNS:
        if "/" in pattern and _matches(text.lower(), pattern):
            return CredentialFile(kind, grave, pattern)
    if lowered.endswith(_SAFE_SUFFIXES) or lowered in _SAFE_NAMES:
        return None
    if _PUBLIC.search(text):
        return None
    if "/.ssh/" in "/" + text and lowered not in _SAFE_NAMES:
        return CredentialFile("SSH private key", True, ".ssh/")
    for pattern, kind, grave in _PATTERNS:
        if _matches(text, pattern) or _matches(text.lower(), pattern):
            return CredentialFile(kind, grave, pattern)
    return None


def is_public(path: str) -> bool:
    """Tell whether a path names public key material (OpenPGP keys, apt/rpm key rings)."""
    return _PUBLIC.search(path) is not None


def is_ca_material(path: str) -> bool:
    """Tell whether a PEM path looks like a public certificate or CA bundle."""
    return bool(_CERT_DIRS.search(path) or _CERT_NAMES.search(posixpath.basename(path)))


#: What the ignore file should keep out of the context (LW306), with a probe path each.
IGNORE_PROBES: tuple[tuple[str, str], ...] = (
    (".git", ".git"),
    (".env*", ".env"),
    ("*.pem", "server.pem"),
    ("*.key", "server.key"),
    ("id_*", "id_rsa"),
    (".npmrc", ".npmrc"),
    (".aws", ".aws"),
    ("*.tfvars", "prod.tfvars"),
    ("kubeconfig", "kubeconfig"),
)
