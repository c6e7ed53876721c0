/*
 * src/steps.c
 *
 * Step progress functions: the derived current step, the progress summary,
 * the step write functions (start, complete, skip) and the context a step is
 * facilitated with.
 *
 * current_step() and workshop_progress() read through src/lookup.c (cached
 * step definitions, two direct index probes, no SQL planning per call).
 *
 * The write functions and step_context() are not on a hot path and use SPI
 * with plans prepared once per backend (SPI_keepplan; the plan cache
 * re-analyses them if the extension's tables are dropped and recreated).
 * The write functions lock the workshop row (FOR NO KEY UPDATE) before they
 * touch a step row: the lifecycle trigger (src/steps_trigger.c) takes the
 * same lock, and taking it first keeps callers of these functions from
 * deadlocking with each other.  The row itself is then read FOR UPDATE, and
 * written only when the requested state differs from the stored one, so a
 * repeated call changes nothing (not even updated_at).
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"

#include "workshoppilot.h"

PG_FUNCTION_INFO_V1(wp_current_step);

/*
 * wp_current_step(workshop_id text) -> text
 *		The id of the first step definition, by "order", that is not
 *		complete for the workshop; NULL when all are complete.  STRICT.
 *		Raises 42704 for an unknown workshop.
 */
Datum
wp_current_step(PG_FUNCTION_ARGS)
{
	WpStepProgress progress;

	WpLookupStepProgress(PG_GETARG_TEXT_PP(0), &progress);
	if (progress.current_id == NULL)
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(progress.current_id);
}

PG_FUNCTION_INFO_V1(wp_workshop_progress);

/*
 * wp_workshop_progress(workshop_id text) -> (current_step text,
 *		completed integer, total integer, percent integer)
 *		One row summarising the workshop's progress.  percent is
 *		floor(100 * completed / total), and 100 when there are no step
 *		definitions at all.  STRICT.  Raises 42704 for an unknown workshop.
 */
Datum
wp_workshop_progress(PG_FUNCTION_ARGS)
{
	WpStepProgress progress;
	TupleDesc	tupdesc;
	Datum		values[4];
	bool		nulls[4] = {false, false, false, false};

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	tupdesc = BlessTupleDesc(tupdesc);

	WpLookupStepProgress(PG_GETARG_TEXT_PP(0), &progress);

	if (progress.current_id == NULL)
		nulls[0] = true;
	else
		values[0] = PointerGetDatum(progress.current_id);
	values[1] = Int32GetDatum(progress.completed);
	values[2] = Int32GetDatum(progress.total);
	values[3] = Int32GetDatum(progress.total == 0 ? 100 :
							  (int32) (((int64) progress.completed * 100) / progress.total));

	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}

/* What a write function asks for. */
typedef enum StepAction
{
	STEP_START,
	STEP_COMPLETE,
	STEP_SKIP
} StepAction;

static SPIPlanPtr plan_lock_workshop = NULL;
static SPIPlanPtr plan_step_exists = NULL;
static SPIPlanPtr plan_select_row = NULL;
static SPIPlanPtr plan_insert_row = NULL;
static SPIPlanPtr plan_update_row = NULL;
static SPIPlanPtr plan_context = NULL;

/*
 * prepare_write_plans
 *		Prepares the plans of the write functions once per backend.
 */
