/*
 * pager.h: following a listing's next-page token across its pages, the
 * same way for every source: the token to send with the next request and
 * the pages taken, and the checks on each answer's token.
 */
#ifndef SECMON_PAGER_H
#define SECMON_PAGER_H

#include <stddef.h>

#include <jansson.h>

struct aws_pager {
	char *token;    /* to send for the next page; NULL: none (first) */
	unsigned pages; /* pages taken after the first */
	char why[96];   /* what was wrong with the last token */
};

/*
 * Take member (e.g. "NextToken") of answer j: absent, null or "" ends the
 * listing (token NULL). A token that is not a string without NUL, longer
 * than max_len bytes (0: no limit), the same as the last one (unless the
 * page was empty: that says "try again"), or one that would make the
 * listing longer than max_pages pages, is an error: what is wrong
 * ("NextToken repeats or never ends", in the pager); NULL when the token
 * was taken.
 */
const char *aws_pager_take(struct aws_pager *, const json_t *j,
    const char *member, size_t max_len, unsigned max_pages, int empty);

/* Back to the first page (a new listing). */
void aws_pager_reset(struct aws_pager *);

#endif
