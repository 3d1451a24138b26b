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
 * The open-file cache.  The first use in each turn of the event loop
 * checks the open file with fstat(), so that a file written in place is
 * seen at once; the other requests of that turn, read in the same
 * instant, take the answer.  That the path still names the same file is
 * trusted for FC_VALID; after that the next request opens the path
 * again and compares: an unchanged file keeps its entry, a replaced one
 * (renamed over, a symbolic link changed) gets a new entry.  Until
 * then its old version is served, consistently: its content with its
 * own size and ETag.  An entry still sending when it is replaced leaves
 * the table and is closed by its last user.  Entries unused for FC_IDLE
 * are closed, so that a deleted file is not kept alive by us.
 *
 * A file of up to FCACHE_INLINE bytes is read whole when its entry is
 * made, which is once per version of it: its content then always
 * matches the entry's size, and so its ETag.
 */

#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fcache.h"
#include "fsroot.h"

#define FC_WAYS		4
#define FC_SETS		(FCACHE_SIZE / FC_WAYS)
#define FC_VALID	1000000		/* us */
#define FC_IDLE		10000000	/* us */

static uint64_t	 path_hash(const char *);
static struct fc_entry **slot_find(struct fc_entry **, const char *,
		    uint64_t);
static struct fc_entry **slot_victim(struct fc_entry **);
static struct fc_entry *entry_open(int, const char *, uint64_t);
static void	 entry_hold(struct fc_entry *);
static int	 entry_current(struct fc_entry *, uint64_t);
static int	 same_file(const struct stat *, const struct stat *);
static void	 entry_drop(struct fc_entry **);
static void	 entry_free(struct fc_entry *);

static struct fc_entry	*table[FC_SETS][FC_WAYS];
static size_t		 nentries;
static size_t		 nopen;		/* in the table or not */

/* FNV-1a: paths are short, and chosen by clients only among our files. */
static uint64_t
path_hash(const char *s)
{
	uint64_t	 h = 0xcbf29ce484222325ULL;

	for (; *s != '\0'; s++) {
		h ^= (uint8_t)*s;
		h *= 0x100000001b3ULL;
	}
	return h;
}

static struct fc_entry **
slot_find(struct fc_entry **set, const char *path, uint64_t h)
{
	int	 i;

	for (i = 0; i < FC_WAYS; i++)
		if (set[i] != NULL && set[i]->hash == h &&
		    strcmp(set[i]->path, path) == 0)
			return &set[i];
	return NULL;
}

/* An empty way, else the least recently used one. */
static struct fc_entry **
slot_victim(struct fc_entry **set)
{
	struct fc_entry	**v = &set[0];
	int		  i;

	for (i = 0; i < FC_WAYS; i++) {
		if (set[i] == NULL)
			return &set[i];
		if (set[i]->used < (*v)->used)
			v = &set[i];
	}
	return v;
}

/* O_NONBLOCK: opening a FIFO must not hang the engine. */
static struct fc_entry *
entry_open(int rootfd, const char *path, uint64_t h)
{
	struct fc_entry	*e;
	struct stat	 st;
	int		 fd, saved;

	if ((fd = fsroot_open(rootfd, path, O_RDONLY | O_NONBLOCK)) == -1)
		return NULL;
	if (fstat(fd, &st) == -1)
		goto fail;
	if (!S_ISREG(st.st_mode)) {
		errno = ENOENT;
		goto fail;
	}
	if ((e = calloc(1, sizeof(*e))) == NULL)
		goto fail;
	if ((e->path = strdup(path)) == NULL) {
		free(e);
		goto fail;
	}
	e->hash = h;
	e->fd = fd;
	e->st = st;
	nopen++;
	entry_hold(e);
	return e;
 fail:
	saved = errno;
	close(fd);
	errno = saved;
	return NULL;
}

