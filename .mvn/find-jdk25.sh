# Sourced by ./signet, ./mvnw and .ci/run: exports JAVA_HOME pointing at a JDK 25 or newer.
# Order: $JAVA_HOME, `java` on PATH, then /usr/lib/jvm/* (the machine's default java is 17).
signet_java_major() {
  # The JDK's release file names its version; reading it is ~100x cheaper than starting a JVM.
  if [ -f "$1/release" ]; then
    sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release" | head -n 1
  else
    "$1/bin/java" -XshowSettings:properties -version 2>&1 |
      sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n 1
  fi
}
signet_find_jdk25() {
  candidates=""
  [ -n "${JAVA_HOME:-}" ] && candidates="$JAVA_HOME"
  if command -v java >/dev/null 2>&1; then
    j=$(readlink -f "$(command -v java)" 2>/dev/null) && candidates="$candidates ${j%/bin/java}"
  fi
  # ls, not a glob: mvnw runs with `set -f`.
  for d in $(ls /usr/lib/jvm 2>/dev/null); do candidates="$candidates /usr/lib/jvm/$d"; done
  for c in $candidates; do
    [ -x "$c/bin/java" ] && [ -x "$c/bin/javac" ] || continue
    v=$(signet_java_major "$c")
    if [ -n "$v" ] && [ "$v" -ge 25 ]; then echo "$c"; return 0; fi
  done
  return 1
}
if ! SIGNET_JDK=$(signet_find_jdk25); then
  echo "signet: no JDK 25 found (looked at JAVA_HOME, java on PATH, /usr/lib/jvm/*); install a JDK 25 and set JAVA_HOME" >&2
  exit 2
fi
JAVA_HOME="$SIGNET_JDK"
export JAVA_HOME
