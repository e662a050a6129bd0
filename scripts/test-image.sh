#!/usr/bin/env bash
# Builds the small image the tests run, without a registry: a static busybox from
# Debian's busybox-static package, imported with `docker import`. Idempotent: does
# nothing when the image already exists.
set -euo pipefail

IMAGE="${ENVCTL_TEST_IMAGE:-envctl-test/busybox:1}"
if docker image inspect "$IMAGE" >/dev/null 2>&1; then
    exit 0
fi

root="$(cd "$(dirname "$0")/.." && pwd)"
work="$root/target/test-image"
mkdir -p "$work"
cd "$work"

if ! ls busybox-static_*.deb >/dev/null 2>&1; then
    if ! apt-get download busybox-static >/dev/null 2>&1; then
        apt-get update -qq
        apt-get download busybox-static
    fi
fi

rm -rf rootfs
dpkg-deb -x busybox-static_*.deb pkg
mkdir -p rootfs/bin rootfs/tmp rootfs/www rootfs/etc
cp pkg/bin/busybox rootfs/bin/busybox
for applet in $(rootfs/bin/busybox --list); do
    [ "$applet" = busybox ] || ln -sf busybox "rootfs/bin/$applet"
done
echo ok > rootfs/www/index.html
echo 'root:x:0:0:root:/:/bin/sh' > rootfs/etc/passwd
tar -C rootfs -c . | docker import \
    --change 'CMD ["sh"]' \
    --change 'ENV PATH=/bin' \
    - "$IMAGE" >/dev/null
echo "built test image $IMAGE"
