/*
 * src/health.c
 *
 * workshoppilot.health(): what the app's /api/health endpoint calls.  It
 * proves the database answers and says whether the extension is sound:
 *	- the version of the loaded C library (WP_LIBRARY_VERSION) equals the
 *	  extension version installed in this database (pg_extension);
 *	- every shipped step definition exists (by id);
 *	- every trigger the extension relies on exists and is enabled;
 *	- its event trigger, the drop guard, exists and is ENABLE ALWAYS.
 *
 * THE LIST OF EXPECTED TRIGGERS IS wp_expected_triggers BELOW: a change
 * that adds, renames or drops a trigger of the extension updates it (and
 * expected/health.out shows the list).  The shipped step ids are
 * wp_shipped_steps.
 *
 * Cost and locks: only catalog reads through the syscache and catalog
 * indexes (namespace and relation names, pg_extension by name, pg_trigger
 * by (tgrelid, tgname), pg_event_trigger by name) and one scan of
 * step_definitions (a handful of rows on a few pages, read with the latest snapshot: the committed state,
 * plus this transaction's own changes), each with AccessShareLock released
 * at once, which waits only for an ACCESS EXCLUSIVE lock (DROP, TRUNCATE,
 * most ALTER TABLE), never for the app's reads and writes.  No SPI, no
 * planning.
 *
 * Caching: a sound answer ("ok") is kept per backend, in a child of
 * CacheMemoryContext, together with the installed version it was computed
 * for and the OIDs of the extension's tables.  Every call processes pending
 * invalidations and reads pg_extension (one index lookup); the kept answer
 * is returned while the version is the same and no relcache invalidation
 * for one of those tables (or a full reset) has arrived.  Changing a
 * trigger (CREATE, DROP, ENABLE, DISABLE), renaming or dropping a table
 * and every write to step_definitions (its invalidate_cache trigger) send
 * such an invalidation, and a change of an event trigger a syscache
 * invalidation of pg_event_trigger, which drops it too: in this backend at
 * once and in the others at commit; a rolled-back change replays it at
 * abort.  A degraded answer is never kept, so a repair shows at the next
 * call.
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "catalog/indexing.h"
#include "catalog/namespace.h"
#include "catalog/pg_event_trigger.h"
#include "catalog/pg_extension.h"
#include "catalog/pg_trigger.h"
#include "commands/trigger.h"
#include "miscadmin.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/guc.h"
#include "utils/inval.h"
#include "utils/memutils.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"

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

/* The extension's event trigger (sql/workshoppilot--0.1.0--0.2.0.sql, 1). */
#define WP_DROP_GUARD_TRIGGER "workshoppilot_drop_guard"

/* The step definitions the extension ships, in order. */
static const char *const wp_shipped_steps[] = {
	"empathize", "define", "ideate", "prototype", "test",
	"prioritize", "architect", "spec", "story", "pack",
};

/* The extension's tables, whose invalidations drop the kept answer. */
static const char *const wp_tables[] = {
	WP_WORKSHOPS_TABLE, WP_WORKSHOP_MEMBERS_TABLE, WP_STEP_DEFINITIONS_TABLE,
	WP_WORKSHOP_STEPS_TABLE, WP_SESSIONS_TABLE, WP_BUILD_PACKS_TABLE,
};

static MemoryContext health_context = NULL;
static bool health_valid = false;
static uint64 health_invalidations = 0;
static Oid	health_relids[lengthof(wp_tables)];
static char *health_version = NULL;
static Jsonb *health_answer = NULL;

/*
 * WpHealthRelcacheCallback
 *		Drops the kept answer on a relcache invalidation of one of the
 *		extension's tables or a full reset (relid InvalidOid).
 */
static void
WpHealthRelcacheCallback(Datum arg, Oid relid)
{
	int			i;

	health_invalidations++;
	if (!health_valid)
		return;
	if (relid == InvalidOid)
	{
		health_valid = false;
		return;
	}
	for (i = 0; i < lengthof(wp_tables); i++)
		if (health_relids[i] == relid)
			health_valid = false;
}

/*
 * WpHealthEventTriggerCallback
 *		Drops the kept answer when any event trigger changes (pg_event_trigger
 *		syscache invalidation).
 */
static void
WpHealthEventTriggerCallback(Datum arg, int cacheid, uint32 hashvalue)
{
	health_invalidations++;
	health_valid = false;
}

/*
 * WpHealthInit
 *		Registers the relcache and event trigger callbacks.  Called from
 *		_PG_init; allocates nothing.
 */
void
WpHealthInit(void)
{
	CacheRegisterRelcacheCallback(WpHealthRelcacheCallback, (Datum) 0);
	CacheRegisterSyscacheCallback(EVENTTRIGGEROID, WpHealthEventTriggerCallback, (Datum) 0);
}

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
 * check_drop_guard
 *		Adds a failed check when the drop guard event trigger is missing or
 *		not ENABLE ALWAYS (disabled, or firing only in one
 *		session_replication_role).  One syscache lookup by name.
 */
