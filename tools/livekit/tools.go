//go:build tools

// The command this module builds; the build tag keeps the file out of every compilation while
// `go mod tidy` still records its dependencies in go.sum.
package tools

import (
	_ "github.com/livekit/livekit-server/cmd/server"
)