static void
prepare_write_plans(void)
{
	Oid			types[4] = {TEXTOID, TEXTOID, TEXTOID, JSONBOID};

	if (plan_lock_workshop == NULL)
		plan_lock_workshop = WpKeepPlan(
										  "SELECT w.status FROM workshoppilot.workshops w"
										  " WHERE w.id OPERATOR(pg_catalog.=) $1 FOR NO KEY UPDATE",
										  1, types);
	if (plan_step_exists == NULL)
		plan_step_exists = WpKeepPlan(
										"SELECT 1 FROM workshoppilot.step_definitions d"
										" WHERE d.id OPERATOR(pg_catalog.=) $1",
										1, types);
	if (plan_select_row == NULL)
		plan_select_row = WpKeepPlan(
									   "SELECT s, s.status, s.output FROM workshoppilot.workshop_steps s"
									   " WHERE s.workshop_id OPERATOR(pg_catalog.=) $1"
									   " AND s.step_id OPERATOR(pg_catalog.=) $2 FOR UPDATE",
									   2, types);
	if (plan_insert_row == NULL)
		plan_insert_row = WpKeepPlan(
									   "INSERT INTO workshoppilot.workshop_steps AS s"
									   " (workshop_id, step_id, status, output) VALUES ($1, $2, $3, $4)"
									   " ON CONFLICT ON CONSTRAINT workshop_steps_workshop_step_unique DO NOTHING"
									   " RETURNING s, s.status, s.output",
									   4, types);
	if (plan_update_row == NULL)
		plan_update_row = WpKeepPlan(
									   "UPDATE workshoppilot.workshop_steps AS s SET status = $3, output = $4"
									   " WHERE s.workshop_id OPERATOR(pg_catalog.=) $1"
									   " AND s.step_id OPERATOR(pg_catalog.=) $2"
									   " RETURNING s, s.status, s.output",
									   4, types);
}

/*
 * run_plan
 *		Executes a kept plan with the given arguments (NULL pointer = SQL
 *		NULL) and checks the result code.
 */
static void
run_plan(SPIPlanPtr plan, int nargs, Datum *args, bool *isnull, bool read_only,
		 int expected)
{
	char		nulls[4];
	int			i;
	int			ret;

	for (i = 0; i < nargs; i++)
		nulls[i] = isnull[i] ? 'n' : ' ';
	ret = SPI_execute_plan(plan, args, nulls, read_only, 0);
	if (ret != expected)
		elog(ERROR, "SPI_execute_plan returned %s, expected %s",
			 SPI_result_code_string(ret), SPI_result_code_string(expected));
}

/*
 * jsonb_same
 *		Whether two nullable jsonb values are equal (NULL equals NULL).
 */
static bool
jsonb_same(Datum a, bool a_null, Datum b, bool b_null)
{
	if (a_null || b_null)
		return a_null && b_null;
	return DatumGetBool(DirectFunctionCall2(jsonb_eq, a, b));
}

/*
 * check_ids
 *		Raises 22023 when a required id argument is NULL.
 */
static void
check_ids(FunctionCallInfo fcinfo)
{
	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("workshop_id must not be null")));
	if (PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("step_id must not be null")));
}

/*
 * step_write
 *		Shared body of start_step, complete_step and skip_step.
 *
 *		Locks the workshop (42704 if it does not exist), checks the step
 *		definition (42704 if unknown), locks or creates the step row, and
 *		moves it to the requested state:
 *			start:    not_started / needs_regeneration -> in_progress
 *			          (in_progress and complete are left as they are);
 *			complete: -> complete with the given output (NULL allowed);
 *			skip:     -> complete with no output, unless already complete.
 *		Writes only when something changes.  Returns the resulting row, a
 *		workshoppilot.workshop_steps composite, in the caller's context.
 */
