#!/usr/bin/env bash
# Prints the classpath of a module's Maven-resolved jars, for scripts that start a JVM.
#   scripts/classpath.sh bench            runtime scope (Spark is a compile dependency there)
#   scripts/classpath.sh job spark  Spark and its dependencies, without our own jars
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/jvm-options.sh
module="$1"
kind="${2:-runtime}"
out="$PWD/$module/target/classpath-$kind.txt"
if [[ ! -s "$out" || "$module/pom.xml" -nt "$out" || pom.xml -nt "$out" ]]; then
  if [[ "$kind" == spark ]]; then
    # compile scope includes `provided`, where the job keeps Spark; our code comes from the job jar
    options=(-DincludeScope=compile -DexcludeGroupIds=io.sparkxent)
  else
    options=(-DincludeScope=runtime)
  fi
  quiet_mvn dependency:build-classpath -pl "$module" -Dmdep.outputFile="$out" "${options[@]}"
fi
cat "$out"