/* A file that changes while it is read is left to sendfile(). */
static void
entry_hold(struct fc_entry *e)
{
	struct stat	 st;
	ssize_t		 n;

	if (e->st.st_size == 0 || e->st.st_size > FCACHE_INLINE ||
	    (e->data = malloc(e->st.st_size)) == NULL)
		return;
	n = pread(e->fd, e->data, e->st.st_size, 0);
	if (n != e->st.st_size || fstat(e->fd, &st) == -1 ||
	    !same_file(&e->st, &st)) {
		free(e->data);
		e->data = NULL;
	}
}

/* Whether e's file is unchanged: one fstat() per turn of the loop. */
static int
entry_current(struct fc_entry *e, uint64_t now)
{
	struct stat	 st;

	if (e->statted == now)
		return 1;
	if (fstat(e->fd, &st) == -1 || !same_file(&e->st, &st))
		return 0;
	e->statted = now;
	return 1;
}

static int
same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino &&
	    a->st_size == b->st_size &&
	    a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
	    a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
	    a->st_ctim.tv_sec == b->st_ctim.tv_sec &&
	    a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

/*
 * now is the event loop's time of this turn.  Short of descriptors, a
 * path is not looked up again: the entry serves until it changes.
 */
struct fc_entry *
fcache_get(int rootfd, const char *path, uint64_t now, int room)
{
	uint64_t	  h = path_hash(path);
	struct fc_entry	**set = table[h % FC_SETS], **sp, *e, *n;
	int		  saved;

	/* A file written in place must not keep its old size and ETag. */
	if ((sp = slot_find(set, path, h)) != NULL &&
	    (now - (*sp)->checked < FC_VALID || !room) &&
	    entry_current(*sp, now)) {
		e = *sp;
		goto hit;
	}
	if (!room) {
		errno = EMFILE;
		return NULL;
	}
	if ((n = entry_open(rootfd, path, h)) == NULL) {
		saved = errno;
		if (sp != NULL)
			entry_drop(sp);
		errno = saved;
		return NULL;
	}
	if (sp != NULL && same_file(&(*sp)->st, &n->st)) {
		entry_free(n);
		e = *sp;
		e->checked = e->statted = now;
		goto hit;
	}
	if (sp == NULL)
		sp = slot_victim(set);
	entry_drop(sp);
	e = *sp = n;
	e->intable = 1;
	e->checked = e->statted = now;
	nentries++;
 hit:
	e->refs++;
	e->used = now;
	return e;
}

void
fcache_hold(struct fc_entry *e)
{
	e->refs++;
}

void
fcache_put(struct fc_entry *e)
{
	if (--e->refs == 0 && !e->intable)
		entry_free(e);
}

size_t
fcache_expire(uint64_t now)
{
	int	 i, j;

	if (nentries == 0)
		return 0;
	for (i = 0; i < FC_SETS; i++)
		for (j = 0; j < FC_WAYS; j++)
			if (table[i][j] != NULL && table[i][j]->refs == 0 &&
			    now - table[i][j]->used >= FC_IDLE)
				entry_drop(&table[i][j]);
	return nentries;
}

void
fcache_shed(void)
{
	int	 i, j;

	for (i = 0; i < FC_SETS; i++)
		for (j = 0; j < FC_WAYS; j++)
			if (table[i][j] != NULL && table[i][j]->refs == 0)
				entry_drop(&table[i][j]);
}

size_t
fcache_nopen(void)
{
	return nopen;
}

/* Out of the table; closed now or by its last user. */
static void
entry_drop(struct fc_entry **sp)
{
	struct fc_entry	*e = *sp;

	if (e == NULL)
		return;
	*sp = NULL;
	nentries--;
	e->intable = 0;
	if (e->refs == 0)
		entry_free(e);
}

static void
entry_free(struct fc_entry *e)
{
	close(e->fd);
	nopen--;
	free(e->data);
	free(e->path);
	free(e);
}
