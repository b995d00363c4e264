/*
 * creds-int.h: what the credential modules share: the shared config and
 * credentials files' view of one profile.
 */
#ifndef SECMON_CREDS_INT_H
#define SECMON_CREDS_INT_H

#include <stdint.h>

#include "util.h"

/* One profile, merged from ~/.aws/config and ~/.aws/credentials. */
struct creds_profile {
	char *access_key_id;
	char *secret_access_key; /* secret */
	char *session_token;     /* secret */
	char *role_arn;
	char *source_profile;
	char *credential_source;
	char *external_id;
	char *role_session_name;
	char *duration_seconds;
	char *web_identity_token_file;
	char *credential_process;
	char *region;
	int found; /* the profile has a section */
};

/* Load profile name; 0 (found or not: see ->found), or -1 with err. */
int creds_profile_load(
    const char *name, struct creds_profile *out, struct sm_err *err);
void creds_profile_clear(struct creds_profile *);

/* The profile the chain uses: conf's, else AWS_PROFILE, else "default". */
const char *creds_profile_name(const char *conf_profile);

#endif
