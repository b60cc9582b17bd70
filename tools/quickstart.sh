#!/bin/sh
# quickstart.sh: from a fresh clone to glassbox running on the bundled sample.
# Installs missing Debian packages (as root), bootstraps, configures, builds,
# then opens glassbox.  Extra arguments are passed to glassbox.
set -e
cd "$(dirname "$0")/.."
sh tools/deps.sh
[ -x configure ] || ./autogen.sh >/dev/null
[ -f Makefile ] || ./configure --quiet
make -j"$(nproc 2>/dev/null || echo 2)" >/dev/null
exec ./glassbox "$@"
