/*
 * Copyright (c) 2026 The netboot developers
 *
 * Permission to use, copy, modify, and distribute this software for any
 * purpose with or without fee is hereby granted, provided that the above
 * copyright notice and this permission notice appear in all copies.
 *
 * THE SOFTWARE IS PROVIDED "AS IS" AND THE AUTHOR DISCLAIMS ALL WARRANTIES
 * WITH REGARD TO THIS SOFTWARE INCLUDING ALL IMPLIED WARRANTIES OF
 * MERCHANTABILITY AND FITNESS. IN NO EVENT SHALL THE AUTHOR BE LIABLE FOR
 * ANY SPECIAL, DIRECT, INDIRECT, OR CONSEQUENTIAL DAMAGES OR ANY DAMAGES
 * WHATSOEVER RESULTING FROM LOSS OF USE, DATA OR PROFITS, WHETHER IN AN
 * ACTION OF CONTRACT, NEGLIGENCE OR OTHER TORTIOUS ACTION, ARISING OUT OF
 * OR IN CONNECTION WITH THE USE OR PERFORMANCE OF THIS SOFTWARE.
 */

/*
 * Content-derived entity tags.
 *
 * Why a hash of the content: replicas behind a load balancer must give
 * one file the same tag, so that a firmware resuming a download with
 * If-Match, or a cache revalidating with If-None-Match, gets the same
 * answer from any of them.  Inode numbers and times differ between
 * copies; only the bytes agree.
 *
 * The hash is our own 128-bit one: four independent 64-bit lanes over
 * 32-byte stripes (so the CPU runs them in parallel, several GB/s on
 * one core), each lane a multiply-rotate-multiply round, finished with
 * a 64-bit avalanche.  It is not cryptographic: anyone who can change
 * the files can change the tags anyway, and it only has to tell
 * versions of a file apart.  Little-endian loads make it the same on
 * every machine.
 *
 * A tag is computed once per file version, keyed by (dev, ino, size,
 * mtime, ctime), and kept in a set-associative cache.  Files up to
 * ETAG_SYNC_MAX are hashed at once, costing well under a millisecond.
 * Larger ones are hashed ETAG_SLICE bytes per turn of the event loop,
 * so a first request for a 1 GiB image does not hold up other
 * clients; requests for that file wait meanwhile, since answering
 * without a tag would hand a cache or a resuming firmware a response
 * that other replicas describe differently.
 */

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/stat.h>

#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "etag.h"
#include "fcache.h"
#include "log.h"
#include "respond.h"

#define ETAG_SETS	64
#define ETAG_WAYS	4
#define ETAG_SYNC_MAX	(1024 * 1024)
#define ETAG_SLICE	(16 * 1024 * 1024)
#define ETAG_READSZ	(128 * 1024)

#define K1	0x9e3779b97f4a7c15ULL
#define K2	0xbf58476d1ce4e5b9ULL
#define K3	0x94d049bb133111ebULL

struct etag_key {
	dev_t		 dev;
	ino_t		 ino;
	off_t		 size;
	struct timespec	 mtim;
	struct timespec	 ctim;
};

struct etag_entry {
	struct etag_key	 key;
	uint64_t	 used;		/* 0: empty */
	char		 tag[ETAG_STRLEN];
};

struct etag_job {
	TAILQ_ENTRY(etag_job)	 link;
	struct etag_key		 key;
	struct fc_entry		*fe;		/* held: its descriptor */
	off_t			 off;
	struct hash128		 h;
	TAILQ_HEAD(, etag_wait)	 waiters;
};
TAILQ_HEAD(etag_jobs, etag_job);

struct etag {
	struct etag_entry	 cache[ETAG_SETS][ETAG_WAYS];
	uint64_t		 clock;
	struct etag_jobs	 jobs;
	uint8_t			 readbuf[ETAG_READSZ];
};

