"""Where settings come from and which apply to a document (no server needed)."""

from __future__ import annotations

from pathlib import Path

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


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return folder / name


def test_config_file_under_editor_settings(tmp_path: Path) -> None:
    write(tmp_path, ".layerwise.toml",
          'select = ["LW0"]\ntarget = "a"\n[rules]\nLW001 = "hint"\nLW006 = "off"\n')
    uri = (tmp_path / "app" / "Dockerfile").as_uri()
    store = SettingsStore()
    assert store.for_uri(uri) == Settings(rules={"LW001": "hint", "LW006": "off"},
                                          select=("LW0",), target="a")
    store.set_pushed({"rules": {"LW006": "error"}, "target": "b", "select": [],
                      "diagnostics": {"enable": True}})  # at their defaults: not overriding
    assert store.for_uri(uri) == Settings(rules={"LW001": "hint", "LW006": "error"},
                                          select=("LW0",), target="b")
    assert store.for_uri("untitled:Untitled-1") == Settings(rules={"LW006": "error"},
                                                            target="b")


def test_the_nearest_file_applies_and_pyproject_needs_its_table(tmp_path: Path) -> None:
    write(tmp_path, "pyproject.toml", '[tool.layerwise]\ntarget = "outer"\n')
    write(tmp_path / "inner", "pyproject.toml", '[project]\nname = "x"\n')
    write(tmp_path / "inner" / "deep", ".layerwise.toml", 'target = "deep"\n')
    store = SettingsStore()
    assert store.for_uri((tmp_path / "inner" / "Dockerfile").as_uri()).target == "outer"
    assert store.for_uri((tmp_path / "inner" / "deep" / "x" / "Dockerfile").as_uri()).target \
        == "deep"


def test_reloading_config_files(tmp_path: Path) -> None:
    config = write(tmp_path, ".layerwise.toml", 'target = "a"\n')
    uri = (tmp_path / "Dockerfile").as_uri()
    store = SettingsStore()
    assert store.for_uri(uri).target == "a"
    epoch = store.epoch
    assert not store.reload_config_files() and store.epoch == epoch  # nothing changed
    config.write_text('target = "b"\n', encoding="utf-8")
    assert store.for_uri(uri).target == "a"  # cached until reloaded
    assert store.reload_config_files() and store.epoch == epoch + 1
    assert store.for_uri(uri).target == "b"
    config.unlink()
    assert store.reload_config_files() and store.for_uri(uri) == Settings()


def test_an_invalid_config_file_gets_one_message_until_fixed(tmp_path: Path) -> None:
    config = write(tmp_path, ".layerwise.toml", "target = 3\n")
    store = SettingsStore()
    store.set_pushed({"select": ["LW1"]})
    one, two = ((tmp_path / name / "Dockerfile").as_uri() for name in ("one", "two"))
    assert store.for_uri(one) == store.for_uri(two) == Settings(select=("LW1",))
    [message] = store.take_file_messages()
    assert f"{config}: target: expected a string, got int 3" in message
    store.set_pushed({"select": ["LW0"]})
    store.reload_config_files()
    assert store.for_uri(one).select == ("LW0",)
    assert store.take_file_messages() == []  # the same problem: shown once
    config.write_text('ignore = ["LW001"]\n', encoding="utf-8")
    assert store.reload_config_files() and store.for_uri(one).ignore == ("LW001",)
    assert store.take_file_messages() == []
    config.write_text("target = 3\n", encoding="utf-8")
    store.reload_config_files()
    assert len(store.take_file_messages()) == 1  # broken again: said again
    assert store.take_message() is None  # the editor settings are fine


def test_unknown_rule_keys_are_dropped_with_one_message() -> None:
    store = SettingsStore()
    store.set_pushed({"rules": {"LW999": "off", "LW106": "off"},
                      "select": ["LW1", "no-such-rule"], "ignore": ["LW9"], "target": "a"})
    assert store.for_uri("file:///x") == Settings(rules={"LW106": "off"}, select=("LW1",),
                                                  target="a")
    message = store.take_message()
    assert message is not None and message.startswith(
        "Layerwise: ignoring unknown rules in settings: ")
    for part in ("'LW999' @ layerwise.rules", "'no-such-rule' @ layerwise.select",
                 "'LW9' @ layerwise.ignore"):
        assert part in message
    assert store.take_message() is None  # shown once
    store.set_pushed({"rules": {"LW999": "off", "LW106": "off"}, "select": ["LW1", "no-such-rule"],
                      "ignore": ["LW9"], "target": "a"})
    assert store.take_message() is None  # the same problems again: still once
    store.set_pushed({"rules": {"LW106": "off"}})
    assert store.take_message() is None and store.problems == []


def test_unknown_rule_keys_in_a_folder_layer_keep_the_rest_of_it() -> None:
    store = SettingsStore()
    store.folder_uris = ["file:///w"]
    store.take_configuration_result([{"target": "a"}, {"rules": {"LW999": "off"}, "target": "b"}])
    assert store.for_uri("file:///w/Dockerfile") == Settings(target="b")
    assert store.problems == ["unknown rule, name or prefix 'LW999' @ layerwise.rules"]


def test_unknown_rule_keys_with_other_problems_invalidate_the_settings() -> None:
    store = SettingsStore()
    store.set_pushed({"rules": {"LW999": "off", "LW106": "off"}, "target": 3})
    assert store.for_uri("file:///x") == Settings()
    message = store.take_message()
    assert message is not None and message.startswith("Layerwise: invalid settings, ignoring")
    assert "layerwise.target" in message and "'LW999' @ layerwise.rules" in message


def test_a_config_file_with_unknown_rule_keys_applies_without_them(tmp_path: Path) -> None:
    config = write(tmp_path, ".layerwise.toml",
                   'target = "a"\nselect = ["LW1", "LW999"]\n[rules]\nLW106 = "off"\n'
                   'no-such-rule = "hint"\n')
    store = SettingsStore()
    one, two = ((tmp_path / name / "Dockerfile").as_uri() for name in ("one", "two"))
    expected = Settings(rules={"LW106": "off"}, select=("LW1",), target="a")
    assert store.for_uri(one) == store.for_uri(two) == expected
    [message] = store.take_file_messages()
    assert message == ("Layerwise: ignoring unknown rules in config file: "
                       f"{config}: select: unknown rule, name or prefix 'LW999'; "
                       f"{config}: rules: unknown rule, name or prefix 'no-such-rule'")
    assert not store.reload_config_files() and store.take_file_messages() == []
    assert store.take_message() is None  # the editor settings are fine

    config.write_text('target = 3\n[rules]\nLW999 = "off"\n', encoding="utf-8")
    assert store.reload_config_files() and store.for_uri(one) == Settings()
    [message] = store.take_file_messages()  # other problems too: the file is ignored
    assert message.startswith("Layerwise: invalid config file, ignoring it: ")
    assert f"{config}: rules: unknown rule, name or prefix 'LW999'" in message
