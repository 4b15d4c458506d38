"""Reading a file other than the Dockerfile before a fix appends to it."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from layerwise.features.actions.other_files import Uneditable, current_text


def test_text_as_an_editor_shows_it(tmp_path: Path) -> None:
    path = tmp_path / ".dockerignore"
    assert current_text(path) is None  # missing: to be created
    path.write_bytes(codecs.BOM_UTF8 + b"node_modules\r\n*.pem")
    assert current_text(path) == "node_modules\r\n*.pem"


@pytest.mark.parametrize("data", [
    codecs.BOM_UTF16_LE + ".env\n".encode("utf-16-le"),  # BuildKit would not read it either
    b"node_modules\n\0\0",
    b"caf\xe9\n",
])
def test_files_that_must_not_be_appended_to(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / ".dockerignore"
    path.write_bytes(data)
    with pytest.raises(Uneditable):
        current_text(path)


def test_a_folder_is_not_a_file(tmp_path: Path) -> None:
    (tmp_path / ".dockerignore").mkdir()
    with pytest.raises(Uneditable, match="not a regular file"):
        current_text(tmp_path / ".dockerignore")