static uint64_t	 rotl(uint64_t, int);
static uint64_t	 fmix(uint64_t);
static uint64_t	 lane(uint64_t, uint64_t);
static uint64_t	 load64(const uint8_t *);
static void	 stripes(struct hash128 *, const uint8_t *, size_t);
static void	 key_from_stat(struct etag_key *, const struct stat *);
static int	 key_still(int, const struct etag_key *);
static struct etag_entry *cache_set(struct etag *, const struct etag_key *);
static const char *cache_find(struct etag *, const struct etag_key *);
static void	 cache_add(struct etag *, const struct etag_key *,
		    const char *);
static void	 tag_format(struct hash128 *, char *);
static int	 hash_range(struct etag *, int, struct hash128 *, off_t *,
		    off_t, size_t);
static int	 hash_now(struct etag *, int, const struct etag_key *, char *);
static struct etag_job *job_find(struct etag *, const struct etag_key *);
static struct etag_job *job_new(struct etag *, struct fc_entry *,
		    const struct etag_key *);
static void	 job_finish(struct etag *, struct etag_job *, int);

static uint64_t
rotl(uint64_t v, int r)
{
	return v << r | v >> (64 - r);
}

/* A 64-bit avalanche: every input bit flips about half the output. */
static uint64_t
fmix(uint64_t v)
{
	v ^= v >> 30;
	v *= K2;
	v ^= v >> 27;
	v *= K3;
	v ^= v >> 31;
	return v;
}

/* One lane's step: a bijection of the lane for each input word. */
static uint64_t
lane(uint64_t v, uint64_t x)
{
	return rotl(v + x * K2, 31) * K1;
}

static uint64_t
load64(const uint8_t *p)
{
	uint64_t	 v;

	memcpy(&v, p, sizeof(v));
	return le64toh(v);
}

/* Whole 32-byte stripes only. */
static void
stripes(struct hash128 *h, const uint8_t *p, size_t n)
{
	uint64_t	 v0 = h->v[0], v1 = h->v[1], v2 = h->v[2], v3 = h->v[3];

	for (; n >= 32; p += 32, n -= 32) {
		v0 = lane(v0, load64(p));
		v1 = lane(v1, load64(p + 8));
		v2 = lane(v2, load64(p + 16));
		v3 = lane(v3, load64(p + 24));
	}
	h->v[0] = v0;
	h->v[1] = v1;
	h->v[2] = v2;
	h->v[3] = v3;
}

void
hash128_init(struct hash128 *h)
{
	int	 i;

	memset(h, 0, sizeof(*h));
	for (i = 0; i < 4; i++)
		h->v[i] = fmix(K1 * (i + 1));
}

void
hash128_update(struct hash128 *h, const void *data, size_t n)
{
	const uint8_t	*p = data;
	size_t		 take;

	h->total += n;
	if (h->ntail > 0) {
		take = 32 - h->ntail < n ? 32 - h->ntail : n;
		memcpy(h->tail + h->ntail, p, take);
		h->ntail += take;
		p += take;
		n -= take;
		if (h->ntail < 32)
			return;
		stripes(h, h->tail, 32);
		h->ntail = 0;
	}
	take = n & ~(size_t)31;
	stripes(h, p, take);
	memcpy(h->tail, p + take, n - take);
	h->ntail = n - take;
}

/* The zero padding of the last stripe is told apart by the length. */
void
hash128_final(struct hash128 *h, uint8_t out[16])
{
	uint64_t	 lo, hi;
	int		 i;

	if (h->ntail > 0) {
		memset(h->tail + h->ntail, 0, 32 - h->ntail);
		stripes(h, h->tail, 32);
		h->ntail = 0;
	}
	lo = fmix(fmix(h->v[0] ^ rotl(h->v[2], 32)) +
	    fmix(h->v[1] ^ rotl(h->v[3], 32)) + h->total);
	hi = fmix(fmix(h->v[1] + rotl(h->v[0], 21)) ^
	    fmix(h->v[3] + rotl(h->v[2], 21)) ^ (h->total * K1));
	for (i = 0; i < 8; i++) {
		out[i] = hi >> (56 - 8 * i);
		out[8 + i] = lo >> (56 - 8 * i);
	}
}

