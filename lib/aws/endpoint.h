/*
 * endpoint.h: service + region -> URL, signing name and signing region.
 * Overrides, first hit wins: AWS_ENDPOINT_URL_<SERVICE>, AWS_ENDPOINT_URL,
 * the service's endpoint_url in the config, [aws] endpoint_url; all off
 * when AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true. Overrides change only the
 * URL.
 */
#ifndef SECMON_ENDPOINT_H
#define SECMON_ENDPOINT_H

#include "util.h"

#define ENDPOINT_MAX_URL 512

struct endpoint {
	char url[ENDPOINT_MAX_URL]; /* scheme://host[:port][/base], no slash at
				       end */
	char signing_name[32];
	char signing_region[32];
	int overridden;
};

/*
 * service is the endpoint prefix ("guardduty", "securityhub", "monitoring",
 * "sns", "sts"); conf_service_url and conf_url may be NULL.
 */
int endpoint_resolve(const char *service, const char *region,
    const char *conf_service_url, const char *conf_url, struct endpoint *out,
    struct sm_err *err);

#endif
