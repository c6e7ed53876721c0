/*
 * src/sessions.c
 *
 * Work sessions: touch_session() and end_session(), the GUC
 * workshoppilot.session_idle_timeout, and the workshop row lock the other
 * SPI users of this concern share (WpLockWorkshop).
 *
 * Representation (the app's two columns and one 0.2.0 adds):
 *	- started_at is when the session's first activity happened;
 *	- ended_at is its last activity (touch_session moves it forward) or the
 *	  moment end_session was called; NULL only in rows a plain-SQL client
 *	  inserted without one, whose last activity is then started_at.
 *	- closed (a defaulted column 0.2.0 adds) is set by end_session: the
 *	  session is over whatever its times say.
 *	- The workshop's open session is its latest session (by last
 *	  activity, coalesce(ended_at, started_at)) when that is not closed and
 *	  its last activity is no older than session_idle_timeout.
 *	  touch_session extends it or, when there is none (no session, the
 *	  latest closed or idle too long), inserts a new one with started_at =
 *	  ended_at = now; an older session behind a closed one is never
 *	  extended.  No row is ever created without an activity.
 *
 * Locking: both functions lock the workshop row FOR NO KEY UPDATE first,
 * as the step functions and the step lifecycle trigger do (the same lock
 * does not block foreign key checks of inserts into the child tables), and
 * then read the sessions with the latest snapshot.  Calls for one workshop
 * therefore run one after the other, and each sees what the previous one
 * committed whatever the isolation level: two open sessions of one
 * workshop never come out of concurrent calls.  (In REPEATABLE READ, a call
 * whose snapshot predates a concurrent change of the workshop row, such as
 * the draft -> active of the call before it, fails with 40001 when it locks
 * the row.)  Calls for different workshops take different row locks and
 * never wait for each other.
 *
 * Timestamps are LOCALTIMESTAMP(3): the transaction start in the session
 * time zone, what the columns' DEFAULT now() stores.  A call that waited
 * for the lock may start before the activity it then finds; ended_at is
 * never moved backwards (greatest()).
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/timestamp.h"

#include "workshoppilot.h"

/* workshoppilot.session_idle_timeout, in milliseconds */
static int	wp_session_idle_timeout = 30 * 60 * 1000;

static SPIPlanPtr plan_lock = NULL;
static SPIPlanPtr plan_open = NULL;
static SPIPlanPtr plan_extend = NULL;
static SPIPlanPtr plan_insert = NULL;
static SPIPlanPtr plan_activate = NULL;
static SPIPlanPtr plan_session = NULL;
static SPIPlanPtr plan_end = NULL;
static SPIPlanPtr plan_row = NULL;

/*
 * WpSessionsInit
 *		Defines workshoppilot.session_idle_timeout.  Called from _PG_init.
 */
void
WpSessionsInit(void)
{
	DefineCustomIntVariable("workshoppilot.session_idle_timeout",
							"Idle time after which the next activity on a workshop starts a new session.",
							NULL,
							&wp_session_idle_timeout,
							30 * 60 * 1000,
							1,
							INT_MAX,
							PGC_USERSET,
							GUC_UNIT_MS,
							NULL, NULL, NULL);
}

/*
 * WpLockWorkshop
 *		Locks the workshop row FOR NO KEY UPDATE (latest snapshot) and
 *		returns its status as a C string in the SPI context, or NULL when
 *		there is no such workshop.  Call inside SPI.
 */
char *
WpLockWorkshop(Datum workshop_id)
{
	if (plan_lock == NULL)
	{
		Oid			types[1] = {TEXTOID};

		plan_lock = WpKeepPlan("SELECT w.status FROM workshoppilot.workshops w"
							   " WHERE w.id OPERATOR(pg_catalog.=) $1 FOR NO KEY UPDATE",
							   1, types);
	}
	WpRunLatest(plan_lock, &workshop_id, NULL, SPI_OK_SELECT);
	if (SPI_processed == 0)
		return NULL;
	return SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
}

/*
 * idle_timeout
 *		The current idle timeout as an interval datum.
 */