static Datum
step_write(FunctionCallInfo fcinfo, StepAction action)
{
	Datum		args[4];
	bool		isnull[4] = {false, false, false, false};
	Datum		want_output = (Datum) 0;
	bool		want_output_null = true;
	const char *want_status;
	Datum		result;
	bool		result_null;
	bool		found;

	check_ids(fcinfo);
	if (action == STEP_COMPLETE && !PG_ARGISNULL(2))
	{
		want_output = PG_GETARG_DATUM(2);
		want_output_null = false;
	}
	want_status = action == STEP_START ? "in_progress" : "complete";

	args[0] = PG_GETARG_DATUM(0);
	args[1] = PG_GETARG_DATUM(1);

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	prepare_write_plans();

	run_plan(plan_lock_workshop, 1, args, isnull, false, SPI_OK_SELECT);
	if (SPI_processed == 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("workshop \"%s\" does not exist",
						WpMessageTextDatum(args[0]))));

	run_plan(plan_step_exists, 1, &args[1], isnull, false, SPI_OK_SELECT);
	if (SPI_processed == 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("step \"%s\" does not exist",
						WpMessageTextDatum(args[1])),
				 errhint("Valid steps are the ids in workshoppilot.step_definitions.")));

	run_plan(plan_select_row, 2, args, isnull, false, SPI_OK_SELECT);
	found = SPI_processed > 0;
	if (!found)
	{
		/*
		 * Missing row: create it in the target state.  A plain-SQL client
		 * may insert the same row concurrently (it does not take the
		 * workshop lock first); then we lock and update that one instead.
		 */
		args[2] = CStringGetTextDatum(want_status);
		args[3] = want_output;
		isnull[3] = want_output_null;
		run_plan(plan_insert_row, 4, args, isnull, false, SPI_OK_INSERT_RETURNING);
		if (SPI_processed == 0)
		{
			run_plan(plan_select_row, 2, args, isnull, false, SPI_OK_SELECT);
			found = SPI_processed > 0;
			if (!found)
				ereport(ERROR,
						(errcode(ERRCODE_T_R_SERIALIZATION_FAILURE),
						 errmsg("could not write step \"%s\" of workshop \"%s\" due to a concurrent delete",
								WpMessageTextDatum(args[1]), WpMessageTextDatum(args[0])),
						 errdetail("Another transaction deleted the step's row between this call's insert and its update."),
						 errhint("Retry the call.")));
		}
	}
	if (found)
	{
		HeapTuple	row = SPI_tuptable->vals[0];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		bool		status_null;
		bool		output_null;
		char	   *status = SPI_getvalue(row, desc, 2);
		Datum		output = SPI_getbinval(row, desc, 3, &output_null);
		bool		change = false;
		Datum		new_output = output;
		bool		new_output_null = output_null;
		const char *new_status = status;

		status_null = (status == NULL);
		switch (action)
		{
			case STEP_START:
				if (status_null || strcmp(status, "not_started") == 0 ||
					strcmp(status, "needs_regeneration") == 0)
				{
					new_status = "in_progress";
					change = true;
				}
				break;
			case STEP_COMPLETE:
				if (status_null || strcmp(status, "complete") != 0 ||
					!jsonb_same(output, output_null, want_output, want_output_null))
				{
					new_status = "complete";
					new_output = want_output;
					new_output_null = want_output_null;
					change = true;
				}
				break;
			case STEP_SKIP:
				if (status_null || strcmp(status, "complete") != 0)
				{
					new_status = "complete";
					new_output_null = true;
					change = true;
				}
				break;
		}
		if (change)
		{
			args[2] = CStringGetTextDatum(new_status);
			args[3] = new_output;
			isnull[3] = new_output_null;
			run_plan(plan_update_row, 4, args, isnull, false, SPI_OK_UPDATE_RETURNING);
			if (SPI_processed != 1)
				elog(ERROR, "locked workshop step row was not updated");
		}
	}

	result = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &result_null);
	if (result_null)
		elog(ERROR, "workshop step row is null");
	result = SPI_datumTransfer(result, false, -1);
	SPI_finish();
	PG_RETURN_DATUM(result);
}

PG_FUNCTION_INFO_V1(wp_start_step);

/*
 * wp_start_step(workshop_id text, step_id text) -> workshop_steps
 *		Marks the step in_progress (creating its row if missing) unless it
 *		is already in_progress or complete.  See step_write for errors.
 */
Datum
wp_start_step(PG_FUNCTION_ARGS)
{
	return step_write(fcinfo, STEP_START);
}