static void
check_drop_guard(StringInfo checks, int *nchecks)
{
	HeapTuple	tuple;
	char		state;

	tuple = SearchSysCache1(EVENTTRIGGERNAME, CStringGetDatum(WP_DROP_GUARD_TRIGGER));
	if (!HeapTupleIsValid(tuple))
	{
		add_check(checks, nchecks, "drop_guard",
				  "event trigger \"" WP_DROP_GUARD_TRIGGER "\" is missing, so DROP EXTENSION, DROP SCHEMA and DROP TABLE can delete the workshops unasked: re-create it as the extension's update script does, or reinstall the extension");
		return;
	}
	state = ((Form_pg_event_trigger) GETSTRUCT(tuple))->evtenabled;
	ReleaseSysCache(tuple);
	if (state == TRIGGER_DISABLED)
		add_check(checks, nchecks, "drop_guard",
				  "event trigger \"" WP_DROP_GUARD_TRIGGER "\" is disabled: run ALTER EVENT TRIGGER " WP_DROP_GUARD_TRIGGER " ENABLE ALWAYS");
	else if (state != TRIGGER_FIRES_ALWAYS)
		add_check(checks, nchecks, "drop_guard",
				  psprintf("event trigger \"" WP_DROP_GUARD_TRIGGER "\" fires only when session_replication_role is %s: run ALTER EVENT TRIGGER " WP_DROP_GUARD_TRIGGER " ENABLE ALWAYS",
						   state == TRIGGER_FIRES_ON_REPLICA ? "replica" : "origin or local"));
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
	Snapshot	snapshot;
	int			count = 0;
	int			i;

	memset(found, 0, sizeof(found));
	id_att = get_attnum(relid, "id");
	rel = table_open(relid, AccessShareLock);
	snapshot = RegisterSnapshot(GetLatestSnapshot());
	scan = systable_beginscan(rel, InvalidOid, false, snapshot, 0, NULL);
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
	UnregisterSnapshot(snapshot);
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
 *		reports.  Raises 42501 when step_definitions exists and the current
 *		user may not SELECT from it (the count comes from reading it, and
 *		the direct scan bypasses the executor's check).  A sound answer is
 *		kept (see the file header).
 */
Datum
wp_health(PG_FUNCTION_ARGS)
{
	StringInfoData out;
	StringInfoData checks;
	int			nchecks = 0;
	char	   *version;
	Oid			nsp;
	int			nsteps = 0;
	int			i;
	uint64		invalidations;
	Datum		result;

	AcceptInvalidationMessages();
	nsp = get_namespace_oid(WP_SCHEMA_NAME, true);
	if (OidIsValid(nsp))
	{
		Oid			defs = get_relname_relid(WP_STEP_DEFINITIONS_TABLE, nsp);

		if (OidIsValid(defs) &&
			pg_class_aclcheck(defs, GetUserId(), ACL_SELECT) != ACLCHECK_OK)
			aclcheck_error(ACLCHECK_NO_PRIV, OBJECT_TABLE, WP_STEP_DEFINITIONS_TABLE);
	}
	version = installed_version();
	if (health_valid && version != NULL && strcmp(version, health_version) == 0)
	{
		/* a copy: the kept one is freed when the answer is next rebuilt */
		PG_RETURN_JSONB_P(DatumGetJsonbPCopy(PointerGetDatum(health_answer)));
	}

	invalidations = health_invalidations;
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
	check_drop_guard(&checks, &nchecks);

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

	result = DirectFunctionCall1(jsonb_in, CStringGetDatum(out.data));

	/*
	 * Keep a sound answer, unless an invalidation arrived while it was
	 * computed (it may concern what was just read).
	 */
	if (nchecks == 0 && invalidations == health_invalidations)
	{
		MemoryContext old;
		Oid			relids[lengthof(wp_tables)];

		for (i = 0; i < lengthof(wp_tables); i++)
			relids[i] = get_relname_relid(wp_tables[i], nsp);
		if (invalidations == health_invalidations)
		{
			if (health_context == NULL)
				health_context = AllocSetContextCreate(CacheMemoryContext,
													   "workshoppilot health",
													   ALLOCSET_SMALL_SIZES);
			MemoryContextReset(health_context);
			old = MemoryContextSwitchTo(health_context);
			health_version = pstrdup(version);
			health_answer = DatumGetJsonbPCopy(result);
			MemoryContextSwitchTo(old);
			memcpy(health_relids, relids, sizeof(relids));
			health_valid = true;
		}
	}
	PG_RETURN_DATUM(result);
}
