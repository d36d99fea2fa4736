# shellcheck shell=bash
# Sourced by the scripts that install a Debian package the project needs when it is missing
# (install_browser.sh, postgres.sh, spark.sh).
#
#   apt_install <who> <package>...   install the packages with apt-get (as root, or through sudo);
#                                     one line on stderr and exit 2 when that cannot be done

apt_install() {
  local who=$1
  shift
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "$who: $* is not installed and there is no apt-get to install it; install it yourself" >&2
    exit 2
  fi
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if ! command -v sudo >/dev/null 2>&1; then
      echo "$who: $* is not installed and installing it needs root: apt-get install $*" >&2
      exit 2
    fi
    sudo="sudo"
  fi
  echo "$who: installing Debian's $* (apt-get)" >&2
  $sudo apt-get update -qq >&2
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}
