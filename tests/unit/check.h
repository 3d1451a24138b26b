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
 * A very small unit-test harness: CHECK() records a failure with file and
 * line and goes on, check_exit() turns the count into the exit status.
 */

#ifndef NB_CHECK_H
#define NB_CHECK_H

#include <stdio.h>
#include <string.h>

static int check_failures, check_count;

#define CHECK(cond) do {						\
	check_count++;							\
	if (!(cond)) {							\
		fprintf(stderr, "%s:%d: failed: %s\n",			\
		    __FILE__, __LINE__, #cond);				\
		check_failures++;					\
	}								\
} while (0)

#define CHECK_INT(got, want) do {					\
	long long g_ = (got), w_ = (want);				\
	check_count++;							\
	if (g_ != w_) {							\
		fprintf(stderr, "%s:%d: %s is %lld, want %lld\n",	\
		    __FILE__, __LINE__, #got, g_, w_);			\
		check_failures++;					\
	}								\
} while (0)

#define CHECK_STR(got, want) do {					\
	const char *g_ = (got), *w_ = (want);				\
	check_count++;							\
	if (g_ == NULL || strcmp(g_, w_) != 0) {			\
		fprintf(stderr, "%s:%d: %s is \"%s\", want \"%s\"\n",	\
		    __FILE__, __LINE__, #got, g_ ? g_ : "(null)", w_);	\
		check_failures++;					\
	}								\
} while (0)

static inline int
check_exit(void)
{
	fprintf(stderr, "%d checks, %d failed\n", check_count,
	    check_failures);
	if (check_count == 0)
		return 1;	/* a test that checks nothing fails */
	return check_failures != 0;
}

#endif /* NB_CHECK_H */
