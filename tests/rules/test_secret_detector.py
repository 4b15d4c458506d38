"""The secret detector: name classifier, provider formats, entropy, filters.

Every fake credential here is assembled at test time from a seeded generator, so that the
repository itself holds nothing that looks like a leaked token.
"""

from __future__ import annotations

import random
import string

import pytest

from layerwise.rules.secrets.detector import (
    PROVIDERS,
    assignments,
    basic_auth_match,
    context_filtered,
    data_secrets,
    default_credential,
    generic_secret,
    is_path,
    is_placeholder,
    is_sequential,
    is_templated,
    is_variable_reference,
    literal,
    provider_match,
    provider_matches,
    shannon_entropy,
    userinfos,
    value_secret,
)
from layerwise.rules.secrets.files import classify, is_ca_material
from layerwise.rules.secrets.names import is_secret_name, secret_word, words

ALNUM = string.ascii_letters + string.digits
UPPER = string.ascii_uppercase + string.digits
HEX = "0123456789abcdef"


def fake(n: int, alphabet: str = ALNUM, seed: int = 1) -> str:
    """``n`` pseudo-random characters: a reproducible stand-in for a real secret."""
    rng = random.Random(f"{seed}-{n}-{alphabet}")
    return "".join(rng.choice(alphabet) for _ in range(n))


def github_token(seed: int = 1) -> str:
    """A GitHub personal access token shape."""
    return "gh" + "p_" + fake(36, seed=seed)


def aws_key_id(seed: int = 1) -> str:
    """An AWS access key id shape."""
    return "AK" + "IA" + fake(16, UPPER, seed)


def generic_value(seed: int = 1) -> str:
    """A random 20-character value with letters and digits."""
    value = fake(20, seed=seed)
    return value if any(c.isdigit() for c in value) else value[:-1] + "7"


#: AWS's documentation sample keys (gitleaks allowlists them by their EXAMPLE suffix).
AWS_DOC_KEY_ID = "AK" + "IA" + "IOSFODNN7" + "EXAMPLE"
AWS_DOC_SECRET = "wJalr" + "XUtnFEMI/K7MDENG/" + "bPxRfiCY" + "EXAMPLEKEY"
#: The checkov fixture's spelling, which evades that allowlist.
CHECKOV_KEY_ID = "AK" + "IA" + "IOSFODNN7" + "EXAMPL3"


def private_key_header() -> str:
    """The first line of a PEM private key."""
    return "-----BEGIN " + "RSA PRIVATE" + " KEY-----"


#: (provider id, value) for every provider format.
PROVIDER_SAMPLES: list[tuple[str, str]] = [
    ("aws-access-key-id", aws_key_id()),
    ("github-token", github_token()),
    ("github-token", "gh" + "s_" + fake(36, seed=2)),
    ("github-fine-grained-pat", "github" + "_pat_" + fake(82, ALNUM + "_", 3)),
    ("gitlab-pat", "gl" + "pat-" + fake(20, seed=4)),
    ("slack-bot-token", "xo" + "xb-" + fake(12, "0123456789", 5) + "-"
     + fake(12, "0123456789", 6) + "-" + fake(24, seed=7)),
    ("slack-user-token", "xo" + "xp-" + "-".join(fake(12, "0123456789", s) for s in (8, 9, 10))
     + "-" + fake(32, HEX, 11)),
    ("npm-access-token", "np" + "m_" + fake(36, seed=12)),
    ("pypi-upload-token", "py" + "pi-" + "AgEIcHlwaS5vcmc" + fake(64, ALNUM + "-_", 13)),
    ("stripe-access-token", "sk" + "_live_" + fake(24, seed=14)),
    ("openai-api-key", "sk" + "-proj-" + fake(40, seed=15) + "T3Blbk" + "FJ" + fake(40, seed=16)),
    ("anthropic-api-key", "sk" + "-ant-api03-" + fake(93, ALNUM + "-_", 17) + "AA"),
    ("gcp-api-key", "AI" + "za" + fake(35, ALNUM + "-_", 18)),
    ("hashicorp-tf-api-token", fake(14, seed=19) + ".atlas" + "v1." + fake(64, seed=20)),
    ("vault-token", "hv" + "s." + fake(95, seed=21)),
    ("huggingface-access-token", "hf" + "_" + fake(34, string.ascii_letters, 22)),
    ("digitalocean-pat", "dop" + "_v1_" + fake(64, HEX, 23)),
    ("jwt", "ey" + fake(30, seed=24) + ".ey" + fake(40, seed=25) + "." + fake(43, seed=26)),
    ("private-key", private_key_header()),
]