static void
key_from_stat(struct etag_key *k, const struct stat *st)
{
	memset(k, 0, sizeof(*k));	/* compared with memcmp */
	k->dev = st->st_dev;
	k->ino = st->st_ino;
	k->size = st->st_size;
	k->mtim = st->st_mtim;
	k->ctim = st->st_ctim;
}

/* Whether the file is still the version hashed. */
static int
key_still(int fd, const struct etag_key *k)
{
	struct stat	 st;
	struct etag_key	 now;

	if (fstat(fd, &st) == -1)
		return 0;
	key_from_stat(&now, &st);
	return memcmp(&now, k, sizeof(now)) == 0;
}

static struct etag_entry *
cache_set(struct etag *et, const struct etag_key *k)
{
	uint64_t	 h = fmix(k->dev ^ rotl(k->ino, 32));

	return et->cache[h % ETAG_SETS];
}

static const char *
cache_find(struct etag *et, const struct etag_key *k)
{
	struct etag_entry	*set = cache_set(et, k);
	int			 i;

	for (i = 0; i < ETAG_WAYS; i++)
		if (set[i].used != 0 &&
		    memcmp(&set[i].key, k, sizeof(*k)) == 0) {
			set[i].used = ++et->clock;
			return set[i].tag;
		}
	return NULL;
}

/* An older version of the same file goes first, then the least used. */
static void
cache_add(struct etag *et, const struct etag_key *k, const char *tag)
{
	struct etag_entry	*set = cache_set(et, k), *e = &set[0];
	int			 i;

	for (i = 0; i < ETAG_WAYS; i++) {
		if (set[i].used != 0 && set[i].key.dev == k->dev &&
		    set[i].key.ino == k->ino) {
			e = &set[i];
			break;
		}
		if (set[i].used < e->used)
			e = &set[i];
	}
	e->key = *k;
	e->used = ++et->clock;
	strlcpy(e->tag, tag, sizeof(e->tag));
}

static void
tag_format(struct hash128 *h, char *tag)
{
	uint8_t	 d[16];
	int	 i;

	hash128_final(h, d);
	tag[0] = '"';
	for (i = 0; i < 16; i++)
		snprintf(tag + 1 + 2 * i, 3, "%02x", d[i]);
	tag[33] = '"';
	tag[34] = '\0';
}

/*
 * Hashes from *off up to max bytes, not past size.  Returns 1 at the
 * end of the file, 0 when there is more, -1 when it cannot be read or
 * ends before size.
 */
static int
hash_range(struct etag *et, int fd, struct hash128 *h, off_t *off,
    off_t size, size_t max)
{
	size_t	 done = 0, want;
	ssize_t	 n;

	while (*off < size && done < max) {
		want = size - *off < ETAG_READSZ ? size - *off : ETAG_READSZ;
		if ((n = pread(fd, et->readbuf, want, *off)) == -1) {
			if (errno == EINTR)
				continue;
			log_warn("hashing for the ETag");
			return -1;
		}
		if (n == 0)
			return -1;
		hash128_update(h, et->readbuf, n);
		*off += n;
		done += n;
	}
	return *off == size;
}

struct etag *
etag_new(void)
{
	struct etag	*et;

	if ((et = calloc(1, sizeof(*et))) == NULL)
		return NULL;
	TAILQ_INIT(&et->jobs);
	return et;
}

static int
hash_now(struct etag *et, int fd, const struct etag_key *k, char *tag)
{
	struct hash128	 h;
	off_t		 off = 0;

	hash128_init(&h);
	if (hash_range(et, fd, &h, &off, k->size, SIZE_MAX) != 1 ||
	    !key_still(fd, k))
		return ETAG_NONE;
	tag_format(&h, tag);
	cache_add(et, k, tag);
	return ETAG_READY;
}

