#!/usr/bin/env python3
"""Reads meson testlog.json files and prints one line: 'N passed, M failed'.

Counts individual test cases where the runner reports them (Criterion's
Synthesis line, or a line 'N passed, M failed' that our own runners print);
otherwise one per meson test. Exits 1 if anything failed or nothing ran.
"""
import json
import re
import sys

CRITERION = re.compile(r"Synthesis: Tested: (\d+) \| Passing: (\d+) \| Failing: (\d+) \| Crashing: (\d+)")
PLAIN = re.compile(r"^(?:\w+: )?(\d+) passed, (\d+) failed", re.M)
ANSI = re.compile(r"\x1b\[[0-9;]*m")
# A sanitizer report fails the test whatever its runner's exit status said:
# Criterion, for one, ignores a forked test worker's LeakSanitizer report.
SANITIZER = re.compile(r"ERROR: (?:Address|Leak|Thread|Memory)Sanitizer|: runtime error: ")

passed = failed = 0
failures = []
for arg in sys.argv[1:]:
    build, suite, path = arg.split(":", 2)
    if path == "-":
        failed += 1
        failures.append(f"{build}: the build failed (errors above)")
        continue
    try:
        with open(path) as f:
            entries = [json.loads(line) for line in f if line.strip()]
    except FileNotFoundError:
        failed += 1
        failures.append(f"{build}/{suite}: no test log (did the suite run?)")
        continue
    if not entries:
        failed += 1
        failures.append(f"{build}/{suite}: no tests")
    for e in entries:
        out = ANSI.sub("", (e.get("stdout") or "") + (e.get("stderr") or ""))
        ok = e.get("result") in ("OK", "EXPECTEDFAIL", "SKIP")
        m = CRITERION.findall(out)
        p = PLAIN.findall(out)
        if m:
            tp = sum(int(x[1]) for x in m)
            tf = sum(int(x[2]) + int(x[3]) for x in m)
        elif p:
            tp = int(p[-1][0])
            tf = int(p[-1][1])
        else:
            tp, tf = (1, 0) if ok else (0, 1)
        result = e.get("result")
        if SANITIZER.search(out):
            ok = False
            tf = max(tf, 1)
            tp = max(tp - 1, 0)
            result = "sanitizer report in its output"
        if not ok and tf == 0:
            tf = 1  # crashed or timed out after its counts
        passed += tp
        failed += tf
        if tf:
            failures.append(f"{build}/{suite}/{e.get('name')}: {result}")

for f in failures:
    print("FAILED:", f)
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed or passed == 0 else 0)