# --------------------------------------------------------------------------- names

@pytest.mark.parametrize("name", [
    "GITHUB_TOKEN", "NPM_TOKEN", "API_KEY", "MY_APIKEY", "apiKey", "DB_PASSWORD", "PASSWORD",
    "LDAP_ROOTPASS", "MG_PASS", "MAIL_PASS", "NAGIOSADMIN_PASS", "DB_PWD", "SSH_PASSPHRASE",
    "PRIVATE_KEY", "CLIENT_SECRET", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
    "SESSION_TOKEN", "LICENSE_KEY", "SENTRY_DSN", "DB_CONNECTION_STRING", "AZURE_CLIENT_ID",
    "OKTA_CLIENT_ID", "GH_PAT", "VITE_OPENAI_API_KEY", "SECRET", "AUTH", "credentials",
    "aws_secret_access_key", "ADMIN_USER_PASSWORD", "GITHUBTOKEN", "KEY",
])
def test_secret_names(name: str) -> None:
    """Deny words, suffix forms, phrases and the known-names list."""
    assert is_secret_name(name)


@pytest.mark.parametrize("name", [
    "GPG_KEY", "GPG_KEYS", "JENKINS_GPG_KEY", "PUBLIC_KEY", "SSH_PUBLIC_KEY",
    "DOCKER_HARDENED_IMAGES_KEYRING_VERSION", "KEYSERVER", "PYTHON_SHA256", "NODE_CHECKSUM",
    "PASSWORD_HASH", "USERNAME", "USER", "SECRET_KEY_FILE", "TOKEN_URL", "API_KEY_NAME",
    "PASSWORD_LENGTH", "AUTH_TYPE", "AUTH_ENABLED", "TOKEN_PATH", "SECRETS_DIR", "KEY_ID",
    "ACCESS_KEY_ID", "AUTH_USER", "PWD", "OLDPWD", "BYPASS_PROXY", "COMPASS_VERSION",
    "NODE_VERSION", "PATH", "AUTHOR", "PASSENGER_APP_ENV", "SHARED_SECRET_FILE",
    "MAX_TOKENS", "JWT_ALGORITHM", "API_KEY_HEADER", "TOKEN_ENDPOINT",
])
def test_names_that_only_describe_a_secret(name: str) -> None:
    """Allow words, checksum/OpenPGP words and look-alike words keep names silent."""
    assert not is_secret_name(name)


def test_words_split_camel_case_and_separators() -> None:
    """Names split at separators and camel-case humps, lower-cased."""
    assert words("apiKey") == ("api", "key")
    assert words("AWS_SECRET-access.KEY") == ("aws", "secret", "access", "key")
    assert words("OAuthToken") == ("o", "auth", "token")


def test_secret_word_names_the_reason() -> None:
    """The classifier tells which word made the name a secret."""
    assert secret_word("LDAP_ROOTPASS") == "rootpass"
    assert secret_word("DB_CONNECTION_STRING") == "connection_string"


# --------------------------------------------------------------------------- providers

@pytest.mark.parametrize(("rule", "value"), PROVIDER_SAMPLES, ids=[r for r, _ in PROVIDER_SAMPLES])
def test_provider_formats(rule: str, value: str) -> None:
    """Each provider format is found, alone and inside a longer text."""
    found = provider_match(value)
    assert found is not None and found.rule == rule and found.provider
    assert found.secret in value
    inside = provider_matches(f"export X='{value}' && echo ok")
    assert [m.rule for m in inside] == [rule]


def test_every_provider_has_a_sample() -> None:
    """The samples cover the whole provider table."""
    covered = {rule for rule, _ in PROVIDER_SAMPLES} | {"aws-secret-access-key"}
    assert covered == {p.id for p in PROVIDERS}


