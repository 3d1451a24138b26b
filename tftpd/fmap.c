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
 * Sending blocks straight from a mapping saves a read() per window and
 * a copy per byte, and the descriptor can be closed once mapped.  One
 * mapping serves every transfer of a file, so that a boot storm of a
 * thousand clients maps (and counts in the engine's RSS) the file once.
 * A file replaced or rewritten gets a new mapping; the old one lives on
 * until its last transfer ends.
 */

#include <sys/types.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/tree.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fmap.h"

#ifndef __unused
#define __unused	__attribute__((__unused__))
#endif

struct fmap {
	RB_ENTRY(fmap)	 entry;
	dev_t		 dev;
	ino_t		 ino;
	off_t		 size;
	struct timespec	 mtime;
	struct timespec	 ctime;
	uint8_t		*base;
	unsigned int	 refs;
	int		 listed;	/* else a version no longer current */
};

RB_HEAD(fmap_tree, fmap);

static int	 fmap_cmp(const struct fmap *, const struct fmap *);
static int	 fmap_current(const struct fmap *, const struct stat *);
static void	 fmap_free(struct fmap *);

RB_PROTOTYPE_STATIC(fmap_tree, fmap, entry, fmap_cmp);
RB_GENERATE_STATIC(fmap_tree, fmap, entry, fmap_cmp);

static struct fmap_tree	 fmaps = RB_INITIALIZER(&fmaps);
static unsigned int	 nfmaps;

static int
fmap_cmp(const struct fmap *a, const struct fmap *b)
{
	if (a->dev != b->dev)
		return a->dev < b->dev ? -1 : 1;
	if (a->ino != b->ino)
		return a->ino < b->ino ? -1 : 1;
	return 0;
}

static int
fmap_current(const struct fmap *m, const struct stat *st)
{
	return m->size == st->st_size &&
	    m->mtime.tv_sec == st->st_mtim.tv_sec &&
	    m->mtime.tv_nsec == st->st_mtim.tv_nsec &&
	    m->ctime.tv_sec == st->st_ctim.tv_sec &&
	    m->ctime.tv_nsec == st->st_ctim.tv_nsec;
}

struct fmap *
fmap_get(int fd, const struct stat *st)
{
	struct fmap	 key, *m;
	void		*base;

	if (st->st_size <= 0) {
		errno = EINVAL;
		return NULL;
	}
	key.dev = st->st_dev;
	key.ino = st->st_ino;
	if ((m = RB_FIND(fmap_tree, &fmaps, &key)) != NULL) {
		if (fmap_current(m, st)) {
			m->refs++;
			return m;
		}
		RB_REMOVE(fmap_tree, &fmaps, m);
		m->listed = 0;
		if (m->refs == 0)
			fmap_free(m);
	}
	if ((m = calloc(1, sizeof(*m))) == NULL)
		return NULL;
	base = mmap(NULL, st->st_size, PROT_READ, MAP_SHARED, fd, 0);
	if (base == MAP_FAILED) {
		free(m);
		return NULL;
	}
	m->dev = st->st_dev;
	m->ino = st->st_ino;
	m->size = st->st_size;
	m->mtime = st->st_mtim;
	m->ctime = st->st_ctim;
	m->base = base;
	m->refs = 1;
	m->listed = 1;
	RB_INSERT(fmap_tree, &fmaps, m);
	nfmaps++;
	return m;
}

void
fmap_put(struct fmap *m)
{
	if (m == NULL || --m->refs > 0)
		return;
	if (m->listed)
		RB_REMOVE(fmap_tree, &fmaps, m);
	fmap_free(m);
}

static void
fmap_free(struct fmap *m)
{
	(void)munmap(m->base, m->size);
	nfmaps--;
	free(m);
}

const uint8_t *
fmap_data(const struct fmap *m)
{
	return m->base;
}

/*
 * The kernel maps a page into the engine as it copies from it, so a
 * long transfer would make the engine's RSS the file's size.  Pages
 * already sent are unmapped as the transfer moves on (they stay in the
 * page cache); a mapping shared with others is left alone, since they
 * would only fault the pages in again.
 */
void
fmap_unmap_sent(struct fmap *m, uint64_t from, uint64_t to)
{
	uint64_t	 page = (uint64_t)sysconf(_SC_PAGESIZE);

	if (m->refs != 1)
		return;
	from -= from % page;
	to -= to % page;
	if (to > from)
		(void)madvise(m->base + from, to - from, MADV_DONTNEED);
}

unsigned int
fmap_count(void)
{
	return nfmaps;
}
