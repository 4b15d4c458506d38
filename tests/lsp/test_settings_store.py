"""Where settings come from and which apply to a document (no server needed)."""

from __future__ import annotations

from layerwise.config import Settings
from layerwise.lsp.settings import SettingsStore


def test_layers_and_folders() -> None:
    store = SettingsStore()
    store.set_initialization_options({"layerwise": {"rules": {"LW001": "off"}, "target": "a"}})
    store.folder_uris = ["file:///w/one", "file:///w/two/"]
    store.take_configuration_result([
        {"rules": {"LW006": "hint"}},
        {"target": "b"},
        None,
    ])
    outside = store.for_uri("file:///elsewhere/Dockerfile")
    assert outside == Settings(rules={"LW001": "off", "LW006": "hint"}, target="a")
    one = store.for_uri("file:///w/one/sub/Dockerfile")
    assert one == Settings(rules={"LW001": "off", "LW006": "hint"}, target="b")
    assert store.for_uri("file:///w/one-more/Dockerfile") == outside  # not inside `one`
    assert store.for_uri("file:///w/two/Dockerfile") == outside
    assert store.problems == [] and store.take_message() is None


def test_pushed_settings_accept_the_section_or_its_content() -> None:
    store = SettingsStore()
    store.set_pushed({"layerwise": {"select": ["LW0"]}})
    assert store.for_uri("file:///x").select == ("LW0",)
    store.set_pushed({"select": ["LW1"]})
    assert store.for_uri("file:///x").select == ("LW1",)


def test_invalid_settings_give_defaults_and_one_message() -> None:
    store = SettingsStore()
    store.set_pushed({"rules": {"LW001": "loud"}, "colour": "red"})
    assert store.for_uri("file:///x") == Settings()
    message = store.take_message()
    assert message is not None and "layerwise.rules" in message and "colour" in message
    assert store.take_message() is None  # shown once
    store.set_pushed({"rules": {"LW001": "loud"}, "colour": "red"})
    assert store.take_message() is None  # the same problem again: still once
    store.set_pushed({})
    assert store.take_message() is None and store.problems == []
    store.set_pushed([1, 2])
    assert store.take_message() is not None
