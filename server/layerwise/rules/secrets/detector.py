"""Secret values: provider formats, keyword plus entropy, and the filters that keep it quiet.

The design follows the catalog's Part C (C4). Provider formats and their entropy minimums
are the facts gitleaks, detect-secrets and trivy publish; the regexes here are our own.
A match is dropped when its entropy is at or below the provider's minimum, as gitleaks does.
The generic pass needs a secret name (LW301's classifier) for the key, a literal value of at
least 8 characters with a letter and a digit, and more than 3.5 bits of entropy per
character. Filters drop templates, ``$VAR`` references, placeholders, sequences, paths,
URLs, UUIDs named as ids, hex checksums and OpenPGP fingerprints, and AWS's documentation
keys.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterator
from functools import lru_cache

from ...patterns import lazy_pattern
from ...record import record
from .names import is_secret_name, words

#: gitleaks' generic threshold: a generic value needs more entropy than this.
GENERIC_ENTROPY = 3.5
#: At or below this a secret-named value counts as a default credential (LW303).
DEFAULT_ENTROPY = 3.0
GENERIC_MIN_LENGTH = 8


def shannon_entropy(text: str) -> float:
    """Shannon entropy in bits per character (log2), over the characters of ``text``."""
    if not text:
        return 0.0
    n = len(text)
    return -sum(c / n * math.log2(c / n) for c in Counter(text).values())


@record
class Provider:
    """A provider token format: regex with the secret in group 1, prefilter keywords."""

    id: str
    title: str
    regex: re.Pattern[str]
    keywords: tuple[str, ...]
    min_entropy: float = 0.0
    allow: re.Pattern[str] | None = None  # secrets matching this are documentation samples


def _p(id_: str, title: str, regex: str, keywords: tuple[str, ...], entropy: float = 0.0,
       allow: str | None = None) -> Provider:
    return Provider(id_, title, lazy_pattern(regex), keywords, entropy,
                    lazy_pattern(allow) if allow else None)


PROVIDERS: tuple[Provider, ...] = (
    _p("aws-access-key-id", "AWS access key ID",
       r"\b((?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16})\b",
       ("a3t", "akia", "asia", "abia", "acca"), 3.0, r"EXAMPLE$"),
    _p("aws-secret-access-key", "AWS secret access key",
       r"(?i)aws_?(?:secret_?)?(?:access_?)?key\w*[\"']?[ \t]{0,3}(?:=|:|=>)[ \t]{0,3}[\"']?"
       r"([A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=])",
       ("aws",), 3.0, r"EXAMPLE(?:KEY)?$"),
    _p("github-token", "GitHub token", r"\b((?:ghp|gho|ghu|ghs|ghr)_[0-9A-Za-z]{36})\b",
       ("ghp_", "gho_", "ghu_", "ghs_", "ghr_"), 3.0),
    _p("github-fine-grained-pat", "GitHub fine-grained token", r"\b(github_pat_\w{82})\b",
       ("github_pat_",), 3.0),
    _p("gitlab-pat", "GitLab personal access token", r"\b(glpat-[0-9A-Za-z_-]{20,})",
       ("glpat-",), 3.0),
    _p("slack-bot-token", "Slack bot token",
       r"\b(xoxb-[0-9]{10,13}-[0-9]{10,13}[A-Za-z0-9-]*)", ("xoxb-",), 3.0),
    _p("slack-user-token", "Slack user token",
       r"\b(xox[pe](?:-[0-9]{10,13}){3}-[A-Za-z0-9-]{28,34})", ("xoxp-", "xoxe-"), 2.0),
    _p("npm-access-token", "npm access token", r"(?i)\b(npm_[a-z0-9]{36})\b", ("npm_",), 2.0),
    _p("pypi-upload-token", "PyPI upload token", r"\b(pypi-AgEIcHlwaS5vcmc[\w-]{50,1000})",
       ("pypi-ageichlwas5vcmc",), 3.0),
    _p("stripe-access-token", "Stripe secret key",
       r"\b((?:sk|rk)_(?:test|live|prod)_[A-Za-z0-9]{10,99})\b", ("sk_", "rk_"), 2.0),
    _p("anthropic-api-key", "Anthropic API key",
       r"\b(sk-ant-(?:api03|admin01)-[A-Za-z0-9_-]{93}AA)(?![A-Za-z0-9_-])", ("sk-ant-",)),
    _p("openai-api-key", "OpenAI API key",
       r"\b(sk-(?:(?:proj|svcacct|admin)-)?[A-Za-z0-9_-]{20,74}T3BlbkFJ[A-Za-z0-9_-]{20,74})"
       r"(?![A-Za-z0-9_-])", ("t3blbkfj",), 3.0),
    _p("gcp-api-key", "Google API key", r"\b(AIza[\w-]{35})(?![\w-])", ("aiza",), 4.0),
    _p("hashicorp-tf-api-token", "Terraform Cloud API token",
       r"\b([A-Za-z0-9]{14}\.atlasv1\.[A-Za-z0-9_=-]{60,70})", ("atlasv1",), 3.5),
    _p("vault-token", "HashiCorp Vault token", r"\b(hv[sb]\.[\w-]{90,120})", ("hvs.", "hvb."),
       3.5),
    _p("huggingface-access-token", "Hugging Face token", r"\b(hf_[A-Za-z]{34})\b", ("hf_",),
       2.0),
    _p("digitalocean-pat", "DigitalOcean token", r"\b(dop_v1_[a-f0-9]{64})\b", ("dop_v1_",),
       3.0),
    _p("private-key", "private key",
       r"(-----BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----|PuTTY-User-Key-File-[23]:)",
       ("-----begin", "putty-user-key-file")),
    _p("jwt", "JSON web token",
       r"\b(ey[A-Za-z0-9]{17,}\.ey[A-Za-z0-9/\\_-]{17,}\.(?:[A-Za-z0-9/\\_-]{10,}={0,2})?)",
       ("ey",), 3.0),
)


@record
class Match:
    """A secret found in a text: ``start``/``end`` index the text that was scanned."""

    kind: str  # "provider", "generic" or "basic-auth"
    rule: str  # provider id, "generic-api-key" or "basic-auth"
    title: str
    secret: str
    start: int
    end: int

    @property
    def provider(self) -> bool:
        """Tell whether the match is a provider format (an Error in LW302)."""
        return self.kind == "provider"


def provider_matches(text: str) -> tuple[Match, ...]:
    """Provider-format secrets in ``text``, left to right, without overlaps."""
    return _provider_matches(text)


@lru_cache(maxsize=4096)
def _provider_matches(text: str) -> tuple[Match, ...]:
    lowered = text.lower()
    found: list[Match] = []
    for provider in PROVIDERS:
        if not any(k in lowered for k in provider.keywords):
            continue
        for m in provider.regex.finditer(text):
            secret = m.group(1)
            if provider.min_entropy and shannon_entropy(secret) <= provider.min_entropy:
                continue
            if provider.allow is not None and provider.allow.search(secret):
                continue
            found.append(Match("provider", provider.id, provider.title, secret,
                               m.start(1), m.end(1)))
    return tuple(_without_overlaps(found))


def provider_match(value: str) -> Match | None:
    """The first provider-format secret in a value, if any."""
    found = provider_matches(value)
    return found[0] if found else None


def _without_overlaps(found: list[Match]) -> list[Match]:
    found.sort(key=lambda m: (m.start, -(m.end - m.start)))
    out: list[Match] = []
    for match in found:
        if out and match.start < out[-1].end:
            continue
        out.append(match)
    return out


# --------------------------------------------------------------------------- value classes

_VARIABLE = lazy_pattern(r"\$(?:[A-Za-z_][A-Za-z0-9_]*|\{[^}]*\})")
_PURE_VARIABLE = lazy_pattern(r"\$(?:[A-Za-z_][A-Za-z0-9_]*|"
                              r"\{[A-Za-z_][A-Za-z0-9_]*(?:[:?+=-][^}]*)?\})")
_TEMPLATE = lazy_pattern(r"\{\{.*?\}\}|\{%.*?%\}|%\([A-Za-z_]\w*\)s|%[A-Za-z_]\w*%|@[A-Za-z_]\w*@|"
                         r"#\{[^}]*\}|\$\(")
_ANGLE = lazy_pattern(r"<[^<>]*>|\[[A-Za-z _-]+\]")
#: ``{name}`` (format strings) and ``= func(…)`` / ``= a['b']`` (indirect references).
_INDIRECT = lazy_pattern(r"\{[^{}\s]*\}|^\{?[A-Za-z_][\w.]*\s*[(\[]")
#: Userinfo passwords that only show the URL's shape (``https://user:pass@host``).
_URL_PLACEHOLDERS = frozenset({"pass", "password", "passwd", "pw", "pwd", "secret", "token",
                               "changeme", "test", "xxx", "***"})
_URL = lazy_pattern(r"[A-Za-z][A-Za-z0-9+.-]*://")
_UUID = lazy_pattern(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_HEX = lazy_pattern(r"[0-9a-fA-F]+")
_PATH_SEGMENT = lazy_pattern(r"[\w.@%+~-]+")
_FILE_EXTENSION = lazy_pattern(r"\.[A-Za-z][A-Za-z0-9]{0,5}")
_BOOLEANS = frozenset({"true", "false", "yes", "no", "on", "off", "y", "n", "enabled",
                       "disabled", "enable", "disable", "none", "null", "nil", "required",
                       "optional", "auto", "undefined", "unset"})
#: Placeholder words: a value made of these (and separators) is nobody's secret.
_PLACEHOLDER_WORDS = frozenset({
    "replaceme", "placeholder", "dummy", "fake", "example", "sample", "todo", "fixme", "tbd",
    "redacted", "notset", "empty", "xxx", "setme", "insert", "changeit", "yourpassword",
    "yourtoken", "yoursecret", "yourkey", "yourapikey", "mysecret", "secrethere", "tokenhere",
    "keyhere", "passwordhere", "none", "null", "nil", "undefined", "blank", "mask", "masked",
})
_PLACEHOLDER_PARTS = ("example", "sample", "dummy", "placeholder", "changeme", "replace",
                      "your", "xxxx", "****", "fake", "redacted")
_ZERO_UUID = "00000000-0000-0000-0000-000000000000"
#: Default passwords: LW303's dictionary.
DEFAULT_CREDENTIALS = frozenset({
    "admin", "administrator", "password", "passw0rd", "p@ssw0rd", "p@ssword", "pa55word",
    "pass", "root", "toor", "secret", "s3cret", "s3cr3t", "test", "testing", "tester",
    "changeme", "changeit", "fsociety", "guest", "default", "demo", "letmein", "qwerty",
    "welcome", "123456", "1234567", "12345678", "123456789", "1234567890", "1234", "12345",
    "password1", "password123", "admin123", "admin1", "root123", "postgres", "mysql",
    "oracle", "master", "trustno1", "abc123", "iloveyou", "monkey", "dragon", "ubuntu",
    "raspberry", "vagrant", "docker", "jenkins", "nagios", "nagiosadmin", "tomcat", "user",
    "qwerty123", "secret123", "supersecret", "mysecretpassword", "hunter2", "foobar",
    "foo", "bar", "sa", "pw", "pwd",
})
_DEFAULT_PARTS = ("password", "passw0rd", "secret", "changeme", "admin", "qwerty", "letmein",
                  "default")
_SEQUENCES = (
    "ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "0123456789012345678901234567890123456789",
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "0123456789ABCDEF0123456789ABCDEF",
    "1234567890ABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "QWERTYUIOPASDFGHJKLZXCVBNM",
    "1234567890QWERTYUIOPASDFGHJKLZXCVBNM",
)


def literal(raw: str) -> tuple[str, int]:
    """A raw ENV/ARG/LABEL value without its enclosing quotes, and where it starts in ``raw``."""
    if len(raw) >= 2 and raw[0] == raw[-1] and raw[0] in "\"'":
        return raw[1:-1], 1
    return raw, 0


def has_variable(value: str) -> bool:
    """Tell whether the value expands ``$VAR``/``${VAR}`` (or a command substitution)."""
    return _VARIABLE.search(value) is not None or "$(" in value or "`" in value


def is_variable_reference(value: str) -> bool:
    """Tell whether the value is just one ``$VAR``/``${VAR}``/``${VAR:-x}`` reference."""
    return _PURE_VARIABLE.fullmatch(value.strip()) is not None


def is_templated(value: str) -> bool:
    """Tell whether the value is filled in later: ``$VAR``, ``{{ }}``, ``<placeholder>`` …."""
    text = value.strip()
    if has_variable(text) or _TEMPLATE.search(text) or _INDIRECT.search(text):
        return True
    return _ANGLE.fullmatch(text) is not None or (text.startswith("<") and text.endswith(">"))


def is_url(value: str) -> bool:
    """Tell whether the value is a URL (``scheme://…``)."""
    return _URL.match(value.strip()) is not None


def is_path(value: str) -> bool:
    """Tell whether the value reads as a file system path rather than a secret."""
    text = value.strip()
    if not text or " " in text:
        return False
    if text.startswith(("/", "./", "../", "~/")) or text in ("~", ".", ".."):
        segments = [s for s in text.lstrip("~.").split("/") if s]
        return all(_PATH_SEGMENT.fullmatch(s) for s in segments) and not (
            len(segments) == 1 and _random_looking(segments[0]))
    if "/" not in text:
        return False
    segments = text.split("/")
    return (all(_PATH_SEGMENT.fullmatch(s) for s in segments if s)
            and _FILE_EXTENSION.search(segments[-1]) is not None
            and _FILE_EXTENSION.search(segments[-1]).end() == len(segments[-1]))  # type: ignore[union-attr]


def is_file_name(value: str) -> bool:
    """Tell whether the value is a bare file name such as ``server.key``."""
    text = value.strip()
    m = _FILE_EXTENSION.search(text)
    return (m is not None and m.end() == len(text) and m.start() > 0
            and _PATH_SEGMENT.fullmatch(text) is not None and not _random_looking(text[:m.start()]))


def _random_looking(text: str) -> bool:
    return (len(text) >= 16 and shannon_entropy(text) > GENERIC_ENTROPY
            and any(c.isdigit() for c in text) and any(c.isalpha() for c in text))


def is_boolean(value: str) -> bool:
    """Tell whether the value is a switch such as ``true``, ``off`` or ``none``."""
    return value.strip().lower() in _BOOLEANS


def is_uuid(value: str) -> bool:
    """Tell whether the value is a UUID."""
    return _UUID.fullmatch(value.strip()) is not None


def is_sequential(value: str) -> bool:
    """Tell whether the value is a run such as ``ABCDEF…``, ``0123…`` or a keyboard row."""
    upper = value.strip().upper()
    if len(upper) < 4:
        return False
    return any(upper in seq or upper[::-1] in seq for seq in _SEQUENCES)


def is_placeholder(value: str) -> bool:
    """Tell whether the value only stands in for a secret (``XXXXXXXX``, ``00000000`` …).

    ``changeme`` is no placeholder here: LW303 reports it as a default credential.
    """
    text = value.strip()
    if not text or text == _ZERO_UUID:
        return True
    if re.fullmatch(r"[xX*._#?-]{3,}", text) or re.fullmatch(r"\.\.\.|…", text):
        return True
    if len(text) >= 4 and len(set(text.lower())) <= 2 and not text.isalpha():
        return True
    if len(text) >= 4 and len(set(text.lower())) == 1:
        return True
    if _ANGLE.fullmatch(text) or (text.startswith("<") and text.endswith(">")):
        return True
    letters = re.sub(r"[^a-z]", "", text.lower())
    return letters in _PLACEHOLDER_WORDS or (letters.startswith("your") and len(letters) < 24)


def looks_placeholder(value: str) -> bool:
    """A broader test for literals: placeholders, or text built around placeholder words."""
    lowered = value.lower()
    return is_placeholder(value) or any(part in lowered for part in _PLACEHOLDER_PARTS)


def is_default_credential(value: str) -> bool:
    """Tell whether the value is a dictionary password (``admin``, ``changeme``, ``secret1``)."""
    lowered = value.strip().lower()
    if lowered in DEFAULT_CREDENTIALS:
        return True
    letters = re.sub(r"[^a-z]", "", lowered)
    if letters and letters in DEFAULT_CREDENTIALS and len(letters) >= 4:
        return True
    return any(part in lowered for part in _DEFAULT_PARTS)


def context_filtered(key: str, value: str, context: str = "") -> bool:
    """Drop values that the surrounding names explain: ids, checksums, fingerprints, samples."""
    text = value.strip()
    names = set(words(key)) | set(words(context))
    if is_uuid(text) and ({"id", "ids", "uuid", "guid", "tenant", "subscription"} & names
                          or key.upper().endswith("ID")):
        return True
    if _HEX.fullmatch(text):
        if len(text) in (32, 40, 56, 64, 96, 128) and (
                {"sha", "sha1", "sha256", "sha512", "checksum", "checksums", "hash", "digest",
                 "md5", "sum", "sha256sum", "sha512sum", "integrity"} & names
                or any(w.startswith("sha") for w in names)):
            return True
        if len(text) in (16, 40) and ({"gpg", "pgp", "fingerprint", "keyid", "keyserver",
                                       "recv", "keys", "gnupg"} & names):
            return True
    return text.upper().endswith(("EXAMPLE", "EXAMPLEKEY"))


def literal_candidate(value: str) -> bool:
    """Tell whether a value is a literal that may be a credential at all."""
    text = value.strip()
    return bool(text) and not (is_templated(text) or is_placeholder(text) or is_path(text)
                               or is_url(text) or is_boolean(text))


def generic_secret(key: str, value: str, context: str = "") -> bool:
    """The keyword + entropy test (LW302 generic): a secret name with a random-looking value."""
    text = value.strip()
    if not is_secret_name(key) or not literal_candidate(text) or " " in text:
        return False
    if len(text) < GENERIC_MIN_LENGTH or is_file_name(text):
        return False
    if not (any(c.isalpha() for c in text) and any(c.isdigit() for c in text)):
        return False
    if looks_placeholder(text) or is_sequential(text) or context_filtered(key, text, context):
        return False
    return shannon_entropy(text) > GENERIC_ENTROPY


def default_credential(key: str, value: str) -> bool:
    """The LW303 test: a secret name with a literal, low-entropy or dictionary value."""
    text = value.strip()
    if not is_secret_name(key) or not literal_candidate(text) or is_file_name(text):
        return False
    if generic_secret(key, text) or provider_match(text) is not None:
        return False
    lowered = text.lower()
    if lowered in DEFAULT_CREDENTIALS:
        return True
    if len(text) < 4 or not any(c.isalpha() for c in text) or context_filtered(key, text):
        return False
    return shannon_entropy(text) <= DEFAULT_ENTROPY + 1e-9 or is_default_credential(text)


# --------------------------------------------------------------------------- userinfo

_USERINFO = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*)://(?P<userinfo>[^\s/?#@'\"]+)@"
                       r"(?P<host>[^\s/?#'\":]*)")


