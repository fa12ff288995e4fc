#!/usr/bin/env bash
# Builds the real Kubernetes control plane the tests and the sandbox run: kube-apiserver and
# kube-controller-manager from k8s.io/kubernetes, and etcd from go.etcd.io/etcd/server/v3, through
# the wrapper module in tools/kube (versions pinned in its go.mod and go.sum). The binaries go to
# $AGENTFLEET_CACHE/bin (default ~/.cache/agentfleet/bin) as <name>-<version> and are reused when
# present; nothing is written to the work tree. Prints the folder holding the binaries last.
#
# First build on 2 cores: about 15 minutes (module download and compile); later runs: none.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/go-binary.sh"
module="$here/kube"
kube_version=$(module_version "$module" k8s.io/kubernetes)
etcd_version=$(module_version "$module" go.etcd.io/etcd/server/v3)

total=$SECONDS
build etcd "$etcd_version" "$module" ./etcd
# Without the version stamped in, the servers report v0.0.0 and kubectl warns about the skew.
minor=$(echo "$kube_version" | cut -d. -f2)
stamp="-X k8s.io/component-base/version.gitVersion=$kube_version -X k8s.io/component-base/version.gitMajor=1"
stamp="$stamp -X k8s.io/component-base/version.gitMinor=$minor -X k8s.io/component-base/version.gitTreeState=clean"
build kube-apiserver "$kube_version" "$module" k8s.io/kubernetes/cmd/kube-apiserver "$stamp"
build kube-controller-manager "$kube_version" "$module" k8s.io/kubernetes/cmd/kube-controller-manager "$stamp"
echo "build-kube: control plane ready in $((SECONDS - total)) s" >&2
echo "$bin"
