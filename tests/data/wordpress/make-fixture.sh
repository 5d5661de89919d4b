#!/bin/sh
# Makes export.xml and uploads/ from a real WordPress (Debian's package) on MariaDB.
# Needs: apt-get install wordpress php-cli php-mysql mariadb-server; python3 with Pillow.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"; mysql -uroot -e "DROP DATABASE IF EXISTS wp_fixture"' EXIT
cp -r /usr/share/wordpress "$work/site"
cp "$here/wp-config.php" "$work/site/wp-config.php"
cp "$here/build.php" "$work/build.php"
python3 "$here/draw_pictures.py" "$work/pictures"
mysql -uroot -e "DROP DATABASE IF EXISTS wp_fixture; CREATE DATABASE wp_fixture CHARACTER SET utf8mb4"
php "$work/build.php"
cp "$work/export.xml" "$here/export.xml"
rm -rf "$here/uploads"
cp -r "$work/site/wp-content/uploads" "$here/uploads"