static Datum
idle_timeout(void)
{
	Interval   *iv = palloc0(sizeof(Interval));

	iv->time = (int64) wp_session_idle_timeout * INT64CONST(1000);
	return IntervalPGetDatum(iv);
}

/*
 * prepare_plans
 *		Prepares the session plans once per backend.  Call inside SPI.
 */
static void
prepare_plans(void)
{
	Oid			types[2] = {TEXTOID, INTERVALOID};

	/*
	 * The workshop's latest session within the idle timeout, closed or not:
	 * a closed latest session means a new one, never the extension of an
	 * older one behind it (which would then overlap it).
	 */
	if (plan_open == NULL)
		plan_open = WpKeepPlan("SELECT s.id, s.closed FROM workshoppilot.sessions s"
							   " WHERE s.workshop_id OPERATOR(pg_catalog.=) $1"
							   " AND COALESCE(s.ended_at, s.started_at)"
							   "  OPERATOR(pg_catalog.>=) (LOCALTIMESTAMP(3) OPERATOR(pg_catalog.-) $2)"
							   " ORDER BY COALESCE(s.ended_at, s.started_at) DESC,"
							   "  s.started_at DESC, s.id DESC"
							   " LIMIT 1 FOR UPDATE",
							   2, types);
	if (plan_extend == NULL)
		plan_extend = WpKeepPlan("UPDATE workshoppilot.sessions s"
								 " SET ended_at = GREATEST(s.ended_at, s.started_at, LOCALTIMESTAMP(3))"
								 " WHERE s.id OPERATOR(pg_catalog.=) $1"
								 " AND (s.ended_at IS NULL OR s.ended_at OPERATOR(pg_catalog.<) LOCALTIMESTAMP(3))",
								 1, types);
	if (plan_insert == NULL)
		plan_insert = WpKeepPlan("INSERT INTO workshoppilot.sessions (workshop_id, started_at, ended_at)"
								 " VALUES ($1, LOCALTIMESTAMP(3), LOCALTIMESTAMP(3)) RETURNING id",
								 1, types);
	if (plan_activate == NULL)
		plan_activate = WpKeepPlan("UPDATE workshoppilot.workshops w SET status = 'active'"
								   " WHERE w.id OPERATOR(pg_catalog.=) $1"
								   " AND w.status OPERATOR(pg_catalog.=) ANY (ARRAY['draft'::pg_catalog.text, 'paused'::pg_catalog.text])",
								   1, types);
	if (plan_session == NULL)
		plan_session = WpKeepPlan("SELECT s.workshop_id FROM workshoppilot.sessions s"
								  " WHERE s.id OPERATOR(pg_catalog.=) $1",
								  1, types);
	if (plan_end == NULL)
		plan_end = WpKeepPlan("UPDATE workshoppilot.sessions s SET closed = true, ended_at ="
							  " CASE WHEN COALESCE(s.ended_at, s.started_at)"
							  "  OPERATOR(pg_catalog.>=) (LOCALTIMESTAMP(3) OPERATOR(pg_catalog.-) $2)"
							  " THEN GREATEST(s.ended_at, s.started_at, LOCALTIMESTAMP(3))"
							  " ELSE COALESCE(s.ended_at, s.started_at) END"
							  " WHERE s.id OPERATOR(pg_catalog.=) $1 AND NOT s.closed",
							  2, types);
	if (plan_row == NULL)
		plan_row = WpKeepPlan("SELECT s FROM workshoppilot.sessions s"
							  " WHERE s.id OPERATOR(pg_catalog.=) $1",
							  1, types);
}

/*
 * unknown_workshop
 *		Raises 42704 for a workshop id that names no workshop.
 */
static void
unknown_workshop(Datum workshop_id)
{
	ereport(ERROR,
			(errcode(ERRCODE_UNDEFINED_OBJECT),
			 errmsg("workshop \"%s\" does not exist",
					WpMessageTextDatum(workshop_id))));
}

/*
 * latest_is_closed
 *		Whether the row plan_open returned (the workshop's latest session
 *		within the idle timeout) is closed.  Call right after plan_open
 *		returned a row.
 */
static bool
latest_is_closed(void)
{
	bool		isnull;
	Datum		closed = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &isnull);

	return !isnull && DatumGetBool(closed);
}