@record
class Userinfo:
    """``scheme://user:password@host`` inside a text; offsets index that text."""

    scheme: str
    user: str
    user_start: int
    password: str | None
    password_start: int
    host: str
    start: int  # of the whole URL
    end: int  # after the host


def userinfos(text: str) -> Iterator[Userinfo]:
    """Every URL with userinfo in ``text`` (``${VAR}`` and ``$VAR`` count as text)."""
    for m in _USERINFO.finditer(text):
        info = m.group("userinfo")
        base = m.start("userinfo")
        colon = _top_colon(info)
        if colon < 0:
            yield Userinfo(m.group("scheme"), info, base, None, -1, m.group("host"),
                           m.start(), m.end())
        else:
            yield Userinfo(m.group("scheme"), info[:colon], base, info[colon + 1:],
                           base + colon + 1, m.group("host"), m.start(), m.end())


def _top_colon(text: str) -> int:
    """The first ``:`` outside ``${…}``, or -1."""
    depth = 0
    for i, ch in enumerate(text):
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth = max(depth - 1, 0)
        elif ch == ":" and depth == 0:
            return i
    return -1


def _literal_password(password: str) -> bool:
    """Tell whether a userinfo password is a literal worth reporting."""
    return (len(password) >= 4 and password.lower() not in _URL_PLACEHOLDERS
            and literal_candidate(password) and not looks_placeholder(password)
            and not has_variable(password))


