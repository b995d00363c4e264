/*
 * endpoint.c: where each service lives and how it signs, with the standard
 * AWS_ENDPOINT_URL overrides. Pure apart from reading the environment.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "endpoint.h"

struct endpoint_service {
	const char *prefix; /* host prefix and signing name */
	const char *env;    /* AWS_ENDPOINT_URL_<env> */
};

static const struct endpoint_service endpoint_services[] = {
	{ "guardduty", "GUARDDUTY" },
	{ "monitoring", "CLOUDWATCH" },
	{ "securityhub", "SECURITYHUB" },
	{ "sns", "SNS" },
	{ "sts", "STS" },
};

static const struct endpoint_service *
endpoint_find(const char *prefix)
{
	size_t i;

	for (i = 0; i < sizeof endpoint_services / sizeof endpoint_services[0];
	     i++)
		if (strcmp(endpoint_services[i].prefix, prefix) == 0)
			return &endpoint_services[i];
	return NULL;
}

/* The first override that applies, or NULL. */
static const char *
endpoint_override(const struct endpoint_service *svc,
    const char *conf_service_url, const char *conf_url)
{
	const char *ignore = getenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");
	char name[64];
	const char *v;

	if (ignore != NULL && strcasecmp(ignore, "true") == 0)
		return NULL;
	snprintf(name, sizeof name, "AWS_ENDPOINT_URL_%s", svc->env);
	if ((v = getenv(name)) != NULL && *v != '\0')
		return v;
	if ((v = getenv("AWS_ENDPOINT_URL")) != NULL && *v != '\0')
		return v;
	if (conf_service_url != NULL)
		return conf_service_url;
	return conf_url;
}

int
endpoint_resolve(const char *service, const char *region,
    const char *conf_service_url, const char *conf_url, struct endpoint *out,
    struct sm_err *err)
{
	const struct endpoint_service *svc;
	const char *url, *suffix;
	size_t n;

	memset(out, 0, sizeof *out);
	if ((svc = endpoint_find(service)) == NULL)
		return sm_err_set(
		    err, "endpoint", "unknown service %s", service);
	strlcpy(out->signing_name, svc->prefix, sizeof out->signing_name);
	strlcpy(out->signing_region, region, sizeof out->signing_region);
	if ((url = endpoint_override(svc, conf_service_url, conf_url)) !=
	    NULL) {
		if (strlcpy(out->url, url, sizeof out->url) >= sizeof out->url)
			return sm_err_set(
			    err, "endpoint", "endpoint URL too long");
		n = strlen(out->url);
		while (n > 0 && out->url[n - 1] == '/')
			out->url[--n] = '\0';
		out->overridden = 1;
		return 0;
	}
	suffix = strncmp(region, "cn-", 3) == 0 ? "amazonaws.com.cn"
						: "amazonaws.com";
	if ((size_t)snprintf(out->url, sizeof out->url, "https://%s.%s.%s",
		svc->prefix, region, suffix) >= sizeof out->url)
		return sm_err_set(err, "endpoint", "region name too long");
	return 0;
}
