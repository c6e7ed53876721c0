/*
 * src/steps_trigger.c
 *
 * The step lifecycle trigger on workshoppilot.workshop_steps: the rules hold
 * for every client (the app's plain SQL, psql, the step functions).
 *
 * One C function serves two row triggers:
 *
 *	lifecycle        BEFORE INSERT OR UPDATE: timestamps of the row itself.
 *		started_at   set to the transaction time when the row is in_progress
 *		             or complete and has none; an UPDATE that would clear it
 *		             keeps the old value (it is never cleared).
 *		completed_at set to the transaction time when the row is complete and
 *		             has none; NULL whenever the row is not complete.
 *		Explicit client values are kept, so a restore or a data migration
 *		writes rows exactly as given.
 *
 *	lifecycle_after  AFTER INSERT OR UPDATE OR DELETE: effects on other rows.
 *		re-edit      an UPDATE that changes the output of a step that was
 *		             complete (or needs_regeneration) marks every later step
 *		             (by "order") of the workshop that is complete as
 *		             needs_regeneration;
 *		workshop     draft -> active when a step leaves not_started;
 *		status       draft/active -> completed when a step becomes complete
 *		             and every defined step is complete; completed ->
 *		             active when a complete step is reopened (or its row
 *		             deleted); paused is never changed.  The workshop row is
 *		             updated only when its status really changes.
 *		Nothing happens (no SPI, no lock) for a row change that cannot have
 *		any of these effects, such as inserting a not_started row or
 *		rewriting an in_progress step's output.  An UPDATE that moves a row
 *		to another workshop or step counts as a delete plus an insert.
 *
 * Concurrency: before reading or writing other rows, lifecycle_after locks
 * the workshop row FOR NO KEY UPDATE (which does not conflict with the
 * FOR KEY SHARE of foreign key checks), then reads with the latest snapshot,
 * as the foreign key triggers do (a workshop row version this transaction
 * wrote that carries no other transaction's lock is not locked again: no
 * conflicting lock can be taken before this transaction ends).  The lock
 * and the "every step complete" check are done directly (src/lookup.c: one
 * index probe each, no SQL) when the role's table privileges allow them and
 * no row-level security applies; otherwise, and for the cascade and the
 * status write, SPI runs the SQL.  Step writes of one workshop therefore
 * serialise at this point: a re-edit racing with the completion of a later
 * step either sees that step complete (and marks it needs_regeneration) or
 * the completion runs after the re-edit has committed and sees its result.
 * Plain UPDATEs lock the step row before the workshop row, so two plain
 * transactions that each touch several steps of one workshop may deadlock;
 * PostgreSQL detects that and aborts one (SQLSTATE 40P01).
 *
 * Recursion is bounded: the cascade's own UPDATEs change only status (never
 * output), so they cannot re-edit anything; their nested lifecycle_after
 * only adjusts the workshop status.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/xact.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/rel.h"
#include "utils/timestamp.h"

#include "workshoppilot.h"

static SPIPlanPtr plan_lock = NULL;
static SPIPlanPtr plan_cascade = NULL;
static SPIPlanPtr plan_all_complete = NULL;
static SPIPlanPtr plan_set_status = NULL;

/*
 * same_text
 *		Whether two text datums hold the same bytes.
 */
static bool
same_text(Datum a, Datum b)
{
	text	   *ta = DatumGetTextPP(a);
	text	   *tb = DatumGetTextPP(b);

	return VARSIZE_ANY_EXHDR(ta) == VARSIZE_ANY_EXHDR(tb) &&
		memcmp(VARDATA_ANY(ta), VARDATA_ANY(tb), VARSIZE_ANY_EXHDR(ta)) == 0;
}

/*
 * transaction_timestamp_for
 *		The transaction start time as a value of the column's type
 *		(timestamp in the session time zone), rounded to its typmod: what a
 *		DEFAULT now() would store.
 */
static Datum
transaction_timestamp_for(Form_pg_attribute attr)
{
	return WpTransactionTimestamp(TIMESTAMPOID, attr->atttypmod);
}

/*
 * lifecycle_before
 *		The BEFORE INSERT OR UPDATE part: returns the row with started_at
 *		and completed_at set as the file header describes.
 */
