/*
 * src/step_outputs.c
 *
 * Enforces step output schemas:
 *
 *	wp_workshop_steps_validate_output	BEFORE INSERT OR UPDATE OF output ON
 *		workshoppilot.workshop_steps: a non-NULL output that does not match
 *		its step's output_schema raises 23514 (check_violation).
 *	wp_step_definitions_check_schema	BEFORE INSERT OR UPDATE OF
 *		output_schema ON workshoppilot.step_definitions: a schema that is not
 *		a valid draft 2020-12 schema raises 22023.
 *
 * Caching: per backend, step id -> copy of its output_schema (or "none"),
 * in a child of CacheMemoryContext, read on a miss by a primary-key index
 * scan of step_definitions (AccessShareLock, catalog snapshot).  A relcache callback clears it whenever step_definitions (or
 * everything) is invalidated; the step_definitions triggers of this file and
 * of the step progress code send that invalidation on every change, so all
 * backends notice at commit and this backend at the next command.  The
 * compiled form comes from the content-keyed LRU of jsonschema_compile.c, so
 * an unchanged schema is neither re-read nor re-compiled.
 *
 * Setting workshoppilot.validate_step_outputs = off skips the output check
 * (restoring old rows after a schema change); it is honoured only for roles
 * holding TRIGGER privilege on workshop_steps (the extension owner), for the
 * others it is an error.
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/skey.h"
#include "access/stratnum.h"
#include "access/table.h"
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/fmgroids.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"

#include "workshoppilot.h"
#include "jsonschema.h"

/* errors listed in the trigger's DETAIL */
#define WP_DETAIL_ERRORS 10

typedef struct StepSchema
{
	char	   *step_id;
	Jsonb	   *schema;			/* NULL: the step has no output_schema */
} StepSchema;

static MemoryContext step_cache_cxt = NULL;
static List *step_cache = NIL;
static Oid	step_definitions_relid = InvalidOid;

/*
 * lappend_cxt
 *		Append entry to step_cache, allocating the list cell in the cache
 *		context.
 */
static List *
lappend_cxt(StepSchema *entry)
{
	MemoryContext old = MemoryContextSwitchTo(step_cache_cxt);
	List	   *result = lappend(step_cache, entry);

	MemoryContextSwitchTo(old);
	return result;
}

/*
 * step_cache_invalidate
 *		Relcache callback: forget every cached schema when step_definitions
 *		(or every relation) is invalidated.
 */
static void
step_cache_invalidate(Datum arg, Oid relid)
{
	if (relid != InvalidOid && relid != step_definitions_relid)
		return;
	if (step_cache_cxt)
		MemoryContextReset(step_cache_cxt);
	step_cache = NIL;
	step_definitions_relid = InvalidOid;
}

/*
 * WpStepOutputsInit
 *		Register the cache invalidation callback (from _PG_init).
 */
void
WpStepOutputsInit(void)
{
	CacheRegisterRelcacheCallback(step_cache_invalidate, (Datum) 0);
}

/*
 * lookup_step_schema
 *		The output_schema of step step_id (NULL when the step has none or
 *		does not exist), from the cache or read from the table.  The result stays
 *		valid until the next invalidation.
 */
