"""Credentials on RUN command lines (LW304) and commands that store credentials on disk
(LW308): read from the shell model, one command at a time."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ...memo import IdentityMemo
from ...model.shell import Command, Word, getopt, shell_argv
from ...patterns import lazy_pattern
from ...record import record
from .detector import (
    has_variable,
    is_templated,
    looks_placeholder,
    provider_match,
    shannon_entropy,
    userinfos,
)
from .facts import Facts, RunFacts
from .names import is_secret_name

#: Literal values gitleaks' curl rules treat as placeholders, plus ours.
_COMMAND_PLACEHOLDERS = frozenset({"changeme", "pass", "password", "test", "token", "secret",
                                   "***", "user", "username", "x", "-", "''", '""'})
#: Headers that carry credentials.
AUTH_HEADERS = frozenset({"authorization", "proxy-authorization", "x-api-key", "api-key",
                          "apikey", "x-auth-token", "private-token", "x-access-token",
                          "x-vault-token", "x-jfrog-art-api", "circle-token", "x-gitlab-token",
                          "x-github-token", "job-token", "deploy-token", "x-registry-auth"})
_AUTH_SCHEMES = lazy_pattern(r"(?i)(?:bearer|basic|token|digest|bot|apikey|api-key)\s+")
_CURL_SHORT = "oHdDuXAebcFTwxmrKECyYzUQt"
_CURL_LONG = frozenset({
    "--output", "--header", "--data", "--data-raw", "--data-binary", "--data-urlencode", "--user",
    "--request", "--user-agent", "--referer", "--cookie", "--cookie-jar", "--form",
    "--upload-file", "--write-out", "--proxy", "--cacert", "--capath", "--cert", "--key",
    "--max-time", "--connect-timeout", "--retry", "--retry-delay", "--retry-max-time",
    "--limit-rate", "--resolve", "--connect-to", "--output-dir", "--config", "--dump-header",
    "--proto", "--proto-redir", "--max-filesize", "--interface", "--range", "--continue-at",
    "--url", "--oauth2-bearer", "--proxy-user",
})
_WGET_SHORT = "OoPaitTwUeBlARDIXQ"
_WGET_LONG = frozenset({
    "--output-document", "--directory-prefix", "--output-file", "--append-output", "--input-file",
    "--tries", "--timeout", "--user", "--password", "--header", "--user-agent", "--post-data",
    "--ca-certificate", "--wait", "--http-user", "--http-password", "--ftp-user",
    "--ftp-password", "--proxy-user", "--proxy-password",
})
_WGET_PASSWORDS = frozenset({"--password", "--http-password", "--ftp-password",
                             "--proxy-password"})
_LOGIN_TOOLS = frozenset({"docker", "podman", "buildah", "skopeo", "nerdctl", "helm", "oras",
                          "crane", "regctl"})
_MYSQL = frozenset({"mysql", "mysqladmin", "mysqldump", "mariadb", "mariadb-dump",
                    "mysqlimport", "mysqlshow", "mysqlcheck"})
_NPM_KEYS = lazy_pattern(r"(?i)(?:^|:)(?:_authToken|_auth|_password)$|"
                         r"^npmAuthToken$|^npmAuthIdent$")
_NPM_INLINE = lazy_pattern(r"(?i)(?:_authToken|_auth|_password|npmAuthToken)\s*[=:]\s*"
                           r"[\"']?(?P<value>[^\s\"']+)")
_AWS_KEYS = lazy_pattern(r"(?:^|\.)(aws_secret_access_key|aws_access_key_id|aws_session_token)$")
_QUERY = lazy_pattern(r"[?&](?P<key>[A-Za-z_][\w.-]*)=(?P<value>[^&#\s'\"]+)")
_NO_VALUE_FLAGS = frozenset({"password-stdin", "password-file", "token-file", "no-password",
                             "ask-password", "auth-no-challenge", "secret-file"})
_GIT_HOSTS = ("github.com", "gitlab.com", "bitbucket.org", "dev.azure.com", "gitea", "gitlab")
_USER_WORDS = frozenset({"user", "username", "login", "name", "owner", "org", "account"})
_VARIABLE = lazy_pattern(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)")


@record
class Credential:
    """A credential on a command line: ``text`` is its source text, at script offsets."""

    command: Command
    what: str  # how it is passed, for messages ("curl -u password")
    text: str
    start: int
    end: int
    suggested: str  # an env name for the secret, used by the fix for literals
    exact: bool  # the offsets cover exactly ``text`` in the script
    stores: str = ""  # the file the command writes it to, if any ("~/.gitconfig")


def parents(run: RunFacts) -> set[int]:
    """Indexes of commands that only wrap another (sudo, env, ``sh -c``)."""
    return {c.parent for c in run.commands() if c.parent is not None}


def credentials(run: RunFacts) -> tuple[Credential, ...]:
    """Every credential passed on the RUN's command lines, without duplicates."""
    script = run.script
    if script is None:
        return ()
    return _CREDENTIALS.get(script, None, lambda: tuple(_credentials(run)))


