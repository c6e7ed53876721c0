/*
 * src/health.c
 *
 * workshoppilot.health(): what the app's /api/health endpoint calls.  It
 * proves the database answers and says whether the extension is sound:
 *	- the version of the loaded C library (WP_LIBRARY_VERSION) equals the
 *	  extension version installed in this database (pg_extension);
 *	- every shipped step definition exists (by id);
 *	- every trigger the extension relies on exists and is enabled.
 *
 * THE LIST OF EXPECTED TRIGGERS IS wp_expected_triggers BELOW: a change
 * that adds, renames or drops a trigger of the extension updates it (and
 * expected/health.out shows the list).  The shipped step ids are
 * wp_shipped_steps.
 *
 * Cost and locks: only catalog reads through the syscache and catalog
 * indexes (namespace and relation names, pg_extension by name, pg_trigger
 * by (tgrelid, tgname)) and one scan of step_definitions (a handful of
 * rows on one or two pages), each with AccessShareLock, which waits only
 * for an ACCESS EXCLUSIVE lock (DROP, TRUNCATE, most ALTER TABLE), never
 * for the app's reads and writes.  No SPI, no planning.
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "catalog/indexing.h"
#include "catalog/namespace.h"
#include "catalog/pg_extension.h"
#include "catalog/pg_trigger.h"
#include "commands/trigger.h"
#include "miscadmin.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/guc.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"

#include "workshoppilot.h"

/* One trigger the extension relies on. */
typedef struct WpExpectedTrigger
{
	const char *table;
	const char *trigger;
} WpExpectedTrigger;

/*
 * Every trigger of the extension, by table (alphabetical) and name.
 */
static const WpExpectedTrigger wp_expected_triggers[] = {
	{"build_packs", "set_updated_at"},
	{"step_definitions", "check_output_schema"},
	{"step_definitions", "invalidate_cache"},
	{"step_definitions", "replace_builtin"},
	{"step_definitions", "set_updated_at"},
	{"workshop_members", "keep_owner"},
	{"workshop_steps", "lifecycle"},
	{"workshop_steps", "lifecycle_after"},
	{"workshop_steps", "set_updated_at"},
	{"workshop_steps", "validate_output"},
	{"workshops", "fill_share_token"},
	{"workshops", "plan_cap"},
	{"workshops", "set_updated_at"},
};

/* The step definitions the extension ships, in order. */
static const char *const wp_shipped_steps[] = {
	"empathize", "define", "ideate", "prototype", "test",
	"prioritize", "architect", "spec", "story", "pack",
};

/*
 * add_check
 *		Appends one failed check {"check": name, "reason": reason} to the
 *		JSON array being built in buf.
 */
static void
add_check(StringInfo buf, int *nchecks, const char *name, const char *reason)
{
	if (*nchecks > 0)
		appendStringInfoString(buf, ", ");
	appendStringInfoString(buf, "{\"check\": ");
	escape_json(buf, name);
	appendStringInfoString(buf, ", \"reason\": ");
	escape_json(buf, reason);
	appendStringInfoChar(buf, '}');
	(*nchecks)++;
}

/*
 * installed_version
 *		extversion of the workshoppilot extension in this database, palloc'd,
 *		or NULL when it is not installed.  One lookup of
 *		pg_extension_name_index.
 */
static char *
installed_version(void)
{
	Relation	rel;
	ScanKeyData key;
	SysScanDesc scan;
	HeapTuple	tuple;
	char	   *result = NULL;

	rel = table_open(ExtensionRelationId, AccessShareLock);
	ScanKeyInit(&key, Anum_pg_extension_extname, BTEqualStrategyNumber,
				F_NAMEEQ, CStringGetDatum("workshoppilot"));
	scan = systable_beginscan(rel, ExtensionNameIndexId, true, NULL, 1, &key);
	tuple = systable_getnext(scan);
	if (HeapTupleIsValid(tuple))
	{
		bool		isnull;
		Datum		v = heap_getattr(tuple, Anum_pg_extension_extversion,
									 RelationGetDescr(rel), &isnull);

		if (!isnull)
			result = TextDatumGetCString(v);
	}
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
	return result;
}

/*
 * trigger_state
 *		tgenabled of the trigger named name on relation relid, or '\0' when
 *		there is none.  One lookup of pg_trigger_tgrelid_tgname_index.
 */
static char
trigger_state(Relation tgrel, Oid relid, const char *name)
{
	ScanKeyData keys[2];
	SysScanDesc scan;
	HeapTuple	tuple;
	char		state = '\0';

	ScanKeyInit(&keys[0], Anum_pg_trigger_tgrelid, BTEqualStrategyNumber,
				F_OIDEQ, ObjectIdGetDatum(relid));
	ScanKeyInit(&keys[1], Anum_pg_trigger_tgname, BTEqualStrategyNumber,
				F_NAMEEQ, CStringGetDatum(name));
	scan = systable_beginscan(tgrel, TriggerRelidNameIndexId, true, NULL, 2, keys);
	tuple = systable_getnext(scan);
	if (HeapTupleIsValid(tuple))
		state = ((Form_pg_trigger) GETSTRUCT(tuple))->tgenabled;
	systable_endscan(scan);
	return state;
}

/*
 * check_steps
 *		Counts the step definitions visible to the caller's snapshot and
 *		adds a failed check for each shipped id that is missing.  Returns
 *		the count.
 */