PG_FUNCTION_INFO_V1(wp_touch_session);

/*
 * wp_touch_session(workshop_id text) -> text
 *		Records an activity on the workshop: extends its open session
 *		(ended_at = now) and returns its id, or starts a new session and
 *		returns the new id when none is open (see the file header).  A
 *		draft or paused workshop becomes active.  Not STRICT: a NULL id
 *		raises 22023; an unknown workshop raises 42704.
 */
Datum
wp_touch_session(PG_FUNCTION_ARGS)
{
	Datum		args[2];
	char	   *status;
	text	   *result;

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("workshop_id must not be null")));
	args[0] = PG_GETARG_DATUM(0);
	args[1] = idle_timeout();

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	prepare_plans();

	status = WpLockWorkshop(args[0]);
	if (status == NULL)
		unknown_workshop(args[0]);

	WpRunLatest(plan_open, args, NULL, SPI_OK_SELECT);
	if (SPI_processed > 0 && !latest_is_closed())
	{
		Datum		id;
		bool		isnull;

		id = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
		if (isnull)
			elog(ERROR, "session id is null");
		result = (text *) DatumGetPointer(SPI_datumTransfer(id, false, -1));
		WpRunLatest(plan_extend, &id, NULL, SPI_OK_UPDATE);
	}
	else
	{
		Datum		id;
		bool		isnull;
		int			ret;

		ret = SPI_execute_plan(plan_insert, args, NULL, false, 1);
		if (ret != SPI_OK_INSERT_RETURNING || SPI_processed != 1)
			elog(ERROR, "session insert returned %s", SPI_result_code_string(ret));
		id = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
		if (isnull)
			elog(ERROR, "session id is null");
		result = (text *) DatumGetPointer(SPI_datumTransfer(id, false, -1));
	}

	if (strcmp(status, "draft") == 0 || strcmp(status, "paused") == 0)
		WpRunLatest(plan_activate, args, NULL, SPI_OK_UPDATE);

	SPI_finish();
	PG_RETURN_TEXT_P(result);
}

PG_FUNCTION_INFO_V1(wp_end_session);

/*
 * wp_end_session(session_id text) -> workshoppilot.sessions
 *		Closes the session (closed = true): one still within the idle
 *		timeout gets ended_at = now; one that is not keeps the end it has
 *		(its last activity; started_at for a row without ended_at).  The
 *		next touch_session of the workshop starts a new session.  Ending a
 *		closed session changes nothing.  Locks the session's workshop
 *		first.  Returns the row.  Not STRICT: a NULL id raises 22023; an
 *		unknown session raises 42704.
 */
Datum
wp_end_session(PG_FUNCTION_ARGS)
{
	Datum		args[2];
	Datum		workshop_id;
	Datum		result;
	bool		isnull;

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("session_id must not be null")));
	args[0] = PG_GETARG_DATUM(0);
	args[1] = idle_timeout();

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	prepare_plans();

	WpRunLatest(plan_session, args, NULL, SPI_OK_SELECT);
	if (SPI_processed == 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("session \"%s\" does not exist",
						WpMessageTextDatum(args[0]))));
	workshop_id = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
	if (isnull)
		elog(ERROR, "session workshop_id is null");
	workshop_id = SPI_datumTransfer(workshop_id, false, -1);

	/* The workshop first, as every writer of one workshop does. */
	if (WpLockWorkshop(workshop_id) == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("session \"%s\" does not exist",
						WpMessageTextDatum(args[0])),
				 errdetail("Its workshop was deleted by a concurrent transaction.")));

	WpRunLatest(plan_end, args, NULL, SPI_OK_UPDATE);
	WpRunLatest(plan_row, args, NULL, SPI_OK_SELECT);
	if (SPI_processed == 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("session \"%s\" does not exist",
						WpMessageTextDatum(args[0])),
				 errdetail("It was deleted by a concurrent transaction.")));
	result = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
	if (isnull)
		elog(ERROR, "session row is null");
	result = SPI_datumTransfer(result, false, -1);
	SPI_finish();
	PG_RETURN_DATUM(result);
}