def test_aws_secret_access_key_needs_its_keyword() -> None:
    """A 40-character AWS secret key is found after an aws…key assignment only."""
    secret = fake(40, ALNUM + "/+", 30)
    found = provider_matches(f"aws_secret_access_key = {secret}")
    assert [m.rule for m in found] == ["aws-secret-access-key"]
    assert found[0].secret == secret
    assert not provider_matches(f"checksum = {secret}")


def test_aws_documentation_keys_are_allowed() -> None:
    """gitleaks' allowlist: AWS key ids ending in EXAMPLE are documentation samples."""
    assert provider_match(AWS_DOC_KEY_ID) is None
    assert provider_match(AWS_DOC_SECRET) is None
    assert value_secret("AWS_SECRET_ACCESS_KEY", AWS_DOC_SECRET) is None


def test_checkov_example_spelling_is_found() -> None:
    """``…EXAMPL3`` evades the allowlist (checkov fixture), so it is reported."""
    found = value_secret("AWS_SECRET_ACCESS_KEY", CHECKOV_KEY_ID)
    assert found is not None and found.rule == "aws-access-key-id"


def test_low_entropy_provider_shapes_are_dropped() -> None:
    """A provider shape made of one repeated character is below the entropy minimum."""
    assert provider_match("gh" + "p_" + "a" * 36) is None
    assert provider_match("AK" + "IA" + "X" * 16) is None


# --------------------------------------------------------------------------- entropy

def test_shannon_entropy() -> None:
    """Bits per character over the characters of the text."""
    assert shannon_entropy("") == 0
    assert shannon_entropy("aaaa") == 0
    assert shannon_entropy("abcd") == pytest.approx(2.0)
    assert shannon_entropy("F" * 32 + "0" * 32) == pytest.approx(1.0)


# --------------------------------------------------------------------------- generic

def test_generic_needs_name_length_letters_digits_and_entropy() -> None:
    """The keyword + entropy rule."""
    value = generic_value()
    assert generic_secret("API_KEY", value)
    assert not generic_secret("APP_NAME", value)  # not a secret name
    assert not generic_secret("API_KEY", value[:6])  # too short
    assert not generic_secret("API_KEY", "".join(c for c in value if c.isalpha()) + "x")
    assert not generic_secret("API_KEY", "aaaa1111aaaa1111")  # low entropy


@pytest.mark.parametrize("value", [
    "$API_KEY", "${API_KEY}", "${API_KEY:-x}", "{{ .Values.key }}", "<your-api-key>",
    "XXXXXXXXXXXX", "000000000000", "xxxx-xxxx-xxxx", "00000000-0000-0000-0000-000000000000",
    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123", "0123456789abcdef", "/run/secrets/api_key", "./config/key.pem",
    "https://vault.example.com/v1/key", "true", "your_api_key_here", "changeme-example-123",
    "{api_key1}", "get_secret(name2)", "settings['key3']",
])
def test_generic_filters(value: str) -> None:
    """Templates, indirect references, placeholders, sequences, paths, URLs and switches."""
    assert not generic_secret("API_KEY", value)


def test_context_filters() -> None:
    """UUIDs named as ids, hex checksums and fingerprints, AWS samples."""
    uuid = "72f988bf-86f1-41af-91ab-2d7cd011db47"
    assert context_filtered("AZURE_CLIENT_ID", uuid)
    assert not context_filtered("AZURE_CLIENT_SECRET", uuid)
    assert context_filtered("X", fake(64, HEX), "sha256sum -c")
    assert context_filtered("X", fake(40, HEX).upper(), "gpg --recv-keys")
    assert not context_filtered("API_TOKEN", fake(40, HEX))


def test_value_classes() -> None:
    """The value classifiers used by LW301 and LW303."""
    assert is_variable_reference("$TOKEN") and is_variable_reference("${TOKEN}")
    assert not is_variable_reference("a$TOKEN")
    assert is_templated("{{ token }}") and is_templated("<set-me>") and is_templated("x$Y")
    assert is_path("assets/client/tls/ngrokroot.key") and is_path("/etc/ssl/key.pem")
    assert not is_path(fake(40, ALNUM + "/+", 31))
    assert is_placeholder("XXXXXXXX") and is_placeholder("00000000")
    assert is_placeholder("F" * 16 + "0" * 16) and is_placeholder("<set-me>")
    assert not is_placeholder("changeme")
    assert is_sequential("ABCDEFGH") and is_sequential("12345678") and is_sequential("qwerty")
    assert literal('"abc"') == ("abc", 1) and literal("abc") == ("abc", 0)