def basic_auth_match(value: str) -> Match | None:
    """A literal password in URL userinfo (detect-secrets' BasicAuth), if any."""
    for info in userinfos(value):
        password = info.password
        if password and _literal_password(password):
            return Match("basic-auth", "basic-auth", "password in URL", password,
                         info.password_start, info.password_start + len(password))
    return None


# --------------------------------------------------------------------------- values and text

def value_secret(key: str, value: str) -> Match | None:
    """The secret in one ENV/ARG/LABEL value (already unquoted): provider, URL or generic."""
    found = provider_match(value)
    if found is not None:
        return found
    text = value.strip()
    lead = len(value) - len(value.lstrip())
    if ("aws" in key.lower() and "secret" in key.lower()
            and re.fullmatch(r"[A-Za-z0-9/+=]{40}", text)
            and shannon_entropy(text) > 3.0 and not context_filtered(key, text)):
        return Match("provider", "aws-secret-access-key", "AWS secret access key", text,
                     lead, lead + len(text))
    found = basic_auth_match(value)
    if found is not None:
        return found
    if generic_secret(key, text):
        return Match("generic", "generic-api-key", "secret", text, lead, lead + len(text))
    return None


_ASSIGNMENT = lazy_pattern(
    r"(?P<key>[A-Za-z_][\w.-]{0,80})[\"']?[ \t]{0,3}(?::=|=>|=|:)[ \t]{0,3}"
    r"(?P<quote>[\"'`]?)(?P<value>[^\s\"'`;,)]{1,500}\)?)")
