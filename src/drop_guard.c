/*
 * src/drop_guard.c
 *
 * The drop guard: an event trigger function that refuses a DROP which would
 * delete the workshops of the extension, unless the session confirmed it
 * with SET workshoppilot.allow_drop_with_data = on.
 *
 * Design.  The event trigger (sql/workshoppilot--0.1.0--0.2.0.sql, section 1)
 * fires on ddl_command_start and is restricted with
 * WHEN TAG IN ('DROP EXTENSION', 'DROP SCHEMA', 'DROP TABLE', 'DROP OWNED'),
 * so every other command never calls this code.  For those four tags the
 * function looks only at the parse tree: it resolves the named objects
 * without taking locks and without erroring on missing ones (missing_ok), and
 * decides whether one of them is the extension, its schema, a table in its
 * schema, or (DROP OWNED) a role owning the extension or its workshops table.
 * Only then does it open workshoppilot.workshops (AccessShareLock, which the
 * DROP itself would exceed anyway) and count its rows with a heap scan under
 * the transaction snapshot.  Nothing is cached; there is no state between
 * calls.
 *
 * The count is shown only to a role that may read the table and when row
 * level security does not apply to it; anyone else learns only that the
 * table is not empty.  Inside the extension's own scripts (CREATE or ALTER
 * EXTENSION workshoppilot) the guard stands aside: an update script that
 * drops a table migrates its data on purpose.
 *
 * Limits: event triggers do not fire in single-user mode, nor (PG 17+) with
 * event_triggers = off; a superuser can also disable the trigger.  The guard
 * is a protection against a mistyped command, not a security boundary: any
 * role may set the confirmation.
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "access/tableam.h"
#include "catalog/indexing.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "catalog/pg_extension.h"
#include "commands/event_trigger.h"
#include "commands/extension.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "nodes/parsenodes.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/rls.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"

#include "workshoppilot.h"

#define WP_EXTENSION_NAME "workshoppilot"

/* workshoppilot.allow_drop_with_data: the session's explicit confirmation */
static bool wp_allow_drop_with_data = false;

/*
 * WpDropGuardInit
 *		Register workshoppilot.allow_drop_with_data.  Called from _PG_init;
 *		registration only.
 */
void
WpDropGuardInit(void)
{
	DefineCustomBoolVariable("workshoppilot.allow_drop_with_data",
							 "Allows a DROP that deletes the workshops of the workshoppilot extension.",
							 NULL,
							 &wp_allow_drop_with_data,
							 false,
							 PGC_USERSET,
							 0,
							 NULL, NULL, NULL);
}

/*
 * extension_owner
 *		The owner of the extension named WP_EXTENSION_NAME, or InvalidOid if
 *		it is not installed.  Reads pg_extension by its name index.
 */
static Oid
extension_owner(void)
{
	Relation	rel;
	ScanKeyData key;
	SysScanDesc scan;
	HeapTuple	tuple;
	Oid			owner = InvalidOid;

	rel = table_open(ExtensionRelationId, AccessShareLock);
	ScanKeyInit(&key, Anum_pg_extension_extname, BTEqualStrategyNumber,
				F_NAMEEQ, CStringGetDatum(WP_EXTENSION_NAME));
	scan = systable_beginscan(rel, ExtensionNameIndexId, true, NULL, 1, &key);
	tuple = systable_getnext(scan);
	if (HeapTupleIsValid(tuple))
		owner = ((Form_pg_extension) GETSTRUCT(tuple))->extowner;
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
	return owner;
}

/*
 * relation_owner
 *		The owner of relation relid, or InvalidOid if it does not exist.
 */
static Oid
relation_owner(Oid relid)
{
	HeapTuple	tuple;
	Oid			owner = InvalidOid;

	tuple = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
	if (HeapTupleIsValid(tuple))
	{
		owner = ((Form_pg_class) GETSTRUCT(tuple))->relowner;
		ReleaseSysCache(tuple);
	}
	return owner;
}

/*
 * targets_extension
 *		Whether the DROP or DROP OWNED statement parsetree names the
 *		extension, its schema, a table in its schema, or a role owning the
 *		extension or the workshops table.  nspid is the extension's schema
 *		(valid), workshops its workshops table (may be InvalidOid).  Resolves
 *		names with missing_ok and without locks, so it never errors on a
 *		missing object and has no side effect.
 */
