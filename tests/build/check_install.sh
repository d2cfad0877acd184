#!/usr/bin/env bash
# Installs the build into a scratch prefix and checks what a user gets:
# the shared library exports only ucql_* symbols, all under the version
# node; the pkg-config file resolves; a program compiled against the
# installed headers links and runs, and its header version matches the
# library's. Prints 'N passed, M failed'.
set -u
build=$1 src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
check() { if eval "$2"; then pass=$((pass+1)); else echo "FAILED: $1"; fail=$((fail+1)); fi; }

meson install -C "$build" --destdir "$tmp" --no-rebuild >/dev/null 2>&1
prefix=$(meson introspect "$build" --buildoptions | /usr/bin/python3 -c 'import json,sys; print([o["value"] for o in json.load(sys.stdin) if o["name"]=="prefix"][0])')
libdir=$(meson introspect "$build" --buildoptions | /usr/bin/python3 -c 'import json,sys; print([o["value"] for o in json.load(sys.stdin) if o["name"]=="libdir"][0])')
root="$tmp$prefix"
so=$(ls "$root/$libdir"/libucql.so.* 2>/dev/null | head -1)
check "shared library installed" '[ -n "$so" ]'
if [ -n "$so" ]; then
  exported=$(nm -D --defined-only "$so" | awk '$2 ~ /^[TDRB]$/ {print $3}')
  check "exports ucql_version" 'echo "$exported" | grep -qx "ucql_version@@UCQL_0.1"'
  check "exports only ucql_* symbols" '! echo "$exported" | grep -v "^ucql_" | grep -v "^UCQL_0.1" | grep -q .'
  check "exports no ucql__ internals" '! echo "$exported" | grep -q "^ucql__"'
  check "every export is versioned" '! echo "$exported" | grep -v "^UCQL_0.1" | grep -v "@@UCQL_0.1" | grep -q .'
fi
pc="$root/$libdir/pkgconfig"
export PKG_CONFIG_PATH="$pc"
check "pkg-config finds ucql" 'pkg-config --exists ucql'
# The file names its install prefix; point it at the scratch root instead.
cflags=$(pkg-config --define-variable=prefix="$root" --cflags ucql 2>/dev/null)
libs=$(pkg-config --define-variable=prefix="$root" --libs ucql 2>/dev/null)
cat > "$tmp/user.c" <<'C'
#include <stdio.h>
#include <ucql/ucql.h>
int main(void)
{
	if (ucql_version_num() != UCQL_VERSION_NUM)
		return 1;
	printf("%s %lld\n", ucql_version(), (long long)ucql_token_murmur3("abc", 3));
	return 0;
}
C
check "user program compiles against installed headers" 'cc -std=c11 -Wall -Wextra -Werror $cflags "$tmp/user.c" -o "$tmp/user" $libs'
check "user program runs with the installed library" '[ "$(LD_LIBRARY_PATH="$root/$libdir" "$tmp/user")" = "0.1.0 -5434086359492102041" ]'
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
