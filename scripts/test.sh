#!/usr/bin/env bash
# Builds every module, runs all tests and installs the artifacts in the local Maven repository (kernels against exact values, SQL through one local
# SparkSession per test JVM). Surefire passes Spark's Java 17 --add-opens flags (see pom.xml).
set -euo pipefail
cd "$(dirname "$0")/.."
# install, not verify: the SparkSubmit ITs resolve the job's Spark classpath through Maven, which
# finds the sibling modules (core, the Spark layer) only once they are in the local repository.
exec mvn -B -ntp -Dstyle.color=never install "$@"