static bool
targets_extension(Node *parsetree, Oid nspid, Oid workshops)
{
	ListCell   *lc;

	if (IsA(parsetree, DropOwnedStmt))
	{
		DropOwnedStmt *stmt = (DropOwnedStmt *) parsetree;
		Oid			extowner = extension_owner();
		Oid			relowner = OidIsValid(workshops) ? relation_owner(workshops) : InvalidOid;

		foreach(lc, stmt->roles)
		{
			Oid			roleid = get_rolespec_oid(lfirst_node(RoleSpec, lc), true);

			if (OidIsValid(roleid) && (roleid == extowner || roleid == relowner))
				return true;
		}
		return false;
	}

	if (!IsA(parsetree, DropStmt))
		return false;

	switch (((DropStmt *) parsetree)->removeType)
	{
		case OBJECT_EXTENSION:
		case OBJECT_SCHEMA:
			/* a list of String nodes */
			foreach(lc, ((DropStmt *) parsetree)->objects)
			{
				if (strcmp(strVal(lfirst(lc)), WP_EXTENSION_NAME) == 0)
					return true;
			}
			return false;
		case OBJECT_TABLE:
			/* a list of qualified names, each a List of String nodes */
			foreach(lc, ((DropStmt *) parsetree)->objects)
			{
				List	   *names = (List *) lfirst(lc);
				RangeVar   *rv = makeRangeVarFromNameList(names);
				Oid			relid;

				/* a name qualified with another schema cannot be ours */
				if (rv->schemaname != NULL &&
					strcmp(rv->schemaname, WP_SCHEMA_NAME) != 0)
					continue;
				relid = RangeVarGetRelid(rv, NoLock, true);
				if (OidIsValid(relid) && get_rel_namespace(relid) == nspid)
					return true;
			}
			return false;
		default:
			return false;
	}
}

/*
 * count_rows
 *		The number of rows of relation relid visible to the transaction
 *		snapshot (a heap scan; checks for interrupts).
 */
static int64
count_rows(Oid relid)
{
	Relation	rel;
	TableScanDesc scan;
	TupleTableSlot *slot;
	Snapshot	snapshot;
	int64		n = 0;

	rel = table_open(relid, AccessShareLock);
	snapshot = RegisterSnapshot(GetTransactionSnapshot());
	scan = table_beginscan(rel, snapshot, 0, NULL);
	slot = table_slot_create(rel, NULL);
	while (table_scan_getnextslot(scan, ForwardScanDirection, slot))
	{
		CHECK_FOR_INTERRUPTS();
		n++;
	}
	ExecDropSingleTupleTableSlot(slot);
	table_endscan(scan);
	UnregisterSnapshot(snapshot);
	table_close(rel, AccessShareLock);
	return n;
}

PG_FUNCTION_INFO_V1(wp_drop_guard);

/*
 * wp_drop_guard() -> event_trigger
 *		Event trigger function for ddl_command_start.  Returns without
 *		effect unless the command would drop the extension, its schema or a
 *		table of its schema while workshoppilot.workshops holds rows and
 *		workshoppilot.allow_drop_with_data is off; then raises 55000
 *		(object_not_in_prerequisite_state) with the number of workshops in
 *		the detail (when the role may read them) and the confirmation in the
 *		hint.  Called any other way: 39P01.
 */
Datum
wp_drop_guard(PG_FUNCTION_ARGS)
{
	EventTriggerData *trigdata;
	Oid			nspid;
	Oid			workshops;
	int64		n;

	if (!CALLED_AS_EVENT_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("function \"drop_guard\" was not called by the event trigger manager")));
	trigdata = (EventTriggerData *) fcinfo->context;

	if (wp_allow_drop_with_data)
		PG_RETURN_VOID();

	/* the extension's own scripts migrate their data on purpose */
	if (creating_extension &&
		CurrentExtensionObject == get_extension_oid(WP_EXTENSION_NAME, true))
		PG_RETURN_VOID();

	nspid = get_namespace_oid(WP_SCHEMA_NAME, true);
	if (!OidIsValid(nspid))
		PG_RETURN_VOID();
	workshops = get_relname_relid(WP_WORKSHOPS_TABLE, nspid);
	if (!OidIsValid(workshops) || get_rel_relkind(workshops) != RELKIND_RELATION)
		PG_RETURN_VOID();

	if (!targets_extension(trigdata->parsetree, nspid, workshops))
		PG_RETURN_VOID();

	n = count_rows(workshops);
	if (n == 0)
		PG_RETURN_VOID();

	if (pg_class_aclcheck(workshops, GetUserId(), ACL_SELECT) == ACLCHECK_OK &&
		check_enable_rls(workshops, InvalidOid, true) != RLS_ENABLED)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("%s would delete the workshops of extension \"%s\"",
						GetCommandTagName(trigdata->tag), WP_EXTENSION_NAME),
				 errdetail_plural("The command would delete the data of %lld workshop.",
								  "The command would delete the data of %lld workshops.",
								  (unsigned long) n, (long long) n),
				 errhint("To delete them, run SET workshoppilot.allow_drop_with_data = on in the same session and repeat the command.")));
	else
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("%s would delete the workshops of extension \"%s\"",
						GetCommandTagName(trigdata->tag), WP_EXTENSION_NAME),
				 errdetail("Table \"%s.%s\" is not empty.",
						   WP_SCHEMA_NAME, WP_WORKSHOPS_TABLE),
				 errhint("To delete them, run SET workshoppilot.allow_drop_with_data = on in the same session and repeat the command.")));
	PG_RETURN_VOID();
}
