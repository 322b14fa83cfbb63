# Shared by Scripts/lfs and Scripts/test: find the repository and install what the
# build needs from Debian, only when it is missing. Sourced, not run.

LFS_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
LFS_APT_PACKAGES=(libopenblas-dev libgraphviz-dev libreadline-dev pkg-config)

# Installs the Debian packages lfs builds against, printing what it installs.
lfs_ensure_packages() {
    local missing=()
    local package
    for package in "${LFS_APT_PACKAGES[@]}"; do
        if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
            missing+=("$package")
        fi
    done
    if [ "${#missing[@]}" -gt 0 ]; then
        echo "lfs: installing ${missing[*]}" >&2
        local sudo=""
        [ "$(id -u)" -ne 0 ] && sudo="sudo"
        $sudo apt-get update -qq >&2 || return 1
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >&2 || return 1
    fi
    if ! command -v swift >/dev/null 2>&1; then
        if [ -x /opt/swift/usr/bin/swift ]; then
            export PATH="/opt/swift/usr/bin:$PATH"
        else
            echo "lfs: the Swift toolchain (swift 6) is not on PATH; install it from swift.org" >&2
            return 1
        fi
    fi
}
