#!/usr/bin/env bash
# Builds every module and runs all tests (kernels against exact values, SQL through one local
# SparkSession per test JVM). Surefire passes Spark's Java 17 --add-opens flags (see pom.xml).
set -euo pipefail
cd "$(dirname "$0")/.."
exec mvn -B -ntp -Dstyle.color=never verify "$@"
