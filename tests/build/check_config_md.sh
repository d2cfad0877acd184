#!/usr/bin/env bash
# docs/CONFIGURATION.md must be what the property table generates.
gen=$1 doc=$2
if diff -u "$doc" <("$gen"); then
  echo "1 passed, 0 failed"
else
  echo "docs/CONFIGURATION.md is stale: run build/tests/build/config-md > docs/CONFIGURATION.md"
  echo "0 passed, 1 failed"
  exit 1
fi