#: Credentials by script identity (they read only its commands).
_CREDENTIALS: IdentityMemo[tuple[Credential, ...]] = IdentityMemo(8192)


def _credentials(run: RunFacts) -> Iterator[Credential]:
    wrappers = parents(run)
    seen: list[tuple[int, int]] = []
    for index, command in enumerate(run.commands()):
        if index in wrappers:
            continue
        for cred in _command_credentials(command):
            if any(a < cred.end and cred.start < b for a, b in seen):
                continue
            seen.append((cred.start, cred.end))
            yield cred


def _sub(command: Command, word: Word, start: int, end: int, what: str, suggested: str,
         stores: str = "") -> Credential:
    """A credential at ``word.raw[start:end]``."""
    exact = len(word.raw) == word.end - word.start
    text = word.raw[start:end]
    if not exact:
        return Credential(command, what, text, word.start, word.end, suggested, False, stores)
    return Credential(command, what, text, word.start + start, word.start + end, suggested,
                      True, stores)


def _whole(command: Command, word: Word, what: str, suggested: str,
           stores: str = "") -> Credential:
    lo, hi = _unquoted_bounds(word)
    return _sub(command, word, lo, hi, what, suggested, stores)


def _unquoted_bounds(word: Word) -> tuple[int, int]:
    """The raw range of an option value without ``--name=`` and one pair of quotes."""
    raw = word.raw
    lo = 0
    if raw.startswith("-") and "=" in raw:  # an attached value whose word was not trimmed
        lo = raw.index("=") + 1
    hi = len(raw)
    if hi - lo >= 2 and raw[lo] == raw[hi - 1] and raw[lo] in "\"'":
        return lo + 1, hi - 1
    return lo, hi


def _command_credentials(command: Command) -> Iterator[Credential]:
    program = command.program or ""
    stores = ""
    if program == "git" and any(w.value == "config" for w in command.args):
        stores = "~/.gitconfig"
    yield from _urls(command, stores)
    handler = _HANDLERS.get(program)
    if handler is not None:
        yield from handler(command)
    if program in _MYSQL:
        yield from _mysql(command)
    if program in _LOGIN_TOOLS:
        yield from _login(command)
    yield from _secret_options(command)


def _urls(command: Command, stores: str) -> Iterator[Credential]:
    """URL userinfo and secret query parameters in any argument."""
    if shell_argv(command) is not None:
        return
    for word in command.args:
        raw = word.raw
        if "://" not in raw:
            continue
        for info in userinfos(raw):
            host = info.host.lower()
            if info.password is not None and info.password not in ("x-oauth-basic", ""):
                yield _sub(command, word, info.password_start,
                           info.password_start + len(info.password), "password in URL",
                           "URL_PASSWORD", stores)
            elif _token_user(info.user, host):
                yield _sub(command, word, info.user_start, info.user_start + len(info.user),
                           "token in URL", "GIT_AUTH_TOKEN", stores)
        for m in _QUERY.finditer(raw):
            if is_secret_name(m.group("key")):
                yield _sub(command, word, m.start("value"), m.end("value"),
                           f"'{m.group('key')}' URL parameter", m.group("key").upper(), stores)


def _token_user(user: str, host: str) -> bool:
    """Tell whether URL userinfo without a password is a token (``https://$TOKEN@host``)."""
    names = _VARIABLE.findall(user)
    if names:
        return any(is_secret_name(n) for n in names) or (
            any(h in host for h in _GIT_HOSTS)
            and not any(w in _USER_WORDS for n in names for w in n.lower().split("_")))
    if has_variable(user):
        return False
    return (len(user) >= 20 and shannon_entropy(user) > 3.5
            and any(c.isdigit() for c in user) and any(c.isalpha() for c in user))


def _curl(command: Command) -> Iterator[Credential]:
    opts, _ = getopt(command.args, _CURL_SHORT, _CURL_LONG)
    for opt in opts:
        word = opt.value
        if word is None:
            continue
        if opt.name in ("-u", "--user", "--proxy-user"):
            yield from _user_password(command, word, "curl -u password", "CURL_PASSWORD")
        elif opt.name in ("-H", "--header"):
            yield from _header(command, word, "curl")
        elif opt.name == "--oauth2-bearer":
            yield _whole(command, word, "curl --oauth2-bearer token", "OAUTH_TOKEN")


