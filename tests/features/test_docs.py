"""The instruction, flag and ``--mount`` documentation covers what the grammar accepts."""

from __future__ import annotations

from layerwise.features.flag_docs import FLAGS, MOUNT_ALIASES, MOUNT_OPTIONS, MOUNT_TYPES
from layerwise.features.instruction_docs import DIRECTIVES, INSTRUCTIONS, VARIANTS
from layerwise.syntax.directives import KNOWN_DIRECTIVES
from layerwise.syntax.grammar import FLAGS as GRAMMAR_FLAGS
from layerwise.syntax.grammar import MOUNT_KEYS
from layerwise.syntax.nodes import INSTRUCTIONS as KEYWORDS


def test_every_instruction_and_directive_is_documented() -> None:
    assert sorted(INSTRUCTIONS) == sorted(KEYWORDS)
    assert sorted(DIRECTIVES) == sorted(KNOWN_DIRECTIVES)
    for name, doc in INSTRUCTIONS.items():
        assert doc.snippet.startswith(name + " ")
        assert all(form.startswith(name) for form in doc.forms)
        assert doc.url.startswith("https://docs.docker.com/reference/dockerfile/#")
    for label, form, snippet in VARIANTS:
        assert snippet.split()[0] == form.split()[0] == label.split()[0]


def test_every_flag_is_documented() -> None:
    assert sorted(FLAGS) == sorted((inst, flag) for inst, flags in GRAMMAR_FLAGS.items()
                                   for flag in flags)
    for (inst, flag), doc in FLAGS.items():
        boolean = GRAMMAR_FLAGS[inst][flag]
        assert doc.value.startswith("[") == boolean, (inst, flag)


def test_every_mount_key_is_documented_for_its_types() -> None:
    assert set(MOUNT_TYPES) == set(MOUNT_KEYS)
    for kind, keys in MOUNT_KEYS.items():
        documented = {k for k, option in MOUNT_OPTIONS.items() if kind in option.types}
        assert documented <= keys, kind
        assert keys <= documented | set(MOUNT_ALIASES) | {"readonly", "rw"}, kind
