/*
 * src/workshoppilot.h
 *
 * Names and cross-file entry points shared by the workshoppilot sources.
 * The extension is not relocatable: its objects always live in the schema
 * named here, which is how the C code finds its own tables.
 */
#ifndef WORKSHOPPILOT_H
#define WORKSHOPPILOT_H

#include "compat.h"

/*
 * Version of this C library, reported by workshoppilot.health() and
 * compared there with the installed SQL version.  Bump it together with
 * default_version in workshoppilot.control (README, "How a change is
 * shipped").
 */
#define WP_LIBRARY_VERSION "0.2.0"
#define WP_VERSION WP_LIBRARY_VERSION

#define WP_SCHEMA_NAME "workshoppilot"
#define WP_WORKSHOPS_TABLE "workshops"
#define WP_WORKSHOP_MEMBERS_TABLE "workshop_members"
#define WP_STEP_DEFINITIONS_TABLE "step_definitions"
#define WP_WORKSHOP_STEPS_TABLE "workshop_steps"
#define WP_SESSIONS_TABLE "sessions"
#define WP_BUILD_PACKS_TABLE "build_packs"

/* Per-file initialisation, called from _PG_init (registration only). */
extern void WpLookupInit(void);
extern void WpJsonSchemaInit(void);
extern void WpDropGuardInit(void);
extern void WpSessionsInit(void);
extern void WpPlanCapInit(void);
extern void WpHealthInit(void);

/* src/triggers.c: helpers of the row triggers */
struct TriggerData;
extern int	WpTriggerColumn(struct TriggerData *trigdata, const char *name, Oid type);
extern bool WpTextEquals(Datum value, bool isnull, const char *s);
extern Datum WpTransactionTimestamp(Oid type, int32 typmod);

/* src/spi_plans.c: a plan prepared once and kept for the backend's life, run with the latest snapshot */
struct _SPI_plan;
extern struct _SPI_plan *WpKeepPlan(const char *query, int nargs, Oid *argtypes);
extern void WpRunLatest(struct _SPI_plan *plan, Datum *args, const char *nulls, int expected);

/* src/sessions.c: the workshop row lock shared by the sessions and members code */
extern char *WpLockWorkshop(Datum workshop_id);

/* src/sharing.c */
extern Datum WpNewShareToken(void);

/* src/lookup.c: direct reads of step progress through cached lookups */
typedef struct WpStepProgress
{
	text	   *current_id;		/* first step not complete; NULL if none */
	int32		completed;		/* step definitions whose row is complete */
	int32		total;			/* number of step definitions */
} WpStepProgress;

extern void WpLookupStepProgress(text *workshop_id, WpStepProgress *progress);
extern bool WpLookupLockWorkshop(text *workshop_id, char **status);
extern bool WpLookupAllStepsComplete(text *workshop_id, bool *allowed);

/* src/messages.c: values quoted in error messages, clipped */
#define WP_MESSAGE_VALUE_MAX 64
extern char *WpMessageValue(const char *s, int len);
extern char *WpMessageTextDatum(Datum value);

#endif							/* WORKSHOPPILOT_H */