def _user_password(command: Command, word: Word, what: str, suggested: str
                   ) -> Iterator[Credential]:
    lo, hi = _unquoted_bounds(word)
    raw = word.raw[lo:hi]
    colon = raw.find(":")
    if colon >= 0:
        yield _sub(command, word, lo + colon + 1, hi, what, suggested)
    elif any(is_secret_name(n) for n in _VARIABLE.findall(raw)):
        yield _sub(command, word, lo, hi, what, suggested)


def _header(command: Command, word: Word, tool: str) -> Iterator[Credential]:
    lo, hi = _unquoted_bounds(word)
    raw = word.raw[lo:hi]
    name, colon, rest = raw.partition(":")
    if not colon or name.strip().lower() not in AUTH_HEADERS:
        return
    start = lo + len(name) + 1
    stripped = rest.lstrip()
    start += len(rest) - len(stripped)
    scheme = _AUTH_SCHEMES.match(stripped)
    if scheme is not None:
        start += scheme.end()
        stripped = stripped[scheme.end():]
    if stripped:
        yield _sub(command, word, start, start + len(stripped.rstrip()),
                   f"{tool} '{name.strip()}' header", "AUTH_TOKEN")


def _wget(command: Command) -> Iterator[Credential]:
    opts, _ = getopt(command.args, _WGET_SHORT, _WGET_LONG)
    for opt in opts:
        if opt.value is None:
            continue
        if opt.name in _WGET_PASSWORDS:
            yield _whole(command, opt.value, f"wget {opt.name}", "WGET_PASSWORD")
        elif opt.name == "--header":
            yield from _header(command, opt.value, "wget")


def _sshpass(command: Command) -> Iterator[Credential]:
    opts, _ = getopt(command.args, "pfde", posix=True)
    for opt in opts:
        if opt.name == "-p" and opt.value is not None:
            yield _whole(command, opt.value, "sshpass -p password", "SSHPASS")


def _mysql(command: Command) -> Iterator[Credential]:
    for word in command.args:
        raw = word.raw
        if raw.startswith("-p") and len(raw) > 2 and not raw.startswith("--"):
            yield _sub(command, word, 2, len(raw), f"{command.program} -p password", "MYSQL_PWD")


def _login(command: Command) -> Iterator[Credential]:
    values = [w.value for w in command.args[:2]]
    if "login" not in values and not (command.program == "helm" and "add" in values):
        return
    opts, _ = getopt(command.args, "pu", {"--password", "--username", "-p", "-u"})
    for opt in opts:
        if opt.name in ("-p", "--password") and opt.value is not None:
            yield _whole(command, opt.value, f"{command.program} login password",
                         "REGISTRY_PASSWORD", "~/.docker/config.json"
                         if command.program == "docker" else "")


def _htpasswd(command: Command) -> Iterator[Credential]:
    opts, operands = getopt(command.args, "", ())
    if any(o.name == "-b" for o in opts) and operands:
        yield _whole(command, operands[-1], "htpasswd -b password", "HTPASSWD_PASSWORD")


def _aws(command: Command) -> Iterator[Credential]:
    args = command.args
    values = [w.value or "" for w in args]
    if values[:2] != ["configure", "set"] or len(args) < 4:
        return
    m = _AWS_KEYS.search(values[2])
    if m is not None:
        yield _whole(command, args[3], f"aws configure set {m.group(1)}", m.group(1).upper(),
                     "~/.aws/credentials")


def _az(command: Command) -> Iterator[Credential]:
    if not command.args or command.args[0].value != "login":
        return
    opts, _ = getopt(command.args[1:], "pu", {"--password", "--username", "--federated-token",
                                              "--tenant", "-t"})
    for opt in opts:
        if opt.name in ("-p", "--password", "--federated-token") and opt.value is not None:
            yield _whole(command, opt.value, f"az login {opt.name}", "AZURE_PASSWORD",
                         "~/.azure")


def _doctl(command: Command) -> Iterator[Credential]:
    values = [w.value for w in command.args[:2]]
    if values != ["auth", "init"]:
        return
    opts, _ = getopt(command.args[2:], "t", {"--access-token", "--context"})
    for opt in opts:
        if opt.name in ("-t", "--access-token") and opt.value is not None:
            yield _whole(command, opt.value, "doctl auth init token",
                         "DIGITALOCEAN_ACCESS_TOKEN", "~/.config/doctl")


