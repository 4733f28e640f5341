#!/usr/bin/env bash
# Prints the runtime classpath of a module (Maven-resolved jars), for scripts that start a JVM.
#   scripts/classpath.sh bench
set -euo pipefail
cd "$(dirname "$0")/.."
module="$1"
out="$PWD/$module/target/classpath.txt"
if [[ ! -s "$out" || "$module/pom.xml" -nt "$out" || pom.xml -nt "$out" ]]; then
  mvn -B -q -ntp -Dstyle.color=never dependency:build-classpath -pl "$module" \
    -Dmdep.outputFile="$out" -Dmdep.includeScope=runtime >&2
fi
cat "$out"
