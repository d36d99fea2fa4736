#!/usr/bin/env bash
# Java for the Spark engine (`journey run --engine spark`): pyspark runs Spark in local mode inside
# the dbt process, on the Java 17 runtime of Debian's openjdk-17-jre-headless.
#
#   scripts/spark.sh install     install Debian's openjdk-17-jre-headless when no Java 17 is found
#   scripts/spark.sh java-home   print the JAVA_HOME the pipeline uses (exit 3 when there is none)
#
# The pipeline finds Java by itself (JAVA_HOME when set, else Debian's Java 17): nothing else
# needs configuring. Spark's jars come with pyspark from PyPI; nothing is downloaded at run time.
set -euo pipefail

command=${1:-}

say() { echo "spark: $*" >&2; }
# shellcheck source=scripts/debian.sh
source "${BASH_SOURCE[0]%/*}/debian.sh"

java_home() {
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
    echo "$JAVA_HOME"
    return 0
  fi
  local found
  found=$(ls -d /usr/lib/jvm/java-17-openjdk-* 2>/dev/null | sort | tail -n 1 || true)
  if [ -n "$found" ] && [ -x "$found/bin/java" ]; then
    echo "$found"
    return 0
  fi
  return 3
}

install_java() {
  if java_home >/dev/null; then
    return 0
  fi
  apt_install spark openjdk-17-jre-headless
  java_home >/dev/null || { say "no Java 17 in /usr/lib/jvm after the install"; exit 1; }
}

case "$command" in
  install) install_java ;;
  java-home)
    java_home || { say "no Java 17: scripts/spark.sh install"; exit 3; }
    ;;
  *)
    echo "usage: scripts/spark.sh install|java-home" >&2
    exit 2
    ;;
esac
