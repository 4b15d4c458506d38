"""The language server: a thin adapter from LSP to Layerwise's analysis and features.

``server`` builds and runs it, ``documents`` holds the open documents and their one cached
analysis each, ``settings`` resolves the ``layerwise`` settings, ``convert`` is the one place that
turns core types into LSP types, and ``handlers`` has one module per area. Only this package
imports pygls and lsprotocol.
"""
