#!/usr/bin/env bash
# Builds the real Kubernetes control plane the tests and the sandbox run: kube-apiserver and
# kube-controller-manager from k8s.io/kubernetes, and etcd from go.etcd.io/etcd/server/v3, through
# the wrapper module in tools/kube (versions pinned in its go.mod and go.sum). The binaries go to
# $AGENTFLEET_CACHE/bin (default ~/.cache/agentfleet/bin) as <name>-<version> and are reused when
# present; nothing is written to the work tree. Prints the folder holding the binaries last.
#
# First build on 2 cores: about 10-15 minutes (the Go module download and compile); later runs: none.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
module="$here/kube"
cache="${AGENTFLEET_CACHE:-$HOME/.cache/agentfleet}"
bin="$cache/bin"
kube_version=$(cd "$module" && go list -m -f '{{.Version}}' k8s.io/kubernetes)
etcd_version=$(cd "$module" && go list -m -f '{{.Version}}' go.etcd.io/etcd/server/v3)
mkdir -p "$bin"

build() { # name version package [ldflags]
  local name=$1 version=$2 pkg=$3 ldflags=${4:-} out="$bin/$1-$2"
  if [ -x "$out" ]; then
    echo "build-kube: $name $version cached at $out" >&2
  else
    echo "build-kube: building $name $version from $pkg (first build: several minutes on 2 cores)" >&2
    local start=$SECONDS
    if ! (cd "$module" && CGO_ENABLED=0 go build -buildvcs=false -trimpath -ldflags "-s -w $ldflags" -o "$out.tmp" "$pkg") >&2; then
      rm -f "$out.tmp"
      echo "build-kube: FAILED to build $name from module $pkg (Go error above)" >&2
      exit 1
    fi
    mv "$out.tmp" "$out"
    echo "build-kube: built $name $version in $((SECONDS - start)) s" >&2
  fi
  ln -sfn "$name-$version" "$bin/$name"
}

total=$SECONDS
build etcd "$etcd_version" ./etcd
# Without the version stamped in, the servers report v0.0.0 and kubectl warns about the skew.
minor=$(echo "$kube_version" | cut -d. -f2)
stamp="-X k8s.io/component-base/version.gitVersion=$kube_version -X k8s.io/component-base/version.gitMajor=1"
stamp="$stamp -X k8s.io/component-base/version.gitMinor=$minor -X k8s.io/component-base/version.gitTreeState=clean"
build kube-apiserver "$kube_version" k8s.io/kubernetes/cmd/kube-apiserver "$stamp"
build kube-controller-manager "$kube_version" k8s.io/kubernetes/cmd/kube-controller-manager "$stamp"
echo "build-kube: control plane ready in $((SECONDS - total)) s" >&2
echo "$bin"
