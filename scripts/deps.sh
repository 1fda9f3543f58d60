#!/bin/sh
# Installs what Shailoo needs from Debian's packages and npm; quick when it is all there.
set -eu
cd "$(dirname "$0")/.."

PKGS="gcc make pkg-config ca-certificates curl openssl util-linux procps
libfcgi-dev libpq-dev libjson-c-dev libjwt-dev libcurl4-openssl-dev libssl-dev libcmocka-dev libmagic-dev
postgresql-15 postgresql-client-15 postgresql-15-postgis-3 nginx-light wrk chromium clang-format clang"
command -v node >/dev/null 2>&1 || PKGS="$PKGS nodejs"
command -v npm >/dev/null 2>&1 || PKGS="$PKGS npm"

missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
# nginx-light is enough; any other nginx flavour already installed will do.
case "$missing" in *nginx-light*) command -v nginx >/dev/null 2>&1 && missing=$(echo "$missing" | sed 's/ nginx-light//');; esac
if [ -n "$missing" ]; then
    if [ "$(id -u)" != 0 ]; then
        echo "deps: missing Debian packages:$missing (run as root, or install them)" >&2
        exit 1
    fi
    echo "deps: installing$missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # Keep the packaged services from starting on their default ports.
    made_policy=""
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
        made_policy=1
    fi
    apt-get install -y -qq --no-install-recommends $missing
    [ -z "$made_policy" ] || rm -f /usr/sbin/policy-rc.d
fi

# Front-end libraries and the browser-test driver, from the committed lock file.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    echo "deps: npm ci"
    npm ci --no-audit --no-fund --loglevel=error
fi
