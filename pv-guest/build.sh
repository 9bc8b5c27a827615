#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Build Veneer's guest kernel: Debian's linux-source-6.1, our patch series
# (pv-guest/series) and our config fragment (pv-guest/veneer.config) on top of
# `make tinyconfig`.
#
# The result is cached outside the checkout, keyed by everything that goes
# into it (source package version, this script, the fragment, the series and
# every patch it names), so a second `make` or CI on the same machine reuses
# it:
#
#   $VENEER_CACHE/linux-<key>/{vmlinux,bzImage,config,build.log}
#
# VENEER_CACHE defaults to ~/.cache/veneer. The script prints one line per
# stage; the compiler's output goes to build.log in the cache directory.
#
# Usage: pv-guest/build.sh <output-dir>
#   Links <output-dir>/{vmlinux,bzImage,config} to the cached build.
#   pv-guest/build.sh --key prints the cache key and exits.

set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
cache=${VENEER_CACHE:-$HOME/.cache/veneer}
tarball=/usr/src/linux-source-6.1.tar.xz
fragment=$here/veneer.config
series=$here/series

die() { echo "guest-kernel: error: $*" >&2; exit 1; }

# The patch names listed in the series file, in order.
series_patches() {
	sed -e 's/#.*//' -e 's/[[:space:]]*$//' "$series" | awk 'NF { print $1 }'
}

cache_key() {
	local srcver
	srcver=$(dpkg-query -W -f='${Version}' linux-source-6.1 2>/dev/null) ||
		die "linux-source-6.1 is not installed (run scripts/install-deps)"
	{
		echo "linux-source-6.1 $srcver"
		sha256sum "$0" "$fragment" "$series" | awk '{ print $1 }'
		local p
		for p in $(series_patches); do
			[ -f "$here/$p" ] || die "series names $p, which is not in pv-guest/"
			sha256sum "$here/$p" | awk '{ print $1 }'
		done
	} | sha256sum | cut -c1-16
}

if [ "${1:-}" = "--key" ]; then
	cache_key
	exit 0
fi
[ $# -eq 1 ] || die "usage: $0 <output-dir> | --key"
outdir=$1

[ -f "$tarball" ] || die "$tarball is missing (run scripts/install-deps)"
key=$(cache_key)
dest=$cache/linux-$key
mkdir -p "$cache"

link_outputs() {
	mkdir -p "$outdir"
	local f
	for f in vmlinux bzImage config build.log; do
		ln -sfn "$dest/$f" "$outdir/$f"
	done
	echo "$key" > "$outdir/key"
}

# Two builds of the same key (say, two make invocations) must not race.
exec 9> "$cache/linux-$key.lock"
flock 9

if [ -f "$dest/done" ]; then
	echo "guest-kernel: cached build $dest"
	link_outputs
	exit 0
fi

started=$(date +%s)
stage() { echo "guest-kernel: [$(( $(date +%s) - started ))s] $*"; }

# Only the newest tree's sources are kept; older builds keep their outputs.
# A tree whose build is running (its key's lock is held) is left alone.
for old in "$cache"/linux-*/src; do
	[ -d "$old" ] && [ "$old" != "$dest/src" ] || continue
	oldkey=$(basename "$(dirname "$old")")
	(flock -n 8 && rm -rf "$old") 8> "$cache/$oldkey.lock" || true
done

rm -rf "$dest"
mkdir -p "$dest"
log=$dest/build.log
: > "$log"

stage "unpacking $(basename "$tarball") (key $key)"
mkdir -p "$dest/unpack"
tar -xf "$tarball" -C "$dest/unpack"
mv "$dest/unpack/linux-source-6.1" "$dest/src"
rmdir "$dest/unpack"
src=$dest/src

for p in $(series_patches); do
	stage "applying $p"
	patch -d "$src" -p1 --forward --batch < "$here/$p" >> "$log" 2>&1 ||
		die "patch $p does not apply (see $log)"
done

jobs=$(nproc)
kmake() {
	make -C "$src" ARCH=x86_64 -j"$jobs" KBUILD_BUILD_TIMESTAMP="veneer" \
		KBUILD_BUILD_USER=veneer KBUILD_BUILD_HOST=veneer "$@"
}
# ccache makes a rebuild after a patch change cost minutes, not a cold build.
ccargs=()
if command -v ccache > /dev/null; then
	export CCACHE_DIR=$cache/ccache CCACHE_BASEDIR=$src
	ccargs=(CC="ccache gcc")
	ccache --max-size=8G > /dev/null
fi

stage "configuring (tinyconfig + $(basename "$fragment"))"
kmake "${ccargs[@]}" tinyconfig >> "$log" 2>&1 || die "make tinyconfig failed (see $log)"
cat "$fragment" >> "$src/.config"
kmake "${ccargs[@]}" olddefconfig >> "$log" 2>&1 || die "make olddefconfig failed (see $log)"

# Every symbol the fragment asks for must have survived olddefconfig.
missing=0
while IFS= read -r line; do
	case "$line" in
	CONFIG_*=*)
		grep -qxF "$line" "$src/.config" || {
			echo "guest-kernel: error: ${line%%=*}: asked for '$line', got '$(grep -E "^(# )?${line%%=*}[= ]" "$src/.config" || echo unset)'" >&2
			missing=1
		}
		;;
	"# CONFIG_"*" is not set")
		sym=${line#\# }
		sym=${sym%% *}
		if grep -qE "^$sym=" "$src/.config"; then
			echo "guest-kernel: error: $sym: asked to be off, but it is $(grep -E "^$sym=" "$src/.config")" >&2
			missing=1
		fi
		;;
	esac
done < "$fragment"
[ $missing -eq 0 ] || die "config fragment not satisfied (dependencies missing?)"

stage "compiling vmlinux and bzImage with $jobs jobs (log: $log)"
kmake "${ccargs[@]}" vmlinux bzImage >> "$log" 2>&1 || {
	tail -n 30 "$log" >&2
	die "kernel build failed (full log: $log)"
}

stage "installing into $dest"
cp "$src/vmlinux" "$dest/vmlinux"
cp "$src/arch/x86/boot/bzImage" "$dest/bzImage"
cp "$src/.config" "$dest/config"
touch "$dest/done"
link_outputs
stage "done"
