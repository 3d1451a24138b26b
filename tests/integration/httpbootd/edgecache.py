# Copyright (c) 2026 The netboot developers
#
# Permission to use, copy, modify, and distribute this software for any
# purpose with or without fee is hereby granted, provided that the above
# copyright notice and this permission notice appear in all copies.
#
# THE SOFTWARE IS PROVIDED "AS IS" AND THE AUTHOR DISCLAIMS ALL WARRANTIES
# WITH REGARD TO THIS SOFTWARE INCLUDING ALL IMPLIED WARRANTIES OF
# MERCHANTABILITY AND FITNESS. IN NO EVENT SHALL THE AUTHOR BE LIABLE FOR
# ANY SPECIAL, DIRECT, INDIRECT, OR CONSEQUENTIAL DAMAGES OR ANY DAMAGES
# WHATSOEVER RESULTING FROM LOSS OF USE, DATA OR PROFITS, WHETHER IN AN
# ACTION OF CONTRACT, NEGLIGENCE OR OTHER TORTIOUS ACTION, ARISING OUT OF
# OR IN CONNECTION WITH THE USE OR PERFORMANCE OF THIS SOFTWARE.

"""nginx as a caching reverse proxy in front of httpbootd (a branch
office's edge cache): the second download is served from its cache, and
once the entry expires nginx revalidates it with a conditional request
that httpbootd answers 304; a changed file is fetched anew."""

import os
import pwd
import shutil
import signal
import subprocess
import sys
import time

import hbtest
import nbtest
from nbtest import check, check_eq

binary = sys.argv[1]
nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if os.access(
    "/usr/sbin/nginx", os.X_OK) else None)
if nginx is None:
    nbtest.skip("nginx is not installed (apt-get install nginx-light)")
ns = hbtest.setup("nbhttpcache")
root = nbtest.TempDir()
blob = os.urandom(3 << 20)
root.file("images/boot.img", blob)
work = nbtest.TempDir()
nobody = pwd.getpwnam("nobody")
for d in ("cache", "tmp"):
    os.makedirs(os.path.join(work.path, d))
    os.chown(os.path.join(work.path, d), nobody.pw_uid, nobody.pw_gid)
NGINX_CONF = """
daemon off;
master_process on;
worker_processes 1;
user nobody nogroup;
pid %(w)s/nginx.pid;
error_log %(w)s/error.log info;
events { worker_connections 64; }
http {
	access_log %(w)s/access.log;
	client_body_temp_path %(w)s/tmp/body;
	proxy_temp_path %(w)s/tmp/proxy;
	fastcgi_temp_path %(w)s/tmp/fastcgi;
	uwsgi_temp_path %(w)s/tmp/uwsgi;
	scgi_temp_path %(w)s/tmp/scgi;
	proxy_cache_path %(w)s/cache levels=1:2 keys_zone=boot:1m
	    max_size=64m inactive=10m use_temp_path=off;
	server {
		listen 127.0.0.1:8080;
		location / {
			proxy_pass http://127.0.0.1:80;
			proxy_http_version 1.1;
			proxy_set_header Connection "";
			proxy_cache boot;
			proxy_cache_revalidate on;
			add_header X-Cache-Status $upstream_cache_status always;
		}
	}
}
""" % {"w": work.path}
conf = os.path.join(work.path, "nginx.conf")
with open(conf, "w") as f:
    f.write(NGINX_CONF)

srv = hbtest.Server(binary, root.path,
                    block='\tcache-control "public, max-age=2"\n')
proxy = subprocess.Popen([nginx, "-e", os.path.join(work.path, "error.log"),
                          "-p", work.path, "-c", conf],
                         stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
URL = "http://127.0.0.1:8080/images/boot.img"


def fetch():
    st, hd, body = hbtest.curl(URL)
    return st, hd.get("x-cache-status"), hd.get("etag"), body


def origin_hits(status=None):
    return sum(1 for r in srv.requests() if r.get("path") ==
               "/images/boot.img" and (status is None or
                                       r.get("status") == status))


try:
    up = nbtest.wait_for(lambda: hbtest.curl("http://127.0.0.1:8080/")[0]
                         is not None, 10)
    if not check(up, "nginx runs as an edge cache"):
        with open(os.path.join(work.path, "error.log")) as f:
            print(f.read())
        raise SystemExit(1)
    direct = hbtest.curl(srv.url("/images/boot.img"))[1].get("etag")
    st, cs, etag, body = fetch()
    check(st == 200 and cs == "MISS" and body == blob,
          "first download through nginx: MISS, byte-exact")
    check_eq(etag, direct, "nginx passes httpbootd's ETag on")
    st, cs, etag, body = fetch()
    check(st == 200 and cs == "HIT" and body == blob,
          "second download: HIT, byte-exact")
    check_eq(origin_hits(), 2, "the HIT did not reach httpbootd (direct GET + MISS)")
    st, hd, body = hbtest.curl("-H", "Range: bytes=100-199", URL)
    check(st == 206 and body == blob[100:200] and
          hd.get("x-cache-status") == "HIT", "a Range request from cache")

    time.sleep(3)		# past max-age=2
    st, cs, etag, body = fetch()
    check(st == 200 and cs == "REVALIDATED" and body == blob,
          "after expiry: REVALIDATED, byte-exact")
    check_eq(origin_hits("304"), 1, "httpbootd answered nginx's "
             "conditional request with 304")
    st, cs, etag, body = fetch()
    check_eq(cs, "HIT", "a HIT again after revalidation")

    # The file changes at the origin: after expiry nginx fetches it anew.
    blob2 = os.urandom(3 << 20)
    root.file("images/boot.img", blob2)
    time.sleep(3)
    st, cs, etag2, body = fetch()
    check(st == 200 and cs == "EXPIRED" and body == blob2 and etag2 != etag,
          "a changed file: EXPIRED, new content and ETag")
    st, cs, etag3, body = fetch()
    check(cs == "HIT" and body == blob2, "the new content is cached")
finally:
    if proxy.poll() is None:
        proxy.send_signal(signal.SIGQUIT)
        try:
            proxy.wait(10)
        except subprocess.TimeoutExpired:
            proxy.kill()
            proxy.wait()
    srv.stop()
    root.cleanup()
    work.cleanup()
    ns.delete()
nbtest.done()
