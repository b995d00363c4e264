/*
 * pager.c: the next-page token of a listing, checked as every source
 * needs it checked: a service that repeats its token or never stops must
 * not keep a poll going forever.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pager.h"
#include "util.h"

const char *
aws_pager_take(struct aws_pager *pg, const json_t *j, const char *member,
    size_t max_len, unsigned max_pages, int empty)
{
	json_t *t = json_object_get(j, member);
	const char *s;

	if (t == NULL || json_is_null(t) ||
	    (json_is_string(t) && json_string_length(t) == 0)) {
		free(pg->token);
		pg->token = NULL;
		return NULL;
	}
	if ((s = json_string_value(t)) == NULL ||
	    strlen(s) != json_string_length(t) ||
	    (max_len > 0 && json_string_length(t) > max_len)) {
		snprintf(pg->why, sizeof pg->why,
		    "%s is not a string, or too long", member);
		return pg->why;
	}
	if ((pg->token != NULL && strcmp(pg->token, s) == 0 && !empty) ||
	    ++pg->pages >= max_pages) {
		snprintf(pg->why, sizeof pg->why, "%s repeats or never ends",
		    member);
		return pg->why;
	}
	free(pg->token);
	pg->token = xstrdup(s);
	return NULL;
}

void
aws_pager_reset(struct aws_pager *pg)
{
	free(pg->token);
	pg->token = NULL;
	pg->pages = 0;
}
