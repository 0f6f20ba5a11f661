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
# The Python module, where Debian's python3 finds it, and the QGIS provider, where QGIS does.
site="$work/root/usr/lib/python3/dist-packages"
if [ -d "$site/specres" ]; then
    PYTHONPATH="$site" /usr/bin/python3 -c "import specres; m = specres.Library('demo'); assert len(m) >= 7; print('module', specres.__version__)"
    plugins="$work/root/usr/share/qgis/python/plugins"
    test -f "$plugins/specres_processing/metadata.txt" || { echo "missing the QGIS plugin"; exit 1; }
    if [ -x /usr/bin/qgis_process.bin ]; then
        # A fresh QGIS profile with the plugin enabled; Debian's qgis_process wrapper passes an
        # option the program refuses, so the program itself is run.
        profile="$work/home/.local/share/QGIS/QGIS3/profiles/default/QGIS"
        mkdir -p "$profile"
        printf '[PythonPlugins]\nspecres_processing=true\n' > "$profile/QGIS3.ini"
        HOME="$work/home" QT_QPA_PLATFORM=offscreen QGIS_PLUGINPATH="$plugins" \
            /usr/bin/qgis_process.bin list > "$work/qgis.log" 2>&1 || true
        for a in predictscene identifyminerals simulateaster maketrainingpair train compare planbatch; do
            grep -q "specres:$a" "$work/qgis.log" || { echo "qgis_process does not list specres:$a"; cat "$work/qgis.log"; exit 1; }
        done
        echo "qgis_process lists the provider's 7 algorithms"
    fi
fi
echo "package $(basename "$deb") installs and runs"
