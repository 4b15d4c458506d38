"""LSP handlers, one module per area; each has ``register(server)``.

A handler gets the document and its cached analysis from the server's document store, calls a
pure function of ``layerwise.features`` (or the rules), and converts the result with
``layerwise.lsp.convert``. Handlers import their feature modules when first called: only what
the first diagnostics need sits on the path from start-up to publishing them.
"""