_NETRC = lazy_pattern(r"\b(?P<key>password|passwd)[ \t]+(?P<quote>)(?P<value>\S+)")


def assignments(text: str) -> Iterator[tuple[str, str, int, int]]:
    """``key = value`` pairs in config-like text: ``(key, value, start, end)`` of the value."""
    for line_start, line in _lines(text):
        seen: set[int] = set()
        for m in _ASSIGNMENT.finditer(line):
            seen.add(m.start("value"))
            yield m.group("key"), m.group("value"), line_start + m.start("value"), \
                line_start + m.end("value")
        if "machine " in line or "login " in line:
            for m in _NETRC.finditer(line):
                if m.start("value") not in seen:
                    yield m.group("key"), m.group("value"), line_start + m.start("value"), \
                        line_start + m.end("value")


def _lines(text: str) -> Iterator[tuple[int, str]]:
    pos = 0
    for line in text.splitlines(keepends=True):
        yield pos, line
        pos += len(line)


def data_secrets(text: str) -> list[Match]:
    """Secrets in a file body or script: provider formats, then ``key=value`` generics."""
    found = list(provider_matches(text))
    taken = [(m.start, m.end) for m in found]
    for key, value, start, end in assignments(text):
        if any(a < end and start < b for a, b in taken):
            continue
        line_start = text.rfind("\n", 0, start) + 1
        line_end = text.find("\n", end)
        context = text[line_start: line_end if line_end >= 0 else len(text)]
        if generic_secret(key, value, context):
            found.append(Match("generic", "generic-api-key", "secret", value, start, end))
            taken.append((start, end))
    for info in userinfos(text):
        password = info.password
        if not password or any(a < info.password_start + len(password) and info.password_start < b
                               for a, b in taken):
            continue
        if _literal_password(password):
            found.append(Match("basic-auth", "basic-auth", "password in URL", password,
                               info.password_start, info.password_start + len(password)))
    found.sort(key=lambda m: m.start)
    return found


@lru_cache(maxsize=2048)
def cached_data_secrets(text: str) -> tuple[Match, ...]:
    """:func:`data_secrets`, memoised by text."""
    return tuple(data_secrets(text))