static HeapTuple
lifecycle_before(TriggerData *trigdata)
{
	TupleDesc	tupdesc = RelationGetDescr(trigdata->tg_relation);
	bool		is_update = TRIGGER_FIRED_BY_UPDATE(trigdata->tg_event);
	HeapTuple	newtuple = is_update ? trigdata->tg_newtuple : trigdata->tg_trigtuple;
	int			status_att = WpTriggerColumn(trigdata, "status", TEXTOID);
	int			started_att = WpTriggerColumn(trigdata, "started_at", TIMESTAMPOID);
	int			completed_att = WpTriggerColumn(trigdata, "completed_at", TIMESTAMPOID);
	int			cols[2];
	Datum		values[2];
	bool		nulls[2];
	int			ncols = 0;
	Datum		status;
	bool		status_null;
	bool		started_null;
	bool		completed_null;
	bool		complete;

	status = heap_getattr(newtuple, status_att, tupdesc, &status_null);
	complete = WpTextEquals(status, status_null, "complete");
	(void) heap_getattr(newtuple, started_att, tupdesc, &started_null);
	(void) heap_getattr(newtuple, completed_att, tupdesc, &completed_null);

	if (started_null)
	{
		bool		old_null = true;
		Datum		old = (Datum) 0;

		if (is_update)
			old = heap_getattr(trigdata->tg_trigtuple, started_att, tupdesc, &old_null);
		if (!old_null)
		{
			/* never cleared: keep the first start */
			cols[ncols] = started_att;
			values[ncols] = old;
			nulls[ncols] = false;
			ncols++;
		}
		else if (complete || WpTextEquals(status, status_null, "in_progress"))
		{
			cols[ncols] = started_att;
			values[ncols] = transaction_timestamp_for(TupleDescAttr(tupdesc, started_att - 1));
			nulls[ncols] = false;
			ncols++;
		}
	}

	if (complete && completed_null)
	{
		cols[ncols] = completed_att;
		values[ncols] = transaction_timestamp_for(TupleDescAttr(tupdesc, completed_att - 1));
		nulls[ncols] = false;
		ncols++;
	}
	else if (!complete && !completed_null)
	{
		cols[ncols] = completed_att;
		values[ncols] = (Datum) 0;
		nulls[ncols] = true;
		ncols++;
	}

	if (ncols == 0)
		return newtuple;
	return heap_modify_tuple_by_cols(newtuple, tupdesc, ncols, cols, values, nulls);
}

/*
 * keep_plan
 *		Prepares and keeps a plan with text arguments.  Call inside SPI.
 */
static SPIPlanPtr
keep_plan(const char *query, int nargs)
{
	Oid			types[2] = {TEXTOID, TEXTOID};

	return WpKeepPlan(query, nargs, types);
}

/*
 * spi_connect / spi_finish
 *		SPI is entered only for the rare steps that need the executor (the
 *		cascade, a status write) or when privileges or row-level security
 *		require the plain queries; *connected tracks it.
 */
static void
spi_connect(bool *connected)
{
	if (*connected)
		return;
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	*connected = true;
}

static void
spi_finish(bool *connected)
{
	if (*connected)
		SPI_finish();
	*connected = false;
}

/*
 * lock_workshop
 *		Locks the workshop row FOR NO KEY UPDATE and returns its status as a
 *		palloc'd C string, or NULL when the row does not exist (being
 *		deleted in this transaction, for instance).  Done directly
 *		(WpLookupLockWorkshop) unless the user's privileges or row-level
 *		security on workshops call for the query through SPI.
 */
static char *
lock_workshop(Datum workshop_id, bool *connected)
{
	char	   *status;

	if (WpLookupLockWorkshop(DatumGetTextPP(workshop_id), &status))
		return status;
	spi_connect(connected);
	if (plan_lock == NULL)
		plan_lock = keep_plan("SELECT w.status FROM workshoppilot.workshops w"
							  " WHERE w.id OPERATOR(pg_catalog.=) $1 FOR NO KEY UPDATE", 1);
	WpRunLatest(plan_lock, &workshop_id, NULL, SPI_OK_SELECT);
	if (SPI_processed == 0)
		return NULL;
	return SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
}

/*
 * all_steps_complete
 *		Whether every step definition has a complete row of the workshop,
 *		read with the latest snapshot: directly (WpLookupAllStepsComplete)
 *		unless privileges or row-level security call for the query.
 */
