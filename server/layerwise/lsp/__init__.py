"""The language server: a thin adapter from LSP to Layerwise's analysis and features.

``server`` builds and runs it, ``early`` serves the start of a session before pygls is loaded,
``documents`` holds the open documents and their one cached analysis each, ``settings`` resolves
the ``layerwise`` settings, ``wire`` (JSON) and ``convert`` (lsprotocol types) turn core types
into LSP values, ``offer`` is what ``initialize`` answers, and ``handlers`` has one module per
area. Only this package imports pygls and lsprotocol; ``early`` and what it uses never do.
"""
