#!/usr/bin/env bash
# Benchmark the language server over stdio against docker-langserver (not a test); an empty
# pygls server gives the start-up baseline.
# Uses the workplace's stdlib LSP benchmark (../shared/tools/bench/lspbench.py) and generated
# Dockerfiles from bench/generate.py. Usage: bench/bench_lsp.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-3}"
out=".cache/bench"
mkdir -p "$out/files"
python="${PYTHON:-.venv/bin/python}"
[ -x "$python" ] || python="$(command -v python3)"
for n in 300 2000 10000; do
  "$python" -c "import sys; sys.path.insert(0, 'bench'); from generate import generate; \
open('$out/files/Dockerfile.$n', 'w').write(generate($n))"
done
if [ ! -x "$out/node/node_modules/.bin/docker-langserver" ]; then
  npm install --silent --prefix "$out/node" dockerfile-language-server-nodejs@0.15.0 >/dev/null
fi
# An installed wheel has its bytecode compiled (pygls's is); an editable checkout run with
# PYTHONDONTWRITEBYTECODE would compile every module at every spawn.
"$python" -m compileall -q server/layerwise
bench="${LSPBENCH:-../shared/tools/bench/lspbench.py}"
"$python" "$bench" bench --runs "$runs" --edits 20 \
  --server "$python -m layerwise --stdio" --label layerwise \
  --server "$out/node/node_modules/.bin/docker-langserver --stdio" --label docker-langserver \
  --server "$python bench/empty_pygls_server.py" --label empty-pygls \
  "$out"/files/Dockerfile.300 "$out"/files/Dockerfile.2000 "$out"/files/Dockerfile.10000