@pytest.mark.parametrize("value", ["admin", "password", "root", "secret", "test", "changeme",
                                   "fsociety", "secret123", "Passw0rd"])
def test_default_credentials(value: str) -> None:
    """Dictionary and low-entropy values of secret names (LW303)."""
    assert default_credential("ADMIN_PASSWORD", value)


@pytest.mark.parametrize("value", ["XXXXXXXX", "00000000", "<set-me>", "$PASSWORD", "", "true",
                                   "/run/secrets/pw", "abc"])
def test_not_default_credentials(value: str) -> None:
    """Placeholders, references, paths, switches and tiny values are not defaults."""
    assert not default_credential("ADMIN_PASSWORD", value)
    assert not default_credential("APP_NAME", "admin")


# --------------------------------------------------------------------------- text scanning

def test_userinfo() -> None:
    """URL userinfo with and without a password; ``${VAR}`` counts as text."""
    found = list(userinfos("https://deploy:${PASS}@repo.example.com/x"))
    assert found[0].user == "deploy" and found[0].password == "${PASS}"
    only_user = list(userinfos("https://${TOKEN}@github.com/a/b.git"))
    assert only_user[0].password is None and only_user[0].user == "${TOKEN}"
    secret = generic_value(3)
    match = basic_auth_match(f"postgres://app:{secret}@db:5432/app")
    assert match is not None and match.secret == secret
    assert basic_auth_match("postgres://app:changeme@db/app") is None
    assert basic_auth_match("scheme://user:password@host") is None


def test_assignments_in_config_text() -> None:
    """``key=value``, ``key: value`` and netrc ``password value`` forms."""
    text = "[default]\naws_access_key_id = AKIA\npassword: hunter\nmachine x login u password p\n"
    keys = [k for k, *_ in assignments(text)]
    assert keys == ["aws_access_key_id", "password", "password"]


def test_data_secrets_in_a_file_body() -> None:
    """Provider, generic and URL secrets in a heredoc body, with offsets into it."""
    token = github_token(5)
    value = generic_value(6)
    body = f"token={token}\nclient_secret: {value}\nurl=https://u:{value}x@h/\nname: app\n"
    found = data_secrets(body)
    assert [m.rule for m in found] == ["github-token", "generic-api-key", "basic-auth"]
    for match in found:
        assert body[match.start:match.end] == match.secret


# --------------------------------------------------------------------------- files

@pytest.mark.parametrize(("path", "grave"), [
    ("id_rsa", True), (".ssh/id_ed25519", True), (".ssh", True), (".aws/credentials", True),
    ("gcp-service-account.json", True), ("credentials.json", True), ("server.key", True),
    ("certs/tls.pem", True), ("keystore.jks", True), ("kubeconfig", True),
    (".kube/config", True), (".npmrc", False), (".pypirc", False), (".netrc", False),
    (".git-credentials", False), (".docker/config.json", False), (".env", False),
    (".env.production", False), ("prod.tfvars", False), ("htpasswd", False),
    ("secrets.yml", False),
])
def test_credential_files(path: str, grave: bool) -> None:
    """The catalog's credential file names."""
    found = classify(path)
    assert found is not None and found.grave == grave


@pytest.mark.parametrize("path", [
    "id_rsa.pub", "known_hosts", ".ssh/known_hosts", ".ssh/config", ".env.example",
    ".env.sample", ".env.template", ".env.dist", "meta.env", "cert.crt", "app.py",
    "nodesource.gpg.key", "docker-public.key", ".",
])
def test_not_credential_files(path: str) -> None:
    """Public keys, samples, non-dot *.env and OpenPGP keys."""
    assert classify(path) is None


def test_ca_material() -> None:
    """PEM files in certificate folders or named as CA bundles."""
    assert is_ca_material("/usr/local/share/ca-certificates/corp.pem")
    assert is_ca_material("certs/ca.pem")
    assert not is_ca_material("deploy/server-key.pem")
