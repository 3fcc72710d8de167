#!/usr/bin/env bash
# Rebuilds the Falco chart fixtures of this directory from a falcosecurity/charts git checkout (or bare clone):
#   rebuild.sh /path/to/charts [falco-4.22.0 ...]
# Each fixture is charts/falco at the falco-X.Y.Z tag with its dependencies vendored as directories under
# falco/charts/, as `helm package` stores them, each at the newest tag of the same repository that satisfies the
# Chart.yaml constraint (exact versions and X.Y.* ranges, the only forms these charts use). Documentation and the
# chart's own Go unit tests are left out to keep the fixtures small; everything Helm renders is kept. The archive is
# deterministic: sorted entries, zero timestamps and owners, gzip without a name or time.
set -euo pipefail

repo=${1:?usage: rebuild.sh <falcosecurity/charts checkout> [falco-X.Y.Z ...]}
shift
tags=("$@")
if [ ${#tags[@]} -eq 0 ]; then
  tags=(falco-4.22.0 falco-6.4.1 falco-7.2.1 falco-8.0.5 falco-9.1.0)
fi
out=$(cd "$(dirname "$0")" && pwd)
git=(git --git-dir="$(git -C "$repo" rev-parse --git-dir | sed "s|^\([^/]\)|$repo/\1|")")

# The newest tag <name>-<version> whose version satisfies the constraint.
resolve() {
  local name=$1 constraint=$2 pattern
  pattern="^${name}-$(printf '%s' "$constraint" | sed -e 's/\./\\./g' -e 's/\*/[0-9]+/g')\$"
  "${git[@]}" tag | grep -E "$pattern" | sort -V | tail -1
}

# Copies charts/<name> at a tag to a directory, without documentation and Go tests.
extract() {
  local tag=$1 name=$2 into=$3 work
  work=$(mktemp -d)
  "${git[@]}" archive "$tag" "charts/$name" | tar -x -C "$work"
  rm -rf "$work/charts/$name"/{README.md,README.gotmpl,CHANGELOG.md,BREAKING-CHANGES.md,OWNERS,tests,ci}
  mv "$work/charts/$name" "$into/$name"
  rm -rf "$work"
}

for tag in "${tags[@]}"; do
  stage=$(mktemp -d)
  extract "$tag" falco "$stage"
  mkdir -p "$stage/falco/charts"
  # Dependencies: name and version pairs from Chart.yaml.
  awk '/^dependencies:/ {in_deps=1; next} in_deps && /^[^ -]/ {in_deps=0}
       in_deps && /name:/ {gsub(/["'\'' ]/, "", $0); sub(/^-?name:/, ""); name=$0}
       in_deps && /version:/ {gsub(/["'\'' ]/, "", $0); sub(/^-?version:/, ""); print name, $0}' \
    "$stage/falco/Chart.yaml" |
    while read -r name constraint; do
      dependency=$(resolve "$name" "$constraint")
      if [ -z "$dependency" ]; then
        echo "no tag of $name satisfies $constraint (needed by $tag)" >&2
        exit 1
      fi
      extract "$dependency" "$name" "$stage/falco/charts"
      echo "$tag: $dependency"
    done
  tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner --format=ustar -C "$stage" -cf - falco |
    gzip -9 -n >"$out/$tag.tgz"
  rm -rf "$stage"
done