static bool
all_steps_complete(Datum *args, bool *connected)
{
	bool		allowed;
	bool		result = WpLookupAllStepsComplete(DatumGetTextPP(args[0]), &allowed);
	bool		isnull;

	if (allowed)
		return result;
	spi_connect(connected);
	if (plan_all_complete == NULL)
		plan_all_complete = keep_plan("SELECT NOT EXISTS (SELECT FROM workshoppilot.step_definitions d"
									  " WHERE NOT EXISTS (SELECT FROM workshoppilot.workshop_steps s"
									  "  WHERE s.workshop_id OPERATOR(pg_catalog.=) $1"
									  "  AND s.step_id OPERATOR(pg_catalog.=) d.id"
									  "  AND s.status OPERATOR(pg_catalog.=) 'complete'))", 1);
	WpRunLatest(plan_all_complete, args, NULL, SPI_OK_SELECT);
	return DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0],
									  SPI_tuptable->tupdesc, 1, &isnull));
}

/*
 * apply_after
 *		The re-edit cascade and the workshop status for one row change:
 *		oldtuple is NULL for an insert, newtuple NULL for a delete, both set
 *		for an update of the same (workshop, step).
 */
static void
apply_after(TriggerData *trigdata, HeapTuple oldtuple, HeapTuple newtuple)
{
	TupleDesc	tupdesc = RelationGetDescr(trigdata->tg_relation);
	int			status_att = WpTriggerColumn(trigdata, "status", TEXTOID);
	int			workshop_att = WpTriggerColumn(trigdata, "workshop_id", TEXTOID);
	int			step_att = WpTriggerColumn(trigdata, "step_id", TEXTOID);
	int			output_att = WpTriggerColumn(trigdata, "output", JSONBOID);
	Datum		old_status = (Datum) 0;
	Datum		new_status = (Datum) 0;
	bool		old_null = true;
	bool		new_null = true;
	bool		old_complete;
	bool		new_complete;
	bool		reopen;
	bool		became_complete;
	bool		left_not_started;
	bool		reedit = false;
	Datum		args[2];
	bool		isnull;
	char	   *status;
	const char *target;
	bool		connected = false;

	if (oldtuple)
		old_status = heap_getattr(oldtuple, status_att, tupdesc, &old_null);
	if (newtuple)
		new_status = heap_getattr(newtuple, status_att, tupdesc, &new_null);
	old_complete = WpTextEquals(old_status, old_null, "complete");
	new_complete = WpTextEquals(new_status, new_null, "complete");

	reopen = old_complete && !new_complete;
	became_complete = new_complete && !old_complete;
	left_not_started = newtuple != NULL && !new_null &&
		!WpTextEquals(new_status, new_null, "not_started") &&
		(oldtuple == NULL || WpTextEquals(old_status, old_null, "not_started"));
	if (oldtuple && newtuple &&
		(old_complete || WpTextEquals(old_status, old_null, "needs_regeneration")))
	{
		bool		a_null;
		bool		b_null;
		Datum		a = heap_getattr(oldtuple, output_att, tupdesc, &a_null);
		Datum		b = heap_getattr(newtuple, output_att, tupdesc, &b_null);

		if (a_null || b_null)
			reedit = a_null != b_null;
		else
			reedit = !DatumGetBool(DirectFunctionCall2(jsonb_eq, a, b));
	}

	if (!reopen && !became_complete && !left_not_started && !reedit)
		return;

	args[0] = heap_getattr(newtuple ? newtuple : oldtuple, workshop_att, tupdesc, &isnull);
	if (isnull)
		return;					/* the NOT NULL constraint rejected it already */
	args[1] = heap_getattr(newtuple ? newtuple : oldtuple, step_att, tupdesc, &isnull);
	if (isnull)
		return;

	/* the workshop row: locked, status read after the lock */
	status = lock_workshop(args[0], &connected);
	if (status == NULL)
	{
		spi_finish(&connected);
		return;
	}

	if (reedit)
	{
		spi_connect(&connected);

		/*
		 * The status test is written as an expression so that no plan can
		 * use workshop_steps_status_idx: a generic plan chosen while few
		 * rows were complete would otherwise scan every complete row of
		 * the table for one workshop.
		 */
		if (plan_cascade == NULL)
			plan_cascade = keep_plan("UPDATE workshoppilot.workshop_steps s"
									 " SET status = 'needs_regeneration'"
									 " FROM workshoppilot.step_definitions d"
									 " WHERE s.workshop_id OPERATOR(pg_catalog.=) $1"
									 " AND (s.status OPERATOR(pg_catalog.||) '') OPERATOR(pg_catalog.=) 'complete'"
									 " AND d.id OPERATOR(pg_catalog.=) s.step_id"
									 " AND d.\"order\" OPERATOR(pg_catalog.>) (SELECT me.\"order\""
									 "  FROM workshoppilot.step_definitions me"
									 "  WHERE me.id OPERATOR(pg_catalog.=) $2)", 2);
		WpRunLatest(plan_cascade, args, NULL, SPI_OK_UPDATE);
		/* the cascade's own triggers may have moved the workshop status */
		if (SPI_processed > 0)
			status = lock_workshop(args[0], &connected);
		if (status == NULL)
		{
			spi_finish(&connected);
			return;
		}
	}

	target = status;
	if (strcmp(status, "paused") == 0)
		target = status;
	else if (reopen && strcmp(status, "completed") == 0)
		target = "active";
	else
	{
		if (became_complete &&
			(strcmp(status, "draft") == 0 || strcmp(status, "active") == 0) &&
			all_steps_complete(args, &connected))
			target = "completed";
		if (target == status && left_not_started && strcmp(status, "draft") == 0)
			target = "active";
	}

	if (target != status && strcmp(target, status) != 0)
	{
		spi_connect(&connected);
		if (plan_set_status == NULL)
			plan_set_status = keep_plan("UPDATE workshoppilot.workshops w SET status = $2"
										" WHERE w.id OPERATOR(pg_catalog.=) $1"
										" AND w.status OPERATOR(pg_catalog.<>) $2", 2);
		args[1] = CStringGetTextDatum(target);
		WpRunLatest(plan_set_status, args, NULL, SPI_OK_UPDATE);
	}
	spi_finish(&connected);
}

