# Sourced by the build-*.sh scripts: builds one command of a wrapper module into the cache as
# <name>-<version>, reuses it when present, and points <name> at it. Nothing goes to the work tree.
cache="${AGENTFLEET_CACHE:-$HOME/.cache/agentfleet}"
bin="$cache/bin"
mkdir -p "$bin"

build() { # name version module-dir package [ldflags]
  local name=$1 version=$2 module=$3 pkg=$4 ldflags=${5:-} out="$bin/$1-$2"
  if [ -x "$out" ]; then
    echo "build: $name $version cached at $out" >&2
  else
    echo "build: building $name $version from $pkg (first build: several minutes on 2 cores)" >&2
    local start=$SECONDS
    if ! (cd "$module" && CGO_ENABLED=0 go build -buildvcs=false -trimpath \
        -ldflags "-s -w $ldflags" -o "$out.tmp" "$pkg") >&2; then
      rm -f "$out.tmp"
      echo "build: FAILED to build $name from module $pkg (Go error above)" >&2
      exit 1
    fi
    mv "$out.tmp" "$out"
    echo "build: built $name $version in $((SECONDS - start)) s" >&2
  fi
  ln -sfn "$name-$version" "$bin/$name"
}

module_version() { # module-dir module-path
  (cd "$1" && go list -m -f '{{.Version}}' "$2")
}
