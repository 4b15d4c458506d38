"""Code actions: refactorings and quick fixes as text edits."""
