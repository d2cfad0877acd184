#!/usr/bin/env bash
# docs/errors.md must be what the error table generates.
gen=$1 doc=$2
if diff -u "$doc" <("$gen"); then
  echo "1 passed, 0 failed"
else
  echo "docs/errors.md is stale: run build/tests/build/errors-md > docs/errors.md"
  echo "0 passed, 1 failed"
  exit 1
fi