static Jsonb *
lookup_step_schema(const char *step_id)
{
	ListCell   *lc;
	StepSchema *entry;
	MemoryContext old;
	Oid			relid;
	Relation	rel;
	TupleDesc	desc;
	AttrNumber	id_att,
				schema_att;
	ScanKeyData key;
	SysScanDesc scan;
	HeapTuple	tuple;
	int			i;

	if (!OidIsValid(step_definitions_relid))
	{
		Oid			nsp = get_namespace_oid(WP_SCHEMA_NAME, true);

		if (OidIsValid(nsp))
			step_definitions_relid = get_relname_relid(WP_STEP_DEFINITIONS_TABLE, nsp);
		if (!OidIsValid(step_definitions_relid))
			ereport(ERROR,
					(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
					 errmsg("table \"%s.%s\" does not exist", WP_SCHEMA_NAME, WP_STEP_DEFINITIONS_TABLE),
					 errhint("Install the extension with CREATE EXTENSION workshoppilot.")));
	}
	foreach(lc, step_cache)
	{
		entry = lfirst(lc);
		if (strcmp(entry->step_id, step_id) == 0)
			return entry->schema;
	}

	if (step_cache_cxt == NULL)
		step_cache_cxt = AllocSetContextCreate(CacheMemoryContext,
											   "workshoppilot step output schemas",
											   ALLOCSET_SMALL_SIZES);

	/*
	 * Direct primary-key lookup: no SPI, and no SELECT privilege needed by
	 * the role writing the output (step definitions are reference data).
	 */
	relid = step_definitions_relid;
	rel = table_open(relid, AccessShareLock);
	desc = RelationGetDescr(rel);
	id_att = schema_att = InvalidAttrNumber;
	for (i = 0; i < desc->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, i);

		if (att->attisdropped)
			continue;
		if (strcmp(NameStr(att->attname), "id") == 0 && att->atttypid == TEXTOID)
			id_att = att->attnum;
		else if (strcmp(NameStr(att->attname), "output_schema") == 0 && att->atttypid == JSONBOID)
			schema_att = att->attnum;
	}
	list_free(RelationGetIndexList(rel));	/* sets rd_pkindex */
	if (id_att == InvalidAttrNumber || schema_att == InvalidAttrNumber || !OidIsValid(rel->rd_pkindex))
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("table \"%s.%s\" lacks its \"id\" key or its \"output_schema\" column",
						WP_SCHEMA_NAME, WP_STEP_DEFINITIONS_TABLE),
				 errhint("Reinstall the extension.")));
	ScanKeyInit(&key, id_att, BTEqualStrategyNumber, F_TEXTEQ, CStringGetTextDatum(step_id));
	scan = systable_beginscan(rel, rel->rd_pkindex, true, NULL, 1, &key);
	tuple = systable_getnext(scan);

	if (!HeapTupleIsValid(tuple))
	{
		/*
		 * An unknown step: the foreign key rejects the row after this BEFORE
		 * trigger.  Not cached, so failed writes naming many unknown ids do
		 * not fill the per-backend cache.
		 */
		systable_endscan(scan);
		table_close(rel, NoLock);
		return NULL;
	}
	old = MemoryContextSwitchTo(step_cache_cxt);
	entry = palloc0(sizeof(StepSchema));
	entry->step_id = pstrdup(step_id);
	{
		bool		isnull;
		Datum		d = heap_getattr(tuple, schema_att, desc, &isnull);

		if (!isnull)
			entry->schema = DatumGetJsonbPCopy(d);
	}
	MemoryContextSwitchTo(old);
	systable_endscan(scan);
	/* keep the lock to the end of the transaction (STYLE.md section 8) */
	table_close(rel, NoLock);

	/* an invalidation processed while opening the table has reset the cache */
	step_cache = lappend_cxt(entry);
	return entry->schema;
}

/*
 * check_trigger_call
 *		Protocol checks shared by both triggers: called as a row-level
 *		BEFORE INSERT OR UPDATE trigger.
 */
static TriggerData *
check_trigger_call(FunctionCallInfo fcinfo, const char *funcname)
{
	TriggerData *td;

	if (!CALLED_AS_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("function \"%s\" was not called by trigger manager", funcname)));
	td = (TriggerData *) fcinfo->context;
	if (!TRIGGER_FIRED_FOR_ROW(td->tg_event) || !TRIGGER_FIRED_BEFORE(td->tg_event) ||
		!(TRIGGER_FIRED_BY_INSERT(td->tg_event) || TRIGGER_FIRED_BY_UPDATE(td->tg_event)))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("function \"%s\" must be fired BEFORE INSERT OR UPDATE FOR EACH ROW",
						funcname)));
	return td;
}

/*
 * wp_workshop_steps_validate_output
 *		Trigger on workshop_steps: validates NEW.output against the
 *		output_schema of NEW.step_id.  NULL output, a step without schema and
 *		an UPDATE leaving output unchanged pass without validation.  Errors:
 *		23514 with the errors in DETAIL; 42501 when validation is switched
 *		off by a role without TRIGGER privilege on the table.
 */
