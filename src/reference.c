/*
 * src/reference.c
 *
 * Keeps the shipped step definitions restorable.
 *
 * step_definitions holds reference rows the extension ships (builtin = true)
 * and rows operators add; operators may also edit the shipped rows.  The
 * whole table is registered with pg_extension_config_dump, so a dump carries
 * every row exactly as it was.  On restore, CREATE EXTENSION first installs
 * the pristine shipped rows, then the dump's COPY brings the dumped ones:
 * without help, each shipped id would be a duplicate key.
 *
 * This BEFORE INSERT trigger resolves that: an incoming row marked builtin
 * replaces an existing builtin row with the same id (the existing one is
 * deleted, the incoming one is inserted as given, timestamps and all).  Rows
 * that are not marked builtin never replace anything: inserting an existing
 * id fails with the usual unique violation.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/rel.h"

#include "workshoppilot.h"

PG_FUNCTION_INFO_V1(wp_step_definitions_replace_builtin);

/*
 * wp_step_definitions_replace_builtin() -> trigger
 *		BEFORE INSERT FOR EACH ROW on workshoppilot.step_definitions.  When
 *		NEW.builtin is true, deletes the builtin row with NEW.id if there is
 *		one, then returns NEW unchanged.  Raises 39P01 when called any other
 *		way.  A delete blocked by workshop_steps rows referencing the id
 *		raises the foreign key violation as usual.
 */
Datum
wp_step_definitions_replace_builtin(PG_FUNCTION_ARGS)
{
	static SPIPlanPtr delete_plan = NULL;
	TriggerData *trigdata = (TriggerData *) fcinfo->context;
	TupleDesc	tupdesc;
	HeapTuple	newtuple;
	int			id_attnum;
	int			builtin_attnum;
	Datum		id;
	Datum		builtin;
	bool		isnull;
	int			ret;

	if (!CALLED_AS_TRIGGER(fcinfo) ||
		!TRIGGER_FIRED_FOR_ROW(trigdata->tg_event) ||
		!TRIGGER_FIRED_BEFORE(trigdata->tg_event) ||
		!TRIGGER_FIRED_BY_INSERT(trigdata->tg_event))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("step_definitions_replace_builtin: must be fired BEFORE INSERT FOR EACH ROW")));

	tupdesc = RelationGetDescr(trigdata->tg_relation);
	newtuple = trigdata->tg_trigtuple;
	id_attnum = SPI_fnumber(tupdesc, "id");
	builtin_attnum = SPI_fnumber(tupdesc, "builtin");
	if (id_attnum <= 0 || builtin_attnum <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_TRIGGERED_ACTION_EXCEPTION),
				 errmsg("trigger \"%s\" needs columns \"id\" and \"builtin\" on \"%s\"",
						trigdata->tg_trigger->tgname,
						RelationGetRelationName(trigdata->tg_relation))));

	builtin = heap_getattr(newtuple, builtin_attnum, tupdesc, &isnull);
	if (isnull || !DatumGetBool(builtin))
		return PointerGetDatum(newtuple);
	id = heap_getattr(newtuple, id_attnum, tupdesc, &isnull);
	if (isnull)
		return PointerGetDatum(newtuple);	/* the NOT NULL check reports it */

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	if (delete_plan == NULL)
	{
		Oid			argtypes[1] = {TEXTOID};
		SPIPlanPtr	plan;

		plan = SPI_prepare("DELETE FROM workshoppilot.step_definitions "
						   "WHERE id OPERATOR(pg_catalog.=) $1 AND builtin",
						   1, argtypes);
		if (plan == NULL)
			elog(ERROR, "SPI_prepare failed: %s", SPI_result_code_string(SPI_result));
		if (SPI_keepplan(plan) != 0)
			elog(ERROR, "SPI_keepplan failed");
		delete_plan = plan;
	}
	ret = SPI_execute_plan(delete_plan, &id, NULL, false, 0);
	if (ret != SPI_OK_DELETE)
		elog(ERROR, "SPI_execute_plan failed: %s", SPI_result_code_string(ret));
	SPI_finish();

	return PointerGetDatum(newtuple);
}
