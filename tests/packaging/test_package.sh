#!/bin/sh
# Builds the Debian package, unpacks it into a temporary root (dpkg -x) and runs the unpacked
# specres-cli from there, so the package is known to hold a working program.
# Usage: test_package.sh BUILD_DIR
set -eu
build=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$build"
cpack -G DEB -B "$work/pkg" > "$work/cpack.log" 2>&1 || { cat "$work/cpack.log"; exit 1; }
deb=$(ls "$work"/pkg/specres_*.deb)
dpkg-deb --info "$deb" | grep -q "Depends:.*libgdal" || { echo "no GDAL in Depends"; dpkg-deb --info "$deb"; exit 1; }
dpkg -x "$deb" "$work/root"
for f in usr/bin/specres-cli usr/share/man/man1/specres-cli.1.gz usr/share/man/man1/specres.1.gz; do
    test -e "$work/root/$f" || { echo "missing $f"; exit 1; }
done
if [ -e "$work/root/usr/bin/specres" ]; then
    for f in usr/share/applications/specres.desktop usr/share/icons/hicolor/scalable/apps/specres.svg \
             usr/share/metainfo/io.github.specres.SpecRes.metainfo.xml; do
        test -e "$work/root/$f" || { echo "missing $f"; exit 1; }
    done
fi
"$work/root/usr/bin/specres-cli" --version
"$work/root/usr/bin/specres-cli" demo --out "$work/demo" --size 40x30 --seed 5 > "$work/demo.log" 2>&1
test -s "$work/demo/demo_avirisng.tif" && test -s "$work/demo/demo_aster.tif"
"$work/root/usr/bin/specres-cli" info "$work/demo/demo_aster.tif" | grep -q "5 good bands"
echo "package $(basename "$deb") installs and runs"
