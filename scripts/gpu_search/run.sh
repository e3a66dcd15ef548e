#!/bin/bash
# Run on a lent GPU machine, from the checkout's root, with .gpu/ (pack.py's output) and
# .whl/ (Keras and its two missing needs as cp312 wheels) carried:
#   CONFIGS="recipe2" BUDGET=450 bash scripts/gpu_search/run.sh
# One configuration at a time: several processes sharing the GPU ran ten times slower.
set -u
python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --target /tmp/site .whl/*.whl || exit 1
export PYTHONPATH=/tmp/site KERAS_BACKEND=jax XLA_PYTHON_CLIENT_PREALLOCATE=false PYTHONUNBUFFERED=1
OUT=${OUT:-/tmp/out}
mkdir -p "$OUT"
for config in ${CONFIGS:-recipe2}; do
    timeout "${LIMIT:-400}" python3 scripts/gpu_search/search.py "$config" "$OUT" 2>&1 \
        | grep -v -e 'os.fork()' -e 'self.pid' | tee "$OUT/$config.log"
done
