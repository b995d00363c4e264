/*
 * conf.h: the configuration: parsed with inih from the main file and then
 * the drop-ins conf.d/ *.conf beside it (sorted by name, later values win),
 * validated, with every error reported as "file:line: message". The config
 * holds no secrets: there is no key for credentials.
 */
#ifndef SECMON_CONF_H
#define SECMON_CONF_H

#include <stddef.h>
#include <stdint.h>

#define CONF_DEFAULT_PATH "/etc/secmond/secmond.conf"
#define CONF_DEFAULT_STATE_DIR "/var/lib/secmond"
#define CONF_DEFAULT_SOCKET "/run/secmond/control.sock"
#define CONF_MAX_LINE 4096       /* bytes in one config line */
#define CONF_MAX_REGIONS 64      /* regions in [aws] regions */
#define CONF_MAX_ERRORS 100      /* errors collected before giving up */
#define CONF_MAX_DROPINS 256     /* files in conf.d */
#define CONF_MAX_ACCOUNTS 256    /* [account NAME] sections */
#define CONF_MAX_ACCOUNT_NAME 64 /* bytes in the NAME of [account NAME] */
#define CONF_MAX_SINKS 32        /* [sink NAME] sections */
#define CONF_MAX_SINK_NAME 64    /* bytes in the NAME of [sink NAME] */
#define CONF_MAX_TASKS 128       /* [task NAME] sections */
#define CONF_MAX_TASK_NAME 64    /* bytes in the NAME of [task NAME] */
#define CONF_CATALOG "maintenance.conf" /* the catalog beside the config */

/* Alert severities: GuardDuty's bands, as [sink NAME] min_severity. */
enum conf_severity {
	CONF_SEV_LOW,
	CONF_SEV_MEDIUM,
	CONF_SEV_HIGH,
	CONF_SEV_CRITICAL,
};

/* Security Hub's severity labels, as [securityhub] control_min_severity. */
enum conf_sh_severity {
	CONF_SH_INFORMATIONAL,
	CONF_SH_LOW,
	CONF_SH_MEDIUM,
	CONF_SH_HIGH,
	CONF_SH_CRITICAL,
};

/* The kinds of alert, one bit each, as [sink NAME] kinds. */
#define CONF_KIND_NEW_FINDING (1u << 0)
#define CONF_KIND_FINDING_ESCALATED (1u << 1)
#define CONF_KIND_CONTROL_FAILING (1u << 2)
#define CONF_KIND_SCORE_DROP (1u << 3)
#define CONF_KIND_SCORE_BELOW_TARGET (1u << 4)
#define CONF_KIND_ALARM (1u << 5)
#define CONF_KIND_SOURCE_BLIND (1u << 6)
#define CONF_KIND_TASK_OVERDUE (1u << 7)
#define CONF_KIND_TEST (1u << 8)
#define CONF_KIND_DIGEST (1u << 9)    /* an automated review's digest */
#define CONF_KIND_TASK_DUE (1u << 10) /* a manual task's reminder */
#define CONF_KIND_ALL ((1u << 11) - 1)

/* What a [task NAME] does when it is due. */
enum conf_action {
	CONF_ACTION_NONE, /* not set: never in a loaded conf */
	CONF_ACTION_MANUAL,
	CONF_ACTION_GUARDDUTY,
	CONF_ACTION_ALARMS,
	CONF_ACTION_SECURITYHUB,
	CONF_ACTION_WAF,
};

/* Where a [sink NAME] delivers. */
enum conf_sink_type {
	CONF_SINK_NONE, /* not set: never in a loaded conf */
	CONF_SINK_SNS,
	CONF_SINK_JOURNAL,
	CONF_SINK_SYSLOG,
};

struct conf_guardduty {
	int enabled;          /* [guardduty] enabled, default 1 */
	uint64_t interval;    /* seconds, default 300 (5m), >= 10 */
	double min_severity;  /* default 4.0, 0..10 */
	char *endpoint_url;   /* NULL: the standard endpoint */
	uint64_t blind_after; /* seconds; 0: 3 intervals */
};

struct conf_securityhub {
	int enabled;              /* [securityhub] enabled, default 1 */
	uint64_t interval;        /* seconds, default 900 (15m), >= 60 */
	double score_target;      /* percent, default 75 (Level 2) */
	double score_drop;        /* points, 0.1..100, default 2.0 */
	uint64_t baseline;        /* seconds, 1h..90d, default 7d */
	int control_min_severity; /* enum conf_sh_severity, default high */
	char *endpoint_url;       /* NULL: the standard endpoint */
	uint64_t blind_after;     /* seconds; 0: 3 intervals */
};

struct conf_cloudwatch {
	int enabled;        /* [cloudwatch] enabled, default 1 */
	uint64_t interval;  /* seconds, default 60, >= 10 */
	char *alarm_prefix; /* NULL: no prefix filter */
	char **alarm_names; /* NULL/0: no name filter */
	size_t nalarm_names;
	char *endpoint_url;   /* NULL: the standard endpoint */
	uint64_t blind_after; /* seconds; 0: 3 intervals */
};

/* One [account NAME]: an account watched through AssumeRole. */
struct conf_account {
	char *name;        /* NAME: [A-Za-z0-9_.-], unique */
	char *role_arn;    /* arn:<partition>:iam::<id>:role/<name> */
	char *external_id; /* NULL: none; not a secret */
	char **regions;    /* NULL/0: the [aws] regions; else */
	size_t nregions;   /*   regions[nregions] is NULL */
	uint64_t duration; /* seconds, 900..43200, default 3600 */
	int enabled;       /* default 1 */
	unsigned line;     /* where the section first opens: */
	char *file;        /*   line of file, for later errors */
};

