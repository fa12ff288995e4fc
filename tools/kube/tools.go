//go:build tools

// The commands this module builds; the build tag keeps the file out of every compilation while
// `go mod tidy` still records their dependencies in go.sum.
package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
)