int
etag_lookup(struct etag *et, struct fc_entry *fe, char *tag)
{
	struct etag_key	 k;
	const char	*t;

	key_from_stat(&k, &fe->st);
	if ((t = cache_find(et, &k)) != NULL) {
		strlcpy(tag, t, ETAG_STRLEN);
		return ETAG_READY;
	}
	if (fe->st.st_size <= ETAG_SYNC_MAX)
		return hash_now(et, fe->fd, &k, tag);
	return ETAG_PENDING;
}

int
etag_wait(struct etag *et, struct fc_entry *fe, struct etag_wait *w)
{
	struct etag_key	 k;
	struct etag_job	*j;

	key_from_stat(&k, &fe->st);
	if ((j = job_find(et, &k)) == NULL &&
	    (j = job_new(et, fe, &k)) == NULL)
		return -1;
	w->job = j;
	TAILQ_INSERT_TAIL(&j->waiters, w, link);
	return 0;
}

void
etag_cancel(struct etag_wait *w)
{
	if (w->job == NULL)
		return;
	TAILQ_REMOVE(&w->job->waiters, w, link);
	w->job = NULL;
}

static struct etag_job *
job_find(struct etag *et, const struct etag_key *k)
{
	struct etag_job	*j;

	TAILQ_FOREACH(j, &et->jobs, link)
		if (memcmp(&j->key, k, sizeof(*k)) == 0)
			return j;
	return NULL;
}

/*
 * The job holds the open file itself, since the first request may end
 * first; it needs no descriptor of its own.
 */
static struct etag_job *
job_new(struct etag *et, struct fc_entry *fe, const struct etag_key *k)
{
	struct etag_job	*j;

	if ((j = calloc(1, sizeof(*j))) == NULL) {
		log_warn("%s", __func__);
		return NULL;
	}
	j->fe = fe;
	fcache_hold(fe);
	j->key = *k;
	hash128_init(&j->h);
	TAILQ_INIT(&j->waiters);
	posix_fadvise(fe->fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	TAILQ_INSERT_TAIL(&et->jobs, j, link);
	log_debug("hashing a file of %lld bytes for its ETag",
	    (long long)k->size);
	return j;
}

/* One slice of the first job per turn; the jobs take turns. */
int
etag_run(struct etag *et)
{
	struct etag_job	*j;
	int		 r;

	if ((j = TAILQ_FIRST(&et->jobs)) == NULL)
		return 0;
	r = hash_range(et, j->fe->fd, &j->h, &j->off, j->key.size,
	    ETAG_SLICE);
	TAILQ_REMOVE(&et->jobs, j, link);
	if (r == 0)
		TAILQ_INSERT_TAIL(&et->jobs, j, link);
	else
		job_finish(et, j, r == 1);
	return etag_busy(et);
}

int
etag_busy(const struct etag *et)
{
	return !TAILQ_EMPTY(&et->jobs);
}

/*
 * A file changed while it was hashed gets no tag this time: its
 * waiters are answered without one and the next request hashes anew.
 */
static void
job_finish(struct etag *et, struct etag_job *j, int ok)
{
	struct etag_wait	*w;
	char			 tag[ETAG_STRLEN];

	if (ok && !key_still(j->fe->fd, &j->key)) {
		log_info("file changed while hashed for its ETag");
		ok = 0;
	}
	if (ok) {
		tag_format(&j->h, tag);
		cache_add(et, &j->key, tag);
	}
	fcache_put(j->fe);
	while ((w = TAILQ_FIRST(&j->waiters)) != NULL) {
		TAILQ_REMOVE(&j->waiters, w, link);
		w->job = NULL;
		w->done(w, ok ? tag : NULL);
	}
	free(j);
}
