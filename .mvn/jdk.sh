# Heed needs JDK 25 or newer to build and run. Sourced by ./mvnw and .ci/run (POSIX sh):
# heed_find_jdk keeps JAVA_HOME when it is a JDK 25+, else takes the java on the PATH when that is
# 25+, else the newest JDK 25+ under /usr/lib/jvm, and exports JAVA_HOME (saying so on stderr when
# it changed it). Without any, it prints the exact instruction and returns 1.

# Major version of the JDK home $1 ("25"), from its release file; empty if it is not a JDK.
heed_java_major() {
  if [ -x "$1/bin/java" ] && [ -r "$1/release" ]; then
    sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release"
  fi
}

heed_find_jdk() {
  heed_required=25
  if [ -n "${JAVA_HOME-}" ]; then
    heed_major=$(heed_java_major "$JAVA_HOME")
    if [ -n "$heed_major" ] && [ "$heed_major" -ge "$heed_required" ]; then
      return 0
    fi
  fi
  heed_found=""
  heed_found_major=0
  if command -v java >/dev/null 2>&1; then
    heed_home=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
    heed_major=$(heed_java_major "$heed_home")
    if [ -n "$heed_major" ] && [ "$heed_major" -ge "$heed_required" ]; then
      heed_found=$heed_home
      heed_found_major=$heed_major
    fi
  fi
  if [ -z "$heed_found" ] && [ -d /usr/lib/jvm ]; then
    for heed_name in $(ls /usr/lib/jvm); do
      heed_home=/usr/lib/jvm/$heed_name
      heed_major=$(heed_java_major "$heed_home")
      if [ -n "$heed_major" ] && [ "$heed_major" -ge "$heed_required" ] \
        && [ "$heed_major" -gt "$heed_found_major" ]; then
        heed_found=$heed_home
        heed_found_major=$heed_major
      fi
    done
  fi
  if [ -z "$heed_found" ]; then
    echo "error: Heed needs JDK $heed_required or newer; JAVA_HOME is '${JAVA_HOME:-unset}' and there" \
      "is no JDK $heed_required+ on the PATH or under /usr/lib/jvm. Install one (for example" \
      "Temurin $heed_required) and set JAVA_HOME to it." >&2
    return 1
  fi
  if [ "${JAVA_HOME-}" != "$heed_found" ]; then
    echo "Using JDK $heed_found_major at $heed_found (JAVA_HOME was '${JAVA_HOME:-unset}')" >&2
    JAVA_HOME=$heed_found
    export JAVA_HOME
  fi
  return 0
}