PG_FUNCTION_INFO_V1(wp_workshop_steps_validate_output);
Datum
wp_workshop_steps_validate_output(PG_FUNCTION_ARGS)
{
	TriggerData *td = check_trigger_call(fcinfo, "workshop_steps_validate_output");
	HeapTuple	newtuple = TRIGGER_FIRED_BY_UPDATE(td->tg_event) ? td->tg_newtuple : td->tg_trigtuple;
	TupleDesc	desc = RelationGetDescr(td->tg_relation);
	int			output_att = WpTriggerColumn(td, "output", JSONBOID);
	int			step_att = WpTriggerColumn(td, "step_id", TEXTOID);
	int			workshop_att = WpTriggerColumn(td, "workshop_id", TEXTOID);
	bool		isnull;
	Datum		output;
	Datum		stepd;
	char	   *step_id;
	Jsonb	   *schema;
	Jsonb	   *instance;
	WpCompiledSchema *cs;

	output = heap_getattr(newtuple, output_att, desc, &isnull);
	if (isnull)
		return PointerGetDatum(newtuple);
	if (TRIGGER_FIRED_BY_UPDATE(td->tg_event))
	{
		bool		oldnull;
		Datum		oldoutput = heap_getattr(td->tg_trigtuple, output_att, desc, &oldnull);
		bool		oldstepnull;
		Datum		oldstep = heap_getattr(td->tg_trigtuple, step_att, desc, &oldstepnull);
		bool		newstepnull;
		Datum		newstep = heap_getattr(newtuple, step_att, desc, &newstepnull);

		/*
		 * Unchanged output (same bytes or same TOAST pointer) of the same
		 * step: nothing to check.  A row moved to another step is checked
		 * against that step's schema even when its output stays.
		 */
		if (!oldnull && datumIsEqual(oldoutput, output, false, -1) &&
			!oldstepnull && !newstepnull &&
			datumIsEqual(oldstep, newstep, false, -1))
			return PointerGetDatum(newtuple);
	}
	if (!wp_validate_step_outputs)
	{
		if (pg_class_aclcheck(RelationGetRelid(td->tg_relation), GetUserId(),
							  ACL_TRIGGER) == ACLCHECK_OK)
			return PointerGetDatum(newtuple);
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied to skip step output validation"),
				 errdetail("Only roles with TRIGGER privilege on workshoppilot.workshop_steps may set workshoppilot.validate_step_outputs to off."),
				 errhint("Reset workshoppilot.validate_step_outputs.")));
	}

	/*
	 * No step, no schema: the NOT NULL constraint on step_id refuses the row
	 * (23502) after the BEFORE triggers.  (Reading the NULL datum as text
	 * crashed the backend.)
	 */
	stepd = heap_getattr(newtuple, step_att, desc, &isnull);
	if (isnull)
		return PointerGetDatum(newtuple);
	step_id = TextDatumGetCString(stepd);
	schema = lookup_step_schema(step_id);
	if (schema == NULL)
		return PointerGetDatum(newtuple);

	instance = DatumGetJsonbP(output);
	cs = WpJsonSchemaGetCached(schema);
	if (!WpJsonSchemaValidate(cs, instance, wp_jsonschema_format_assertion, NULL))
	{
		List	   *errors;
		StringInfoData detail;
		Datum		wsd = heap_getattr(newtuple, workshop_att, desc, &isnull);
		char	   *workshop_id = isnull ? "(null)" : WpMessageTextDatum(wsd);

		(void) WpJsonSchemaValidate(cs, instance, wp_jsonschema_format_assertion, &errors);
		initStringInfo(&detail);
		WpSchemaErrorsDetail(&detail, errors, WP_DETAIL_ERRORS);
		ereport(ERROR,
				(errcode(ERRCODE_CHECK_VIOLATION),
				 errmsg("output of step \"%s\" in workshop \"%s\" does not match the step's output schema",
						WpMessageValue(step_id, strlen(step_id)), workshop_id),
				 errdetail("%s", detail.data),
				 errhint("Run SELECT workshoppilot.jsonb_schema_errors(output_schema, <output>) FROM workshoppilot.step_definitions WHERE id = '%s' to list all errors.",
						 WpMessageValue(step_id, strlen(step_id))),
				 errtable(td->tg_relation)));
	}
	return PointerGetDatum(newtuple);
}

/*
 * wp_step_definitions_check_schema
 *		Trigger on step_definitions: a new or changed non-NULL output_schema
 *		must be a valid JSON Schema (meta-schema and compilation), else 22023
 *		with the problems in DETAIL.  Also sends the relcache invalidation
 *		that clears every backend's cached step schemas.
 */
PG_FUNCTION_INFO_V1(wp_step_definitions_check_schema);
Datum
wp_step_definitions_check_schema(PG_FUNCTION_ARGS)
{
	TriggerData *td = check_trigger_call(fcinfo, "step_definitions_check_schema");
	HeapTuple	newtuple = TRIGGER_FIRED_BY_UPDATE(td->tg_event) ? td->tg_newtuple : td->tg_trigtuple;
	TupleDesc	desc = RelationGetDescr(td->tg_relation);
	int			schema_att = WpTriggerColumn(td, "output_schema", JSONBOID);
	int			id_att = WpTriggerColumn(td, "id", TEXTOID);
	bool		isnull;
	Datum		schema;
	List	   *errors = NIL;

	schema = heap_getattr(newtuple, schema_att, desc, &isnull);
	if (TRIGGER_FIRED_BY_UPDATE(td->tg_event))
	{
		bool		oldnull;
		Datum		old = heap_getattr(td->tg_trigtuple, schema_att, desc, &oldnull);

		if (oldnull == isnull && (isnull || datumIsEqual(old, schema, false, -1)))
			return PointerGetDatum(newtuple);
	}
	CacheInvalidateRelcache(td->tg_relation);
	if (isnull)
		return PointerGetDatum(newtuple);

	if (!WpJsonSchemaCheckValid(DatumGetJsonbP(schema), &errors))
	{
		StringInfoData detail;
		Datum		idd = heap_getattr(newtuple, id_att, desc, &isnull);

		initStringInfo(&detail);
		WpSchemaErrorsDetail(&detail, errors, WP_DETAIL_ERRORS);
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("output_schema of step \"%s\" is not a valid JSON Schema",
						isnull ? "(null)" : WpMessageTextDatum(idd)),
				 errdetail("%s", detail.data),
				 errhint("Check it with workshoppilot.jsonb_schema_errors('{\"$ref\": \"https://json-schema.org/draft/2020-12/schema\"}', <schema>).")));
	}
	return PointerGetDatum(newtuple);
}