PG_FUNCTION_INFO_V1(wp_complete_step);

/*
 * wp_complete_step(workshop_id text, step_id text, output jsonb)
 *		-> workshop_steps
 *		Marks the step complete with this output (creating its row if
 *		missing).  A complete step given the same output is left alone; a
 *		complete step given a different output is re-edited (the lifecycle
 *		trigger then marks later complete steps needs_regeneration).  See
 *		step_write for errors.
 */
Datum
wp_complete_step(PG_FUNCTION_ARGS)
{
	return step_write(fcinfo, STEP_COMPLETE);
}

PG_FUNCTION_INFO_V1(wp_skip_step);

/*
 * wp_skip_step(workshop_id text, step_id text) -> workshop_steps
 *		Marks the step complete with no output (creating its row if
 *		missing), unless it is already complete.  See step_write for errors.
 */
Datum
wp_skip_step(PG_FUNCTION_ARGS)
{
	return step_write(fcinfo, STEP_SKIP);
}

PG_FUNCTION_INFO_V1(wp_step_context);

/*
 * wp_step_context(workshop_id text, step_id text) -> jsonb
 *		The outputs of all steps before step_id (by "order") whose output is
 *		not NULL, as one object keyed by step id; {} when there are none.
 *		STRICT.  Raises 42704 for an unknown workshop or step.
 */
Datum
wp_step_context(PG_FUNCTION_ARGS)
{
	Datum		args[2];
	bool		isnull[2] = {false, false};
	Oid			types[2] = {TEXTOID, TEXTOID};
	HeapTuple	row;
	TupleDesc	desc;
	bool		null;
	Datum		result;

	args[0] = PG_GETARG_DATUM(0);
	args[1] = PG_GETARG_DATUM(1);

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	if (plan_context == NULL)
		plan_context = WpKeepPlan(
									"SELECT"
									" EXISTS (SELECT FROM workshoppilot.workshops w"
									"  WHERE w.id OPERATOR(pg_catalog.=) $1),"
									" EXISTS (SELECT FROM workshoppilot.step_definitions d"
									"  WHERE d.id OPERATOR(pg_catalog.=) $2),"
									" (SELECT pg_catalog.jsonb_object_agg(d.id, s.output ORDER BY d.\"order\")"
									"  FROM workshoppilot.workshop_steps s"
									"  JOIN workshoppilot.step_definitions d ON d.id OPERATOR(pg_catalog.=) s.step_id"
									"  WHERE s.workshop_id OPERATOR(pg_catalog.=) $1"
									"  AND s.output IS NOT NULL"
									"  AND d.\"order\" OPERATOR(pg_catalog.<) (SELECT me.\"order\""
									"   FROM workshoppilot.step_definitions me"
									"   WHERE me.id OPERATOR(pg_catalog.=) $2))",
									2, types);
	run_plan(plan_context, 2, args, isnull, true, SPI_OK_SELECT);
	if (SPI_processed != 1)
		elog(ERROR, "step context query returned " UINT64_FORMAT " rows",
			 (uint64) SPI_processed);
	row = SPI_tuptable->vals[0];
	desc = SPI_tuptable->tupdesc;

	if (!DatumGetBool(SPI_getbinval(row, desc, 1, &null)))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("workshop \"%s\" does not exist",
						WpMessageTextDatum(args[0]))));
	if (!DatumGetBool(SPI_getbinval(row, desc, 2, &null)))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("step \"%s\" does not exist",
						WpMessageTextDatum(args[1])),
				 errhint("Valid steps are the ids in workshoppilot.step_definitions.")));

	result = SPI_getbinval(row, desc, 3, &null);
	if (!null)
		result = SPI_datumTransfer(result, false, -1);
	SPI_finish();
	if (null)
		result = DirectFunctionCall1(jsonb_in, CStringGetDatum("{}"));
	PG_RETURN_DATUM(result);
}
