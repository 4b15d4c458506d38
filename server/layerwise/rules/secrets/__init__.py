"""LW3xx: secrets, credentials that reach a layer, the history or the cache."""

from __future__ import annotations

from ..base import Rule
from .lw301_secret_named_arg_env import SecretNamedArgEnv
from .lw302_hardcoded_secret_value import HardcodedSecretValue
from .lw303_default_credential import DefaultCredential
from .lw304_credential_in_command import CredentialInCommand
from .lw305_credential_file_in_image import CredentialFileInImage
from .lw306_context_copy_may_leak import ContextCopyMayLeak
from .lw307_secret_deleted_in_later_layer import SecretDeletedInLaterLayer
from .lw308_secret_mount_persisted import SecretMountPersisted

RULES: tuple[Rule, ...] = (
    SecretNamedArgEnv(),
    HardcodedSecretValue(),
    DefaultCredential(),
    CredentialInCommand(),
    CredentialFileInImage(),
    ContextCopyMayLeak(),
    SecretDeletedInLaterLayer(),
    SecretMountPersisted(),
)
