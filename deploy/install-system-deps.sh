#!/usr/bin/env bash
# Installs what Portico needs to run and test on Debian: OpenResty is used when already installed,
# otherwise Debian's nginx + the Lua module stand in for it. Installs only what is missing.
set -euo pipefail

missing=()
if ! command -v openresty >/dev/null 2>&1; then
  command -v nginx >/dev/null 2>&1 || missing+=(nginx)
  [ -f /usr/lib/nginx/modules/ngx_http_lua_module.so ] || missing+=(libnginx-mod-http-lua)
  [ -f /usr/share/lua/5.1/resty/core.lua ] || missing+=(lua-resty-core)
  [ -f /usr/lib/nginx/modules/ngx_http_headers_more_filter_module.so ] || missing+=(libnginx-mod-http-headers-more-filter)
  [ -f /usr/lib/x86_64-linux-gnu/lua/5.1/cjson.so ] || ls /usr/lib/*/lua/5.1/cjson.so >/dev/null 2>&1 || missing+=(lua-cjson)
fi
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
command -v luacheck >/dev/null 2>&1 || missing+=(lua-check)

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "missing Debian packages: ${missing[*]} (run as root, or: sudo apt-get install ${missing[*]})" >&2
  exit 1
fi
echo "installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# Debian starts its own nginx service on install; Portico runs its own master, so stop the one just installed.
if [[ " ${missing[*]} " == *" nginx "* ]] && command -v service >/dev/null 2>&1; then
  service nginx stop >/dev/null 2>&1 || true
fi