/*
 * lifecycle_after
 *		The AFTER INSERT OR UPDATE OR DELETE part, as the file header
 *		describes.  An update that moves a row to another workshop or step
 *		counts as the old row deleted and the new one inserted.
 */
static void
lifecycle_after(TriggerData *trigdata)
{
	TupleDesc	tupdesc = RelationGetDescr(trigdata->tg_relation);
	HeapTuple	oldtuple = NULL;
	HeapTuple	newtuple = NULL;

	if (TRIGGER_FIRED_BY_INSERT(trigdata->tg_event))
		newtuple = trigdata->tg_trigtuple;
	else if (TRIGGER_FIRED_BY_DELETE(trigdata->tg_event))
		oldtuple = trigdata->tg_trigtuple;
	else
	{
		int			keys[2];
		int			i;

		oldtuple = trigdata->tg_trigtuple;
		newtuple = trigdata->tg_newtuple;
		keys[0] = WpTriggerColumn(trigdata, "workshop_id", TEXTOID);
		keys[1] = WpTriggerColumn(trigdata, "step_id", TEXTOID);
		for (i = 0; i < 2; i++)
		{
			bool		a_null;
			bool		b_null;
			Datum		a = heap_getattr(oldtuple, keys[i], tupdesc, &a_null);
			Datum		b = heap_getattr(newtuple, keys[i], tupdesc, &b_null);

			if (a_null || b_null || !same_text(a, b))
			{
				apply_after(trigdata, oldtuple, NULL);
				apply_after(trigdata, NULL, newtuple);
				return;
			}
		}
	}
	apply_after(trigdata, oldtuple, newtuple);
}

PG_FUNCTION_INFO_V1(wp_workshop_steps_lifecycle);

/*
 * wp_workshop_steps_lifecycle() -> trigger
 *		Row trigger on workshoppilot.workshop_steps.  Fired BEFORE INSERT OR
 *		UPDATE it returns the row with its timestamps set; fired AFTER
 *		INSERT OR UPDATE OR DELETE it applies the re-edit cascade and the
 *		workshop status rules (see the file header).  Raises 39P01 when
 *		called any other way, 09000 when a needed column is missing.
 */
Datum
wp_workshop_steps_lifecycle(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;

	if (!CALLED_AS_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("workshop_steps_lifecycle: not called by trigger manager")));
	if (!TRIGGER_FIRED_FOR_ROW(trigdata->tg_event))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("workshop_steps_lifecycle: must be fired FOR EACH ROW")));

	if (TRIGGER_FIRED_BEFORE(trigdata->tg_event))
	{
		if (TRIGGER_FIRED_BY_DELETE(trigdata->tg_event) ||
			TRIGGER_FIRED_BY_TRUNCATE(trigdata->tg_event))
			ereport(ERROR,
					(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
					 errmsg("workshop_steps_lifecycle: must be fired BEFORE INSERT OR UPDATE")));
		return PointerGetDatum(lifecycle_before(trigdata));
	}
	if (!TRIGGER_FIRED_AFTER(trigdata->tg_event))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("workshop_steps_lifecycle: must be fired BEFORE or AFTER, not INSTEAD OF")));
	lifecycle_after(trigdata);
	return PointerGetDatum(NULL);
}
