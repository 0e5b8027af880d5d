#!/usr/bin/env bash
# Whole-process wall time of `./signet job verify` (JVM start included), beside the JVM floor
# (`java -version`) measured in the same run. Needs hyperfine (apt-get install hyperfine).
# Usage: signet-bench/startup.sh [runs]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-30}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
"$root/signet" keygen --key-id bench --private-jwks-file priv.json --public-jwks-file pub.json >/dev/null
cat > pipeline.yml <<'YAML'
env:
  DEPLOY_ENV: staging
steps:
  - label: build
    command: make build
    plugins:
      - docker#v5.11.0:
          image: golang:1.22
    env:
      GOFLAGS: -mod=vendor
YAML
"$root/signet" pipeline sign pipeline.yml --jwks-file priv.json --repo git@github.com:acme/widgets.git > signed.yml
"$root/signet" pipeline jobs signed.yml --repo git@github.com:acme/widgets.git > jobs.json
python3 -c 'import json; json.dump(json.load(open("jobs.json"))[0], open("job.json","w"))'
. "$root/.mvn/find-jdk25.sh"
"$root/signet" job verify job.json --jwks-file pub.json >/dev/null   # creates the CDS archive
hyperfine -N --warmup 3 --runs "$runs" --export-json "$work/result.json" \
  "$JAVA_HOME/bin/java -Xshare:auto -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -version" \
  "$root/signet job verify job.json --jwks-file pub.json"
python3 - "$work/result.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
floor, verify = (sorted(x["times"])[len(x["times"]) // 2] * 1000 for x in r)
print(f"median: JVM floor {floor:.0f} ms, ./signet job verify {verify:.0f} ms ({verify / floor:.1f}x the floor)")
PY