static int
check_steps(Oid relid, StringInfo checks, int *nchecks)
{
	Relation	rel;
	SysScanDesc scan;
	HeapTuple	tuple;
	AttrNumber	id_att;
	bool		found[lengthof(wp_shipped_steps)];
	int			count = 0;
	int			i;

	memset(found, 0, sizeof(found));
	id_att = get_attnum(relid, "id");
	rel = table_open(relid, AccessShareLock);
	scan = systable_beginscan(rel, InvalidOid, false, GetActiveSnapshot(), 0, NULL);
	while (HeapTupleIsValid(tuple = systable_getnext(scan)))
	{
		bool		isnull;
		Datum		id;

		CHECK_FOR_INTERRUPTS();
		count++;
		if (id_att == InvalidAttrNumber)
			continue;
		id = heap_getattr(tuple, id_att, RelationGetDescr(rel), &isnull);
		if (isnull)
			continue;
		for (i = 0; i < lengthof(wp_shipped_steps); i++)
		{
			text	   *t = DatumGetTextPP(id);

			if (VARSIZE_ANY_EXHDR(t) == strlen(wp_shipped_steps[i]) &&
				memcmp(VARDATA_ANY(t), wp_shipped_steps[i], VARSIZE_ANY_EXHDR(t)) == 0)
				found[i] = true;
		}
	}
	systable_endscan(scan);
	table_close(rel, AccessShareLock);

	for (i = 0; i < lengthof(wp_shipped_steps); i++)
		if (!found[i])
			add_check(checks, nchecks, "step_definitions",
					  psprintf("shipped step definition \"%s\" is missing: restore it from a dump, or reinstall the extension", wp_shipped_steps[i]));
	return count;
}

PG_FUNCTION_INFO_V1(wp_health);

/*
 * wp_health() -> jsonb
 *		{"status": "ok" | "degraded", "extension_version": text or null,
 *		 "library_version": text, "server_version_num": integer,
 *		 "step_definitions": integer, "checks": [{"check", "reason"}...]}.
 *		checks lists the failed checks; status is "ok" exactly when it is
 *		empty.  Never raises for a broken installation: that is what it
 *		reports.
 */
Datum
wp_health(PG_FUNCTION_ARGS)
{
	StringInfoData out;
	StringInfoData checks;
	int			nchecks = 0;
	char	   *version = installed_version();
	Oid			nsp = get_namespace_oid(WP_SCHEMA_NAME, true);
	int			nsteps = 0;
	int			i;

	initStringInfo(&checks);

	if (version == NULL)
		add_check(&checks, &nchecks, "extension_version",
				  "the extension workshoppilot is not installed in this database: run CREATE EXTENSION workshoppilot");
	else if (strcmp(version, WP_LIBRARY_VERSION) != 0)
		add_check(&checks, &nchecks, "extension_version",
				  psprintf("the loaded library is version %s but the database has version %s installed: run ALTER EXTENSION workshoppilot UPDATE TO '%s' (or install the library of version %s)",
						   WP_LIBRARY_VERSION, version, WP_LIBRARY_VERSION, version));

	if (!OidIsValid(nsp))
		add_check(&checks, &nchecks, "schema",
				  "schema \"workshoppilot\" does not exist: run CREATE EXTENSION workshoppilot");
	else
	{
		Oid			defs = get_relname_relid(WP_STEP_DEFINITIONS_TABLE, nsp);
		Relation	tgrel;

		if (OidIsValid(defs))
			nsteps = check_steps(defs, &checks, &nchecks);
		else
			add_check(&checks, &nchecks, "step_definitions",
					  "table \"workshoppilot.step_definitions\" does not exist: restore it, or reinstall the extension");

		tgrel = table_open(TriggerRelationId, AccessShareLock);
		for (i = 0; i < lengthof(wp_expected_triggers); i++)
		{
			const WpExpectedTrigger *t = &wp_expected_triggers[i];
			Oid			relid = get_relname_relid(t->table, nsp);
			char		state;

			if (!OidIsValid(relid))
			{
				add_check(&checks, &nchecks, "triggers",
						  psprintf("table \"workshoppilot.%s\" does not exist, so its trigger \"%s\" is missing: restore the table, or reinstall the extension",
								   t->table, t->trigger));
				continue;
			}
			state = trigger_state(tgrel, relid, t->trigger);
			if (state == '\0')
				add_check(&checks, &nchecks, "triggers",
						  psprintf("trigger \"%s\" on \"workshoppilot.%s\" is missing: reinstall the extension, or re-create the trigger as its update script does",
								   t->trigger, t->table));
			else if (state == TRIGGER_DISABLED)
				add_check(&checks, &nchecks, "triggers",
						  psprintf("trigger \"%s\" on \"workshoppilot.%s\" is disabled: run ALTER TABLE workshoppilot.%s ENABLE TRIGGER %s",
								   t->trigger, t->table, t->table, t->trigger));
			else if (state == TRIGGER_FIRES_ON_REPLICA)
				add_check(&checks, &nchecks, "triggers",
						  psprintf("trigger \"%s\" on \"workshoppilot.%s\" fires only on replicas: run ALTER TABLE workshoppilot.%s ENABLE TRIGGER %s",
								   t->trigger, t->table, t->table, t->trigger));
		}
		table_close(tgrel, AccessShareLock);
	}

	initStringInfo(&out);
	appendStringInfo(&out, "{\"status\": \"%s\", \"extension_version\": ",
					 nchecks == 0 ? "ok" : "degraded");
	if (version == NULL)
		appendStringInfoString(&out, "null");
	else
		escape_json(&out, version);
	appendStringInfoString(&out, ", \"library_version\": ");
	escape_json(&out, WP_LIBRARY_VERSION);
	appendStringInfo(&out, ", \"server_version_num\": %s, \"step_definitions\": %d, \"checks\": [%s]}",
					 GetConfigOption("server_version_num", false, false),
					 nsteps, checks.data);

	PG_RETURN_DATUM(DirectFunctionCall1(jsonb_in, CStringGetDatum(out.data)));
}