def _npm(command: Command) -> Iterator[Credential]:
    args = command.args
    values = [w.value or w.raw for w in args]
    if len(values) < 3 or values[0] != "config" or values[1] != "set":
        return
    key_word = args[2]
    key, eq, _ = values[2].partition("=")
    if not _NPM_KEYS.search(key):
        return
    what = f"{command.program} config set {key.rpartition(':')[2]}"
    if eq:
        start = len(key) + 1 if key_word.raw == values[2] else 0
        yield _sub(command, key_word, start, len(key_word.raw), what, "NPM_TOKEN", "~/.npmrc")
    elif len(args) > 3:
        yield _whole(command, args[3], what, "NPM_TOKEN", "~/.npmrc")


def npmrc_writes(command: Command) -> Iterator[Credential]:
    """``_authToken=…`` written into an ``.npmrc``/``.yarnrc`` by echo, printf, cat or tee."""
    targets = [r.target.raw for r in command.redirects
               if r.target is not None and r.op.lstrip("0123456789") in (">", ">>", ">|")]
    if command.program == "tee":
        targets.extend(w.raw for w in command.args)
    if not any(re.search(r"(?:npmrc|yarnrc(?:\.yml)?)['\"]?$", t) for t in targets):
        return
    for word in command.args:
        for m in _NPM_INLINE.finditer(word.raw):
            yield _sub(command, word, m.start("value"), m.end("value"),
                       "npm _authToken written to .npmrc", "NPM_TOKEN", ".npmrc")
    for redirect in command.redirects:
        body = redirect.body
        if body is None:
            continue
        for m in _NPM_INLINE.finditer(body.raw):
            yield _sub(command, body, m.start("value"), m.end("value"),
                       "npm _authToken written to .npmrc", "NPM_TOKEN", ".npmrc")


def _gcloud(command: Command) -> Iterator[Credential]:
    values = [w.value for w in command.args]
    if values[:2] != ["auth", "activate-service-account"]:
        return
    opts, _ = getopt(command.args[2:], "", {"--key-file", "--project", "--password-file"})
    for opt in opts:
        if opt.name == "--key-file" and opt.value is not None:
            yield _whole(command, opt.value, "gcloud auth activate-service-account key",
                         "GOOGLE_APPLICATION_CREDENTIALS", "~/.config/gcloud")


def _secret_options(command: Command) -> Iterator[Credential]:
    """``--password=…``, ``--token=…``, ``--api-key=…`` attached to any command."""
    for word in command.args:
        raw = word.raw
        if not raw.startswith("--") or "=" not in raw:
            continue
        name, _, value = raw[2:].partition("=")
        if name.lower() in _NO_VALUE_FLAGS or not value or not is_secret_name(name):
            continue
        lo, hi = _unquoted_bounds(word)
        if hi > lo:
            yield _sub(command, word, lo, hi, f"--{name}", name.upper().replace("-", "_"))


_HANDLERS = {
    "curl": _curl,
    "wget": _wget,
    "sshpass": _sshpass,
    "htpasswd": _htpasswd,
    "aws": _aws,
    "az": _az,
    "doctl": _doctl,
    "npm": _npm,
    "yarn": _npm,
    "pnpm": _npm,
    "gcloud": _gcloud,
    "echo": npmrc_writes,
    "printf": npmrc_writes,
    "cat": npmrc_writes,
    "tee": npmrc_writes,
}


# --------------------------------------------------------------------------- sources

def variables(text: str) -> list[str]:
    """Variable names that a piece of shell text expands."""
    return _VARIABLE.findall(text)


def source(shared: Facts, run: RunFacts, text: str) -> tuple[str, str | None]:
    """Where a credential comes from: ``literal``, ``arg``/``env`` (with the name), ``secret``
    (a secret mount) or ``unknown`` (set by the script, a command substitution, …)."""
    if run.reads_secret(text):
        return "secret", None
    names = variables(text)
    if not names:
        if "$(" in text or "`" in text:
            return "unknown", None
        return "literal", None
    assigned = {name for c in run.commands() for name, _ in c.assignments}
    kinds = [(shared.variable_kind(run.index, n), n) for n in names]
    if any(kind == "secret" for kind, _ in kinds):
        return "secret", None
    for kind, name in kinds:
        if name in assigned:
            continue
        if kind in ("arg", "env"):
            return kind, name
    return "unknown", None


def literal_worth_reporting(text: str) -> bool:
    """Tell whether a literal credential is real enough to report (not a placeholder)."""
    value = text.strip().strip("\"'")
    if not value or value.lower() in _COMMAND_PLACEHOLDERS:
        return False
    if is_templated(value) or looks_placeholder(value):
        return False
    return provider_match(value) is None