/* One [sink NAME]: where notifications go. */
struct conf_sink {
	char *name;         /* NAME: [A-Za-z0-9_.-], unique */
	int type;           /* enum conf_sink_type */
	char *topic_arn;    /* sns: arn:<partition>:sns:<region>:<id>:<name> */
	char *topic_region; /*   the region of topic_arn, to send it there */
	int fifo;           /*   a FIFO topic: its name ends in .fifo */
	int min_severity;   /* enum conf_severity, default low */
	unsigned kinds;     /* CONF_KIND_* bits, default CONF_KIND_ALL */
	int send_resolved;  /* default 1 */
	int facility;       /* syslog: LOG_DAEMON (default) or LOG_LOCAL0..7 */
	char *identifier;   /* journal, syslog: default "secmond" */
	int enabled;        /* default 1 */
	unsigned line;      /* where the section first opens: */
	char *file;         /*   line of file, for later errors */
};

/*
 * One [task NAME] of the maintenance calendar: from the catalog
 * (maintenance.conf beside the config, else the built-in one), overridden
 * key by key by [task NAME] sections of the config and its drop-ins.
 */
struct conf_task {
	char *name;                /* NAME: [A-Za-z0-9_.-], unique */
	char *title;               /* one line for people */
	char *description;         /* what to do; NULL: none */
	char *schedule;            /* a calendar expression (calendar.h) */
	int action;                /* enum conf_action */
	uint64_t grace;            /* manual: seconds to ack, default 1d */
	uint64_t randomized_delay; /* seconds, default 0 */
	char **sinks;              /* NULL/0: every sink that wants the kind */
	size_t nsinks;
	int enabled;   /* default 1 */
	unsigned line; /* where the section first opens: */
	char *file;    /*   line of file, for later errors */
};

/* [maintenance] */
struct conf_maintenance {
	int enabled;    /* default 1 */
	char *timezone; /* NULL: the host's */
};

/* [alerts]: in seconds. */
struct conf_alerts {
	uint64_t group_wait;        /* 0..1h, default 30s */
	uint64_t repeat_interval;   /* 1m..7d, default 4h */
	uint64_t retry_max_backoff; /* 10s..1h, default 5m */
};

struct conf {
	char *path; /* the main file, as given */

	/* [daemon] */
	char *state_dir;      /* default CONF_DEFAULT_STATE_DIR */
	char *socket;         /* default CONF_DEFAULT_SOCKET */
	unsigned socket_mode; /* default 0660 (octal in the file) */
	char *admin_group;    /* NULL: only uid 0 and the daemon's uid */
	int debug;            /* log_level = debug|info, default info */

	/* [aws] */
	char **regions;     /* default: AWS_REGION or AWS_DEFAULT_REGION */
	size_t nregions;    /* regions[nregions] is NULL */
	char *profile;      /* NULL: AWS_PROFILE or "default" */
	char *endpoint_url; /* NULL: the standard endpoints */
	uint64_t connect_timeout_ms; /* default 5000 */
	uint64_t timeout_ms;         /* default 30000 */
	uint64_t max_body;           /* bytes, default 16 MiB */
	unsigned max_attempts;       /* per API call, 1..10, default 3 */
	unsigned max_concurrency;    /* requests in flight, 1..256, def. 16 */
	double rate_limit_factor;    /* of AWS's quotas, 0.05..1, def. 0.5 */
	char *role_session_name;     /* NULL: "secmond-<hostname>" */

	struct conf_guardduty guardduty;
	struct conf_securityhub securityhub;
	struct conf_cloudwatch cloudwatch;
	struct conf_alerts alerts;
	struct conf_maintenance maintenance;

	/* [account NAME] sections: main file first, then the drop-ins */
	struct conf_account *accounts;
	size_t naccounts;

	/*
	 * [sink NAME] sections, in the same order. None: the daemon sends to
	 * an implicit journal sink; conf leaves nsinks 0.
	 */
	struct conf_sink *sinks;
	size_t nsinks;

	/* [task NAME] sections: the catalog's first, then the config's */
	struct conf_task *tasks;
	size_t ntasks;
};

/* The errors of one load: "file:line: message" each. */
struct conf_errors {
	char **msg;
	size_t n;
};

/*
 * Load path (and its conf.d drop-ins) into a new conf. Returns 0 and sets
 * *out (caller frees with conf_free), or -1 with *out NULL and every error
 * appended to errs (caller clears with conf_errors_clear; errs may be NULL).
 */
int conf_load(const char *path, struct conf **out, struct conf_errors *errs);
void conf_free(struct conf *);
void conf_errors_clear(struct conf_errors *);

/* The name of one CONF_KIND_* bit ("new_finding"), or NULL if not one. */
const char *conf_kind_name(unsigned bit);

/* The CONF_KIND_* bit of a kind's name into *bit; -1 if there is none. */
int conf_kind_parse(const char *name, unsigned *bit);

/*
 * What the parser takes, for the check of the manual: section i's name
 * ("aws"; *named set for [type NAME]) and its key k; NULL past the end.
 */
const char *conf_section_name(size_t i, int *named);
const char *conf_section_key(size_t i, size_t k);

/* The name of an enum conf_action ("guardduty-digest"), or NULL. */
const char *conf_action_name(int action);

/* The name of an enum conf_sink_type ("sns"), or NULL. */
const char *conf_sink_type_name(int type);

#endif
