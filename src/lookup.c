/*
 * src/lookup.c
 *
 * Fast readers of the extension's own tables, with their per-backend cache.
 *
 * current_step() and workshop_progress() run on every page view, so they
 * must not plan SQL per call.  This file keeps, per backend:
 *
 *	- the OIDs of the tables and indexes it reads, and the attribute numbers
 *	  of the columns it reads, found by name in the fixed schema
 *	  "workshoppilot" (the extension is not relocatable);
 *	- the step definitions (id and "order"), sorted by "order".
 *
 * and answers "which steps of this workshop are complete" with one direct
 * btree probe on workshop_steps_workshop_id_idx (all step rows of the
 * workshop, at most one per step definition by the unique constraint; this
 * index, deduplicated, holds one posting list per workshop and is about a
 * quarter of the size of the two-column unique index, so it stays cached),
 * plus, only when the workshop has no step rows, a probe on workshops_pkey
 * to tell "not started" from "no such workshop".  For a heap table and an
 * MVCC snapshot the step rows are read page by page (mark_complete_heap):
 * the index's TIDs first, then each heap page pinned and locked once for
 * all the rows on it, instead of once per row as an index fetch does.
 *
 * Caching rules
 *	- Everything lives in WpLookupContext, a child of CacheMemoryContext.
 *	- A relcache invalidation callback (registered once, in WpLookupInit)
 *	  only clears validity flags; memory is released when the cache is next
 *	  rebuilt.  Callers may therefore keep a pointer to the cached array for
 *	  the rest of one call even if opening a relation accepts invalidation
 *	  messages midway.  A pointer must never be kept across calls.
 *	- An invalidation of step_definitions (or a full reset) drops the step
 *	  definitions; an invalidation of any relation whose OID is cached (drop,
 *	  rename, index change, DROP EXTENSION) drops the OIDs too.
 *	- Other backends learn of changes to step_definitions because a
 *	  statement-level AFTER trigger on that table (wp_step_definitions_
 *	  invalidate, below) sends a relcache invalidation for it once the
 *	  transaction commits; every call processes pending invalidations first
 *	  (AcceptInvalidationMessages: one flag test when none are pending).
 *	  The backend that made the change processes it at its next command.
 *	  The one remaining window is PostgreSQL's own: a commit becomes
 *	  visible to new snapshots a moment before its invalidations are sent.
 *	- The step definitions are read with the caller's snapshot, and again
 *	  with the latest snapshot: a copy equal to the latest committed state
 *	  serves every snapshot that is not older than the one it was read with
 *	  (compared by horizon and running transactions), until an
 *	  invalidation arrives; a copy that
 *	  differs (the caller's snapshot is older: REPEATABLE READ, a long
 *	  statement, a cursor) serves only that same snapshot (see ensure_defs).
 *	  So the answer is always the one the caller's snapshot implies, and a
 *	  copy read with an old snapshot never outlives the invalidation that
 *	  made it stale.  Rebuilds are rare (only after an invalidation), so the
 *	  second read costs nothing on the hot path.
 *	- An aborted (sub)transaction that changed step_definitions replays its
 *	  invalidations locally at abort, which drops a copy that saw them.
 *	- The workshop row version the lifecycle trigger's lock last skipped
 *	  (its own transaction's, locked by nobody else) is remembered as a
 *	  hint for the next call (own_version): checked in full on every use,
 *	  dropped at transaction end, subtransaction abort and any relcache
 *	  invalidation of workshops.
 *
 * For the lifecycle trigger (src/steps_trigger.c) it also locks a workshop
 * row FOR NO KEY UPDATE and tells whether every step of a workshop is
 * complete, both with the latest snapshot, as the trigger's SQL queries did,
 * without planning or executing SQL (WpLookupLockWorkshop,
 * WpLookupAllStepsComplete); they decline when privileges or row-level
 * security would make the SQL behave differently.
 *
 * Privileges: the direct reads bypass the executor's permission checks, so
 * the readers make the checks a query over the same tables would (table
 * privileges; and for the trigger's reads, that no row-level security
 * applies, else they decline and the trigger runs the SQL).  A check that
 * passed is remembered for the user it passed for (priv_passed), until a
 * relcache invalidation of one of the tables (GRANT, REVOKE, a new owner,
 * ENABLE ROW LEVEL SECURITY all send one) or a change of any role, role
 * membership or database owner (pg_authid, pg_auth_members, pg_database:
 * the owner is an implicit member of pg_database_owner) arrives; a pass
 * is not remembered when such an invalidation arrived while it was
 * checked, and a refusal is never remembered.  Every call processes
 * pending invalidations first, so the answer is as fresh as the executor's
 * own check.
 *
 * Locking: AccessShareLock on every relation read (RowShareLock on
 * workshops when locking a row), held to transaction end as usual.
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/heapam.h"
#include "access/tupmacs.h"
#include "access/htup_details.h"
#include "access/parallel.h"
#include "access/skey.h"
#include "access/stratnum.h"
#include "access/table.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "catalog/namespace.h"
#include "commands/trigger.h"
#include "executor/tuptable.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "storage/bufmgr.h"
#include "utils/fmgroids.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/rls.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"

#include "workshoppilot.h"

/* One cached step definition, and the sorted list of them. */
typedef struct WpStepDef
{
	text	   *id;				/* step_definitions.id */
	int32		order;			/* step_definitions."order" */
} WpStepDef;

typedef struct WpStepDefs
{
	int			ndefs;
	WpStepDef  *defs;			/* sorted by order */
} WpStepDefs;

/* Relation and attribute identities, found by name. */
typedef struct WpLookupOids
{
	Oid			workshops;
	Oid			workshops_pkey;
	Oid			step_definitions;
	Oid			workshop_steps;
	Oid			workshop_steps_ws_idx;	/* (workshop_id) */
	AttrNumber	defs_id_att;
	AttrNumber	defs_order_att;
	AttrNumber	steps_step_id_att;
	AttrNumber	steps_status_att;
	AttrNumber	workshops_status_att;
} WpLookupOids;

static MemoryContext WpLookupContext = NULL;

static bool oids_valid = false;
static WpLookupOids oids;

static bool defs_valid = false;
static bool defs_latest = false;	/* equal to the latest committed state */
static WpStepDefs defs;
static MemoryContext defs_context = NULL;

/*
 * What the snapshot the cached step definitions were read with could see:
 * its horizon, the transactions it saw as running (copied into
 * defs_context), its command id and the transaction it belonged to.
 */
typedef struct WpSnapshotView
{
	TransactionId xmax;
	uint32		xcnt;
	TransactionId *xip;
	int32		subxcnt;
	TransactionId *subxip;
	bool		suboverflowed;
	CommandId	curcid;
	uint64		xact;			/* xact_counter when read */
} WpSnapshotView;

static WpSnapshotView defs_view;

/* Counts ended transactions of this backend, to tell them apart. */
static uint64 xact_counter = 0;

/*
 * Privilege checks that passed, with the user each passed for
 * (InvalidOid: not known to pass); see "Privileges" in the file header.
 */
typedef enum WpPrivCheck
{
	WP_PRIV_PROGRESS,			/* SELECT on the three tables */
	WP_PRIV_LOCK_WORKSHOP,		/* workshops: SELECT, UPDATE, no RLS */
	WP_PRIV_READ_STEPS,			/* step_definitions, workshop_steps: SELECT, no RLS */
	WP_PRIV_CHECKS
} WpPrivCheck;

static Oid	priv_passed[WP_PRIV_CHECKS];

/*
 * The workshop row version WpLookupLockWorkshop last found to be this
 * transaction's own and unlocked (own_unlocked_version), so that the next
 * call for the same workshop can go to it directly instead of probing
 * workshops_pkey again: the lifecycle trigger asks for the same workshop
 * once per step row it changes.  A hint only, checked in full on every use
 * (cached_own_version).  Its block exists while it is kept: only an
 * aborted subtransaction's row versions of ours can be pruned, VACUUM's
 * truncation and other sessions' TRUNCATE wait for our RowShareLock, and
 * this transaction's own TRUNCATE or rewrite sends a relcache invalidation
 * of workshops that the CommandCounterIncrement before every use
 * processes.  So it is dropped at transaction end, at a subtransaction
 * abort and by any relcache invalidation of workshops; it is never taken
 * while the table's storage is new in this transaction (a TRUNCATE then
 * empties the file in place, keeping its relfilenode) or at SERIALIZABLE
 * (where the probe's predicate locks are wanted).
 */
#define WP_OWN_VERSION_MAX_ID 64

static struct
{
	bool		valid;
	Oid			relfilenode;	/* workshops' storage when remembered */
	ItemPointerData tid;
	int			idlen;
	char		id[WP_OWN_VERSION_MAX_ID];
} own_version;

/*
 * Counts forget_privileges calls: a check remembers its pass only if no
 * invalidation arrived while it ran (the catalog lookups of the check
 * itself may process one).
 */
static uint64 priv_generation = 0;

/*
 * forget_privileges
 *		Drops every remembered privilege check.
 */
static void
forget_privileges(void)
{
	int			i;

	for (i = 0; i < WP_PRIV_CHECKS; i++)
		priv_passed[i] = InvalidOid;
	priv_generation++;
}

/*
 * remember_pass
 *		Records that check passed for the current user, unless an
 *		invalidation arrived since generation was read.
 */
static void
remember_pass(WpPrivCheck check, uint64 generation)
{
	if (generation == priv_generation)
		priv_passed[check] = GetUserId();
}

/*
 * WpLookupRoleCallback
 *		Syscache callback for pg_authid, pg_auth_members and pg_database: a
 *		role's attributes (superuser, BYPASSRLS) or memberships changed, or
 *		a database's owner (the implicit member of pg_database_owner).
 */
static void
WpLookupRoleCallback(Datum arg, int cacheid, uint32 hashvalue)
{
	forget_privileges();
}

/*
 * WpLookupRelcacheCallback
 *		Relcache invalidation callback.  relid is InvalidOid for "reset
 *		everything".  Only clears flags (see the file header).
 */
static void
WpLookupRelcacheCallback(Datum arg, Oid relid)
{
	if (relid == InvalidOid || !oids_valid ||
		relid == oids.workshops || relid == oids.step_definitions ||
		relid == oids.workshop_steps)
		forget_privileges();
	if (relid == InvalidOid || !oids_valid || relid == oids.workshops)
		own_version.valid = false;
	if (relid == InvalidOid || !oids_valid)
	{
		oids_valid = false;
		defs_valid = false;
		return;
	}
	if (relid == oids.step_definitions)
		defs_valid = false;
	if (relid == oids.workshops || relid == oids.workshops_pkey ||
		relid == oids.step_definitions || relid == oids.workshop_steps ||
		relid == oids.workshop_steps_ws_idx)
	{
		oids_valid = false;
		defs_valid = false;
	}
}

/*
 * WpLookupXactCallback
 *		Counts transaction ends (see xact_counter) and forgets the own
 *		workshop version.
 */
static void
WpLookupXactCallback(XactEvent event, void *arg)
{
	if (event == XACT_EVENT_COMMIT || event == XACT_EVENT_ABORT ||
		event == XACT_EVENT_PARALLEL_COMMIT || event == XACT_EVENT_PARALLEL_ABORT ||
		event == XACT_EVENT_PREPARE)
	{
		xact_counter++;
		own_version.valid = false;
	}
}

/*
 * WpLookupSubXactCallback
 *		Forgets the own workshop version when a subtransaction aborts.
 */
static void
WpLookupSubXactCallback(SubXactEvent event, SubTransactionId mySubid,
						SubTransactionId parentSubid, void *arg)
{
	if (event == SUBXACT_EVENT_ABORT_SUB)
		own_version.valid = false;
}

/*
 * WpLookupInit
 *		Registers the relcache and role invalidation callbacks and the
 *		transaction and subtransaction callbacks.  Called once per process
 *		from _PG_init.
 */
void
WpLookupInit(void)
{
	CacheRegisterRelcacheCallback(WpLookupRelcacheCallback, (Datum) 0);
	CacheRegisterSyscacheCallback(AUTHOID, WpLookupRoleCallback, (Datum) 0);
	CacheRegisterSyscacheCallback(AUTHMEMROLEMEM, WpLookupRoleCallback, (Datum) 0);
	CacheRegisterSyscacheCallback(DATABASEOID, WpLookupRoleCallback, (Datum) 0);
	RegisterXactCallback(WpLookupXactCallback, NULL);
	RegisterSubXactCallback(WpLookupSubXactCallback, NULL);
}

/*
 * missing_object
 *		Raises 55000 for a table, index or column of the extension that
 *		cannot be found: the extension is not installed in this database, or
 *		someone altered its objects.
 */
static void
missing_object(const char *what, const char *name)
{
	ereport(ERROR,
			(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
			 errmsg("%s \"%s.%s\" does not exist", what, WP_SCHEMA_NAME, name),
			 errdetail("The extension workshoppilot is not installed in this database, or one of its objects was renamed or dropped."),
			 errhint("Run CREATE EXTENSION workshoppilot, or restore the object.")));
}

/*
 * lookup_relid / lookup_attnum
 *		Name to OID / attribute number, raising 55000 when missing.
 */
static Oid
lookup_relid(Oid nsp, const char *name, const char *what)
{
	Oid			relid = get_relname_relid(name, nsp);

	if (!OidIsValid(relid))
		missing_object(what, name);
	return relid;
}

static AttrNumber
lookup_attnum(Oid relid, const char *relname, const char *attname)
{
	AttrNumber	attnum = get_attnum(relid, attname);

	if (attnum == InvalidAttrNumber)
	{
		char	   *qualified = psprintf("%s.%s", relname, attname);

		missing_object("column", qualified);
	}
	return attnum;
}

/*
 * ensure_oids
 *		Fills the OID cache if it is not valid.  Raises 55000 when the
 *		extension's schema or one of its objects is missing.
 */
static void
ensure_oids(void)
{
	Oid			nsp;
	WpLookupOids o;

	if (oids_valid)
		return;

	nsp = get_namespace_oid(WP_SCHEMA_NAME, true);
	if (!OidIsValid(nsp))
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("schema \"%s\" does not exist", WP_SCHEMA_NAME),
				 errhint("Run CREATE EXTENSION workshoppilot in this database.")));

	o.workshops = lookup_relid(nsp, WP_WORKSHOPS_TABLE, "table");
	o.workshops_pkey = lookup_relid(nsp, "workshops_pkey", "index");
	o.step_definitions = lookup_relid(nsp, WP_STEP_DEFINITIONS_TABLE, "table");
	o.workshop_steps = lookup_relid(nsp, WP_WORKSHOP_STEPS_TABLE, "table");
	o.workshop_steps_ws_idx = lookup_relid(nsp, "workshop_steps_workshop_id_idx", "index");
	o.defs_id_att = lookup_attnum(o.step_definitions, WP_STEP_DEFINITIONS_TABLE, "id");
	o.defs_order_att = lookup_attnum(o.step_definitions, WP_STEP_DEFINITIONS_TABLE, "order");
	o.steps_step_id_att = lookup_attnum(o.workshop_steps, WP_WORKSHOP_STEPS_TABLE, "step_id");
	o.steps_status_att = lookup_attnum(o.workshop_steps, WP_WORKSHOP_STEPS_TABLE, "status");
	o.workshops_status_att = lookup_attnum(o.workshops, WP_WORKSHOPS_TABLE, "status");

	/*
	 * An invalidation accepted by the catalog lookups above may have
	 * concerned relations we had not cached yet; nothing to redo.
	 */
	oids = o;
	oids_valid = true;
}

/*
 * check_select
 *		Raises 42501 ("permission denied for table ...") unless the current
 *		user may SELECT from relid.  The direct scans below bypass the
 *		executor's permission checks, so the readers apply the check a
 *		query over the same tables would.
 */
static void
check_select(Oid relid, const char *relname)
{
	AclResult	aclresult = pg_class_aclcheck(relid, GetUserId(), ACL_SELECT);

	if (aclresult != ACLCHECK_OK)
		aclcheck_error(aclresult, OBJECT_TABLE, relname);
}

/*
 * compare_defs
 *		qsort comparator: by "order" ascending (unique by constraint).
 */
static int
compare_defs(const void *a, const void *b)
{
	int32		oa = ((const WpStepDef *) a)->order;
	int32		ob = ((const WpStepDef *) b)->order;

	return (oa > ob) - (oa < ob);
}

/*
 * current_snapshot
 *		The snapshot a STABLE function should read with: the active one.
 */
static Snapshot
current_snapshot(void)
{
	if (ActiveSnapshotSet())
		return GetActiveSnapshot();
	return GetTransactionSnapshot();
}

/*
 * read_defs
 *		Reads every step definition visible to snapshot into a new context
 *		(a child of the current one), sorted by "order".
 */
static WpStepDefs
read_defs(Relation rel, Snapshot snapshot, MemoryContext cxt)
{
	TupleDesc	tupdesc = RelationGetDescr(rel);
	SysScanDesc scan;
	HeapTuple	tuple;
	WpStepDefs	d;
	int			allocated = 16;

	d.ndefs = 0;
	d.defs = MemoryContextAlloc(cxt, allocated * sizeof(WpStepDef));
	scan = systable_beginscan(rel, InvalidOid, false, snapshot, 0, NULL);
	while (HeapTupleIsValid(tuple = systable_getnext(scan)))
	{
		Datum		id;
		Datum		order;
		bool		id_null;
		bool		order_null;

		CHECK_FOR_INTERRUPTS();
		id = heap_getattr(tuple, oids.defs_id_att, tupdesc, &id_null);
		order = heap_getattr(tuple, oids.defs_order_att, tupdesc, &order_null);
		if (id_null || order_null)
			continue;			/* impossible: both are NOT NULL */
		if (d.ndefs == allocated)
		{
			if ((Size) allocated * 2 * sizeof(WpStepDef) > MaxAllocSize)
				ereport(ERROR,
						(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
						 errmsg("too many step definitions")));
			allocated *= 2;
			d.defs = repalloc(d.defs, allocated * sizeof(WpStepDef));
		}
		{
			struct varlena *v = PG_DETOAST_DATUM_PACKED(id);

			d.defs[d.ndefs].id = (text *) MemoryContextAlloc(cxt, VARSIZE_ANY(v));
			memcpy(d.defs[d.ndefs].id, v, VARSIZE_ANY(v));
		}
		d.defs[d.ndefs].order = DatumGetInt32(order);
		d.ndefs++;
	}
	systable_endscan(scan);

	qsort(d.defs, d.ndefs, sizeof(WpStepDef), compare_defs);
	return d;
}

/*
 * same_defs
 *		Whether two sorted lists hold the same ids in the same order.
 */
static bool
same_defs(const WpStepDefs *a, const WpStepDefs *b)
{
	int			i;

	if (a->ndefs != b->ndefs)
		return false;
	for (i = 0; i < a->ndefs; i++)
	{
		if (a->defs[i].order != b->defs[i].order ||
			VARSIZE_ANY_EXHDR(a->defs[i].id) != VARSIZE_ANY_EXHDR(b->defs[i].id) ||
			memcmp(VARDATA_ANY(a->defs[i].id), VARDATA_ANY(b->defs[i].id),
				   VARSIZE_ANY_EXHDR(a->defs[i].id)) != 0)
			return false;
	}
	return true;
}

/*
 * xid_seen_running
 *		Whether the cached view saw xid as running (top level or sub).
 *		*unknown is set when it cannot tell (its subxid list overflowed).
 */
static bool
xid_seen_running(TransactionId xid, bool *unknown)
{
	uint32		i;

	for (i = 0; i < defs_view.xcnt; i++)
		if (TransactionIdEquals(defs_view.xip[i], xid))
			return true;
	for (i = 0; i < (uint32) defs_view.subxcnt; i++)
		if (TransactionIdEquals(defs_view.subxip[i], xid))
			return true;
	if (defs_view.suboverflowed)
		*unknown = true;
	return false;
}

/*
 * sees_at_least_view
 *		Whether snapshot sees as completed every transaction the cached
 *		view saw as completed, i.e. it is not older.  MVCC visibility is
 *		fully determined by xmax and the running transactions (plus the
 *		command id inside one transaction), so this is exact up to
 *		overflowed subtransaction lists, where it answers false.
 */
static bool
sees_at_least_view(Snapshot snapshot)
{
	bool		unknown = false;
	uint32		i;

	if (TransactionIdPrecedes(snapshot->xmax, defs_view.xmax))
		return false;
	if (defs_view.xact == xact_counter && snapshot->curcid < defs_view.curcid)
		return false;
	for (i = 0; i < snapshot->xcnt; i++)
	{
		TransactionId xid = snapshot->xip[i];

		if (TransactionIdPrecedes(xid, defs_view.xmax) && !xid_seen_running(xid, &unknown))
			return false;
	}
	if (snapshot->suboverflowed && !defs_view.suboverflowed)
		return false;
	for (i = 0; i < (uint32) snapshot->subxcnt; i++)
	{
		TransactionId xid = snapshot->subxip[i];

		if (TransactionIdPrecedes(xid, defs_view.xmax) && !xid_seen_running(xid, &unknown))
			return false;
	}
	return !unknown;
}

/*
 * same_view
 *		Whether snapshot sees exactly what the cached view saw: not older,
 *		and nothing completed since (same horizon, as many running).
 */
static bool
same_view(Snapshot snapshot)
{
	return defs_view.xact == xact_counter &&
		snapshot->curcid == defs_view.curcid &&
		TransactionIdEquals(snapshot->xmax, defs_view.xmax) &&
		snapshot->xcnt == defs_view.xcnt &&
		snapshot->subxcnt == defs_view.subxcnt &&
		snapshot->suboverflowed == defs_view.suboverflowed &&
		sees_at_least_view(snapshot);
}

/*
 * remember_view
 *		Copies what snapshot can see into defs_view, allocating in cxt.
 */
static void
remember_view(Snapshot snapshot, MemoryContext cxt)
{
	defs_view.xmax = snapshot->xmax;
	defs_view.xcnt = snapshot->xcnt;
	defs_view.xip = MemoryContextAlloc(cxt, sizeof(TransactionId) * Max(snapshot->xcnt, 1));
	if (snapshot->xcnt > 0)
		memcpy(defs_view.xip, snapshot->xip, sizeof(TransactionId) * snapshot->xcnt);
	defs_view.subxcnt = Max(snapshot->subxcnt, 0);
	defs_view.subxip = MemoryContextAlloc(cxt, sizeof(TransactionId) * Max(defs_view.subxcnt, 1));
	if (defs_view.subxcnt > 0)
		memcpy(defs_view.subxip, snapshot->subxip, sizeof(TransactionId) * defs_view.subxcnt);
	defs_view.suboverflowed = snapshot->suboverflowed;
	defs_view.curcid = snapshot->curcid;
	defs_view.xact = xact_counter;
}

/*
 * ensure_defs
 *		Makes the step definition cache valid for snapshot (the caller's).
 *		Requires valid OIDs.
 *
 *		The list is read with the caller's snapshot, so the answer is always
 *		what a query with that snapshot would compute.  Outside parallel
 *		mode it is read a second time with the latest snapshot: when both
 *		agree, the copy is the latest committed state and stays valid for
 *		every snapshot that is not older than the one it was read with
 *		(sees_at_least_view) until an invalidation arrives ("latest").  Otherwise (an old
 *		snapshot: REPEATABLE READ, a long statement, a cursor) the copy is
 *		valid only for that same snapshot, and any other snapshot re-reads.
 *		This way a copy read with an old snapshot never outlives the
 *		invalidation that made it stale, and an old snapshot never uses a
 *		newer copy.  A parallel worker cannot take the latest snapshot, but
 *		it lives for one query with one snapshot, so its copy serves it
 *		until an invalidation arrives.
 */
static void
ensure_defs(Snapshot snapshot)
{
	Relation	rel;
	MemoryContext newcxt;
	WpStepDefs	d;
	bool		latest = false;

	if (defs_valid &&
		(defs_latest ? sees_at_least_view(snapshot) : same_view(snapshot)))
		return;

	if (WpLookupContext == NULL)
		WpLookupContext = AllocSetContextCreate(CacheMemoryContext,
												"workshoppilot lookup cache",
												ALLOCSET_SMALL_SIZES);

	/*
	 * Build under the caller's context, so that an error frees the partial
	 * copy; move it under the cache context once complete.
	 */
	newcxt = AllocSetContextCreate(CurrentMemoryContext,
								   "workshoppilot step definitions",
								   ALLOCSET_SMALL_SIZES);

	rel = table_open(oids.step_definitions, AccessShareLock);
	d = read_defs(rel, snapshot, newcxt);
	if (IsParallelWorker())
		latest = true;
	else if (!IsInParallelMode())
	{
		MemoryContext tmpcxt = AllocSetContextCreate(CurrentMemoryContext,
													 "workshoppilot step definitions check",
													 ALLOCSET_SMALL_SIZES);
		Snapshot	latest_snapshot = RegisterSnapshot(GetLatestSnapshot());
		WpStepDefs	check = read_defs(rel, latest_snapshot, tmpcxt);

		UnregisterSnapshot(latest_snapshot);
		latest = same_defs(&d, &check);
		MemoryContextDelete(tmpcxt);
	}
	table_close(rel, NoLock);

	remember_view(snapshot, newcxt);
	MemoryContextSetParent(newcxt, WpLookupContext);
	if (defs_context != NULL)
		MemoryContextDelete(defs_context);
	defs_context = newcxt;
	defs = d;
	defs_latest = latest;
	defs_valid = true;
}

/*
 * step_def_index
 *		Position of the step definition with this id in d, or -1.  A linear
 *		scan: there are a handful of definitions.
 */
static int
step_def_index(const WpStepDefs *d, const char *id, int len)
{
	int			i;

	for (i = 0; i < d->ndefs; i++)
	{
		const text *t = d->defs[i].id;

		if (VARSIZE_ANY_EXHDR(t) == len && memcmp(VARDATA_ANY(t), id, len) == 0)
			return i;
	}
	return -1;
}

/*
 * text_key
 *		Equality scan key on the first column of an index over text, with
 *		the index's own collation (the btree descent compares with it).
 */
static void
text_key(ScanKey key, Relation index, AttrNumber heap_attno, text *value)
{
	ScanKeyEntryInitialize(key, 0, heap_attno, BTEqualStrategyNumber,
						   InvalidOid, index->rd_indcollation[0],
						   F_TEXTEQ, PointerGetDatum(value));
}

/*
 * two_attrs
 *		The values of attributes a1 and a2 (user columns, 1-based) of tuple,
 *		found in one walk over the tuple's leading columns, as
 *		slot_deform_heap_tuple walks them (heap_getattr walks from the first
 *		column again for each attribute after a variable-length one).
 *		Attributes the tuple does not store (added later) are read with
 *		heap_getattr, which supplies their missing value.
 */
static void
two_attrs(HeapTuple tuple, TupleDesc desc, int a1, Datum *v1, bool *n1,
		  int a2, Datum *v2, bool *n2)
{
	HeapTupleHeader tup = tuple->t_data;
	bool		hasnulls = HeapTupleHasNulls(tuple);
	bits8	   *bp = tup->t_bits;
	char	   *tp = (char *) tup + tup->t_hoff;
	int			last = Max(a1, a2);
	uint32		off = 0;
	int			i;

	if (last > HeapTupleHeaderGetNatts(tup))
	{
		*v1 = heap_getattr(tuple, a1, desc, n1);
		*v2 = heap_getattr(tuple, a2, desc, n2);
		return;
	}
	*v1 = *v2 = (Datum) 0;
	*n1 = *n2 = true;
	for (i = 0; i < last; i++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, i);
		Datum		value;

		if (hasnulls && att_isnull(i, bp))
			continue;
		off = att_align_pointer(off, att->attalign, att->attlen, tp + off);
		value = fetchatt(att, tp + off);
		off = att_addlength_pointer(off, att->attlen, tp + off);
		if (i + 1 == a1)
		{
			*v1 = value;
			*n1 = false;
		}
		if (i + 1 == a2)
		{
			*v2 = value;
			*n2 = false;
		}
	}
}

/*
 * mark_complete
 *		Sets complete[i] when tuple, a workshop_steps row, says 'complete'
 *		for the step definition at position i of d.  Rows with a NULL status
 *		or step id, or a step that is not (or no longer) defined, mark
 *		nothing.  The row's page must be pinned.
 */
static void
mark_complete(HeapTuple tuple, TupleDesc steps_desc, const WpStepDefs *d,
			  bool *complete)
{
	Datum		status;
	Datum		step_id;
	bool		status_null;
	bool		step_null;
	text	   *s;
	int			pos;

	two_attrs(tuple, steps_desc, oids.steps_status_att, &status, &status_null,
			  oids.steps_step_id_att, &step_id, &step_null);
	if (status_null)
		return;
	s = (text *) DatumGetPointer(status);
	if (VARATT_IS_EXTENDED(s))
		s = pg_detoast_datum_packed(s);
	if (VARSIZE_ANY_EXHDR(s) != 8 || memcmp(VARDATA_ANY(s), "complete", 8) != 0)
		return;
	if (step_null)
		return;
	s = (text *) DatumGetPointer(step_id);
	if (VARATT_IS_EXTENDED(s))
		s = pg_detoast_datum_packed(s);
	pos = step_def_index(d, VARDATA_ANY(s), VARSIZE_ANY_EXHDR(s));
	if (pos >= 0)
		complete[pos] = true;
}

/*
 * mark_complete_heap
 *		The step rows of one workshop, for a heap table and an MVCC
 *		snapshot: what the index scan with heap fetches does, in two passes.
 *		First every heap TID the index holds for key (the workshop's
 *		posting list, in TID order), then the heap pages, each pinned and
 *		share-locked once for all its TIDs (an index fetch locks the page
 *		once per TID) while heap_hot_search_buffer finds the version
 *		snapshot sees, exactly as the index fetch does (HOT chains,
 *		visibility, the predicate lock of SERIALIZABLE); the rows are read
 *		after the lock is released, under the pin.  Safe with the MVCC
 *		snapshot as the btree scan's own dropped leaf pin is: a TID that
 *		VACUUM frees and a later insert reuses holds a row the snapshot
 *		cannot see.  (Unlike the index fetch, it does not mark dead index
 *		entries killed; other scans still do.)  Returns the number of
 *		visible rows; marks complete[] as mark_complete does.
 */
static int
mark_complete_heap(Relation steps, Relation steps_idx, ScanKey key,
				   Snapshot snapshot, const WpStepDefs *d, bool *complete)
{
	IndexScanDesc scan;
	ItemPointer tid;
	ItemPointerData tids_buf[64];
	ItemPointerData *tids = tids_buf;
	int			ntids = 0;
	int			maxtids = lengthof(tids_buf);
	HeapTupleData rows_buf[64];
	HeapTupleData *rows = rows_buf;
	TupleDesc	steps_desc = RelationGetDescr(steps);
	int			nvisible = 0;
	int			i;
	ScanKeyData ikey = *key;

	/* key names the heap column (as systable scans want); the index's is 1 */
	ikey.sk_attno = 1;
	scan = wp_index_beginscan(steps, steps_idx, snapshot, 1, 0);
	index_rescan(scan, &ikey, 1, NULL, 0);
	while ((tid = index_getnext_tid(scan, ForwardScanDirection)) != NULL)
	{
		CHECK_FOR_INTERRUPTS();
		if (ntids == maxtids)
		{
			maxtids *= 2;
			if (tids == tids_buf)
			{
				tids = palloc(maxtids * sizeof(ItemPointerData));
				memcpy(tids, tids_buf, sizeof(tids_buf));
			}
			else
				tids = repalloc(tids, maxtids * sizeof(ItemPointerData));
		}
		tids[ntids++] = *tid;
	}
	index_endscan(scan);
	if (ntids > lengthof(rows_buf))
		rows = palloc(ntids * sizeof(HeapTupleData));

	i = 0;
	while (i < ntids)
	{
		BlockNumber blkno = ItemPointerGetBlockNumber(&tids[i]);
		Buffer		buf = ReadBuffer(steps, blkno);
		int			first = nvisible;
		int			j;

		LockBuffer(buf, BUFFER_LOCK_SHARE);
		for (; i < ntids && ItemPointerGetBlockNumber(&tids[i]) == blkno; i++)
		{
			ItemPointerData t = tids[i];
			bool		all_dead;

			if (heap_hot_search_buffer(&t, steps, buf, snapshot,
									   &rows[nvisible], &all_dead, true))
				nvisible++;
		}
		LockBuffer(buf, BUFFER_LOCK_UNLOCK);
		for (j = first; j < nvisible; j++)
		{
			CHECK_FOR_INTERRUPTS();
			mark_complete(&rows[j], steps_desc, d, complete);
		}
		ReleaseBuffer(buf);
	}
	if (rows != rows_buf)
		pfree(rows);
	if (tids != tids_buf)
		pfree(tids);
	return nvisible;
}

/*
 * step_progress
 *		Fills *progress for the workshop with id workshop_id, reading with
 *		snapshot through one index probe of workshop_steps_workshop_id_idx.
 *		A step counts as complete only if its row says 'complete'; a missing
 *		row is not_started; rows whose step is not (or no longer) defined
 *		are ignored.  current_id is a copy in the caller's memory context,
 *		NULL when every step is complete.  When the workshop has no step
 *		rows and must_exist is set, a second probe on workshops_pkey raises
 *		42704 for an unknown workshop.  Requires valid OIDs.
 */
static void
step_progress(text *workshop_id, Snapshot snapshot, bool must_exist,
			  WpStepProgress *progress)
{
	Relation	steps;
	Relation	steps_idx;
	ScanKeyData key;
	SysScanDesc scan;
	HeapTuple	tuple;
	TupleDesc	steps_desc;
	int			nrows = 0;
	const WpStepDefs *d;
	bool		complete_buf[32];
	bool	   *complete;
	int			i;

	/*
	 * Lock first: acquiring a lock may accept invalidations (which only
	 * clear flags), so the definitions fetched afterwards are the freshest
	 * this call can see.
	 */
	steps = table_open(oids.workshop_steps, AccessShareLock);
	steps_idx = index_open(oids.workshop_steps_ws_idx, AccessShareLock);
	if (!oids_valid)
		ensure_oids();			/* names still resolve to what we hold */
	ensure_defs(snapshot);
	d = &defs;

	complete = d->ndefs <= lengthof(complete_buf) ? complete_buf :
		palloc(d->ndefs * sizeof(bool));
	memset(complete, 0, d->ndefs * sizeof(bool));

	steps_desc = RelationGetDescr(steps);
	/* the index has one column, workshop_id */
	text_key(&key, steps_idx, steps_idx->rd_index->indkey.values[0],
			 workshop_id);
	if (steps->rd_tableam == GetHeapamTableAmRoutine() && IsMVCCSnapshot(snapshot))
		nrows = mark_complete_heap(steps, steps_idx, &key, snapshot, d, complete);
	else
	{
		scan = systable_beginscan_ordered(steps, steps_idx, snapshot, 1, &key);
		while (HeapTupleIsValid(tuple = systable_getnext_ordered(scan, ForwardScanDirection)))
		{
			CHECK_FOR_INTERRUPTS();
			nrows++;
			mark_complete(tuple, steps_desc, d, complete);
		}
		systable_endscan_ordered(scan);
	}

	/*
	 * A visible step row implies a visible workshop: the foreign key
	 * workshop_steps -> workshops (ON DELETE CASCADE) makes both appear and
	 * disappear in the same transaction.  Only without rows do we need the
	 * second probe, on workshops_pkey, to tell "no progress yet" from "no
	 * such workshop".
	 */
	if (nrows == 0 && must_exist)
	{
		Relation	workshops = table_open(oids.workshops, AccessShareLock);
		Relation	workshops_pkey = index_open(oids.workshops_pkey, AccessShareLock);
		bool		found;

		/* the primary key has one column, id */
		text_key(&key, workshops_pkey, workshops_pkey->rd_index->indkey.values[0],
				 workshop_id);
		scan = systable_beginscan_ordered(workshops, workshops_pkey, snapshot, 1, &key);
		found = HeapTupleIsValid(systable_getnext_ordered(scan, ForwardScanDirection));
		systable_endscan_ordered(scan);
		index_close(workshops_pkey, NoLock);
		table_close(workshops, NoLock);
		if (!found)
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_OBJECT),
					 errmsg("workshop \"%s\" does not exist",
							WpMessageTextDatum(PointerGetDatum(workshop_id)))));
	}

	progress->total = d->ndefs;
	progress->completed = 0;
	progress->current_id = NULL;
	for (i = 0; i < d->ndefs; i++)
	{
		if (complete[i])
			progress->completed++;
		else if (progress->current_id == NULL)
			progress->current_id = DatumGetTextPCopy(PointerGetDatum(d->defs[i].id));
	}

	index_close(steps_idx, NoLock);
	table_close(steps, NoLock);
}

/*
 * WpLookupStepProgress
 *		Fills *progress for the workshop with id workshop_id, reading with
 *		the caller's snapshot through one index probe (two when the workshop
 *		has no step rows); see step_progress.  Raises 42704 for an unknown
 *		workshop, 55000 when the extension is missing, and 42501 unless the
 *		current user may SELECT from workshops, step_definitions and
 *		workshop_steps (the direct scans bypass the executor's checks).
 */
void
WpLookupStepProgress(text *workshop_id, WpStepProgress *progress)
{
	Snapshot	snapshot = current_snapshot();

	/*
	 * Process pending invalidations now, not only when a lock is first
	 * taken: in a READ COMMITTED transaction that already holds the locks, a
	 * later statement's snapshot may see a committed change to
	 * step_definitions whose invalidation would otherwise wait for the next
	 * transaction.  With nothing pending this is a single flag test.
	 */
	AcceptInvalidationMessages();
	ensure_oids();
	if (priv_passed[WP_PRIV_PROGRESS] != GetUserId())
	{
		uint64		generation = priv_generation;

		check_select(oids.workshops, WP_WORKSHOPS_TABLE);
		check_select(oids.step_definitions, WP_STEP_DEFINITIONS_TABLE);
		check_select(oids.workshop_steps, WP_WORKSHOP_STEPS_TABLE);
		remember_pass(WP_PRIV_PROGRESS, generation);
	}
	step_progress(workshop_id, snapshot, true, progress);
}

/*
 * may_read_directly
 *		Whether the current user may read (and, with update, lock) relid
 *		exactly as a plain query would let it, without row-level security
 *		in the way: table-level SELECT (and UPDATE) privilege and RLS not
 *		applying.  Callers that get false run the equivalent SQL instead, so
 *		that privileges and policies act exactly as they would on the query.
 */
static bool
may_read_directly(Oid relid, bool update)
{
	Oid			user = GetUserId();

	if (pg_class_aclcheck(relid, user, ACL_SELECT) != ACLCHECK_OK)
		return false;
	if (update && pg_class_aclcheck(relid, user, ACL_UPDATE) != ACLCHECK_OK)
		return false;
	return check_enable_rls(relid, InvalidOid, true) == RLS_NONE;
}

/*
 * own_unlocked_version
 *		Whether a heap row version visible to the latest snapshot was written
 *		by the current transaction (or one of its live or committed
 *		subtransactions) and carries no lock of another transaction: its
 *		xmax is empty, or a lock of this transaction (a foreign key check's
 *		FOR KEY SHARE of this transaction's own inserts, for example).
 *		Other transactions cannot see such a version; if it replaced an
 *		older one, the UPDATE that wrote it holds that version's row lock
 *		(at least FOR NO KEY UPDATE) until this transaction ends, so every
 *		lock that conflicts with FOR NO KEY UPDATE waits for this
 *		transaction.  Only a FOR KEY SHARE can reach the version through the
 *		update chain meanwhile, and then its xmax is not ours (or a
 *		multixact) and the answer is false.  The caller holds the page's
 *		content lock.
 */
static bool
own_unlocked_version(HeapTuple tuple)
{
	HeapTupleHeader header = tuple->t_data;
	TransactionId xmax = HeapTupleHeaderGetRawXmax(header);

	if (HeapTupleHeaderXminFrozen(header) ||
		!TransactionIdIsCurrentTransactionId(HeapTupleHeaderGetRawXmin(header)))
		return false;
	if (!TransactionIdIsValid(xmax) || (header->t_infomask & HEAP_XMAX_INVALID))
		return true;
	return HEAP_XMAX_IS_LOCKED_ONLY(header->t_infomask) &&
		!(header->t_infomask & HEAP_XMAX_IS_MULTI) &&
		TransactionIdIsCurrentTransactionId(xmax);
}

/*
 * own_version_allowed
 *		Whether the own-version hint may be taken or used for workshops (rel)
 *		now: not at SERIALIZABLE, not while its storage is new in this
 *		transaction (see own_version).
 */
static bool
own_version_allowed(Relation rel)
{
	return !IsolationIsSerializable() &&
		rel->rd_createSubid == InvalidSubTransactionId &&
		WP_REL_NEW_STORAGE_SUBID(rel) == InvalidSubTransactionId;
}

/*
 * remember_own_version
 *		Remembers tuple, a version of workshop workshop_id in rel that
 *		own_unlocked_version accepted, for cached_own_version.
 */
static void
remember_own_version(Relation rel, HeapTuple tuple, text *workshop_id)
{
	int			len = VARSIZE_ANY_EXHDR(workshop_id);

	own_version.valid = false;
	if (len > WP_OWN_VERSION_MAX_ID || !own_version_allowed(rel))
		return;
	own_version.relfilenode = rel->rd_rel->relfilenode;
	own_version.tid = tuple->t_self;
	own_version.idlen = len;
	memcpy(own_version.id, VARDATA_ANY(workshop_id), len);
	own_version.valid = true;
}

/*
 * cached_own_version
 *		Whether the remembered own version is still what the probe of
 *		workshops_pkey in WpLookupLockWorkshop would find and skip the lock
 *		for: the version of workshop_id (byte for byte: the primary key
 *		lets no other row share it) that snapshot sees, written by this
 *		transaction and carrying no other transaction's lock
 *		(own_unlocked_version; no newer version exists, as its xmax is not
 *		an update's), checked under the page's share lock in the probe's
 *		order.  Then sets *status as the probe would (palloc'd C string,
 *		NULL for a NULL status; read after the lock is released, under the
 *		pin) and returns true; otherwise forgets the version and returns
 *		false.  Not used at SERIALIZABLE or while the table's storage is new
 *		(see own_version).  rel is workshops, a heap, open.
 */
static bool
cached_own_version(Relation rel, text *workshop_id, Snapshot snapshot,
				   AttrNumber id_att, AttrNumber status_att, char **status)
{
	Buffer		buf;
	Page		page;
	OffsetNumber off;
	HeapTupleData tuple;
	bool		ok = false;

	if (!own_version.valid)
		return false;
	if (!own_version_allowed(rel) ||
		own_version.relfilenode != rel->rd_rel->relfilenode ||
		own_version.idlen != VARSIZE_ANY_EXHDR(workshop_id) ||
		memcmp(own_version.id, VARDATA_ANY(workshop_id), own_version.idlen) != 0)
	{
		own_version.valid = false;
		return false;
	}

	buf = ReadBuffer(rel, ItemPointerGetBlockNumber(&own_version.tid));
	LockBuffer(buf, BUFFER_LOCK_SHARE);
	page = BufferGetPage(buf);
	off = ItemPointerGetOffsetNumber(&own_version.tid);
	if (off >= FirstOffsetNumber && off <= PageGetMaxOffsetNumber(page))
	{
		ItemId		lp = PageGetItemId(page, off);

		if (ItemIdIsNormal(lp))
		{
			Datum		d;
			bool		isnull;

			tuple.t_data = (HeapTupleHeader) PageGetItem(page, lp);
			tuple.t_len = ItemIdGetLength(lp);
			tuple.t_tableOid = RelationGetRelid(rel);
			tuple.t_self = own_version.tid;
			if (HeapTupleSatisfiesVisibility(&tuple, snapshot, buf) &&
				own_unlocked_version(&tuple))
			{
				d = heap_getattr(&tuple, id_att, RelationGetDescr(rel), &isnull);
				if (!isnull)
				{
					text	   *id = (text *) DatumGetPointer(d);

					/* ids are short and stored inline; anything else: probe */
					ok = !VARATT_IS_EXTENDED(id) || VARATT_IS_SHORT(id);
					ok = ok && VARSIZE_ANY_EXHDR(id) == own_version.idlen &&
						memcmp(VARDATA_ANY(id), own_version.id, own_version.idlen) == 0;
				}
			}
		}
	}
	LockBuffer(buf, BUFFER_LOCK_UNLOCK);
	if (ok)
	{
		/* under the pin the row data stays put (a lock changes only its header) */
		Datum		d;
		bool		isnull;

		d = heap_getattr(&tuple, status_att, RelationGetDescr(rel), &isnull);
		*status = isnull ? NULL : TextDatumGetCString(d);
	}
	ReleaseBuffer(buf);
	if (!ok)
		own_version.valid = false;
	return ok;
}

/*
 * WpLookupLockWorkshop
 *		What "SELECT w.status FROM workshoppilot.workshops w WHERE w.id = $1
 *		FOR NO KEY UPDATE", run through SPI with the latest snapshot (after a
 *		command counter increment), does, without planning or executing a
 *		query: one probe of workshops_pkey with the latest snapshot, then the
 *		row lock, waiting for a concurrent holder and following its update
 *		chain in READ COMMITTED (40001 at REPEATABLE READ or above when the
 *		row was updated or deleted concurrently, as the executor raises).
 *		The lock is skipped for a heap version this transaction wrote that
 *		carries no other transaction's lock (own_unlocked_version): it would
 *		change nothing.  Such a version is remembered, and the next call for
 *		the same workshop checks it directly instead of probing the index
 *		(cached_own_version).
 *		Returns false, doing nothing, when the current user's privileges or
 *		row-level security on workshops require the query instead; otherwise
 *		sets *status to the locked row's status (palloc'd C string) or NULL
 *		when there is no such (visible) row, and returns true.
 */
bool
WpLookupLockWorkshop(text *workshop_id, char **status)
{
	Relation	rel;
	Relation	pkey;
	ScanKeyData key;
	SysScanDesc scan;
	HeapTuple	tuple;
	ItemPointerData tid;
	bool		found;
	Snapshot	snapshot;
	TupleTableSlot *slot;
	TM_FailureData tmfd;
	TM_Result	res;
	AttrNumber	id_att;
	AttrNumber	status_att;
	bool		isnull;
	Datum		d;

	AcceptInvalidationMessages();
	ensure_oids();
	if (priv_passed[WP_PRIV_LOCK_WORKSHOP] != GetUserId())
	{
		uint64		generation = priv_generation;

		if (!may_read_directly(oids.workshops, true))
			return false;
		remember_pass(WP_PRIV_LOCK_WORKSHOP, generation);
	}

	/* the plan's locks: RowShareLock on the table, its index for reading */
	rel = table_open(oids.workshops, RowShareLock);
	pkey = index_open(oids.workshops_pkey, AccessShareLock);
	if (!oids_valid)
		ensure_oids();
	id_att = pkey->rd_index->indkey.values[0];
	status_att = oids.workshops_status_att;

	CommandCounterIncrement();
	snapshot = RegisterSnapshot(GetLatestSnapshot());
	*status = NULL;
	if (rel->rd_tableam == GetHeapamTableAmRoutine() &&
		cached_own_version(rel, workshop_id, snapshot, id_att, status_att, status))
	{
		/* the version the probe would find, and skip the lock for */
		UnregisterSnapshot(snapshot);
		index_close(pkey, NoLock);
		table_close(rel, NoLock);
		return true;
	}
	text_key(&key, pkey, id_att, workshop_id);
	scan = systable_beginscan_ordered(rel, pkey, snapshot, 1, &key);
	tuple = systable_getnext_ordered(scan, ForwardScanDirection);
	found = HeapTupleIsValid(tuple);
	if (found && rel->rd_tableam == GetHeapamTableAmRoutine() &&
		TTS_IS_BUFFERTUPLE(scan->slot))
	{
		Buffer		buf = ((BufferHeapTupleTableSlot *) scan->slot)->buffer;
		bool		own;

		LockBuffer(buf, BUFFER_LOCK_SHARE);
		own = own_unlocked_version(tuple);
		LockBuffer(buf, BUFFER_LOCK_UNLOCK);
		if (own)
		{
			/*
			 * A version this transaction wrote (it inserted the workshop,
			 * or updated it and so holds the old version's row lock) that
			 * carries no other transaction's lock: no lock that conflicts
			 * with ours can be taken before this transaction ends, so the
			 * lock would change nothing.
			 */
			d = heap_getattr(tuple, status_att, RelationGetDescr(rel), &isnull);
			if (!isnull)
				*status = TextDatumGetCString(d);
			found = false;
			remember_own_version(rel, tuple, workshop_id);
		}
	}
	if (found)
		tid = tuple->t_self;
	systable_endscan_ordered(scan);

	if (found)
	{
		slot = table_slot_create(rel, NULL);
		res = table_tuple_lock(rel, &tid, snapshot, slot,
							   GetCurrentCommandId(true),
							   LockTupleNoKeyExclusive, LockWaitBlock,
							   IsolationUsesXactSnapshot() ? 0 : TUPLE_LOCK_FLAG_FIND_LAST_VERSION,
							   &tmfd);
		switch (res)
		{
			case TM_Ok:
				if (tmfd.traversed)
				{
					/* a newer version: recheck the qual, as EvalPlanQual does */
					d = slot_getattr(slot, id_att, &isnull);
					if (isnull || !DatumGetBool(DirectFunctionCall2Coll(texteq,
																		pkey->rd_indcollation[0],
																		d, PointerGetDatum(workshop_id))))
						break;
				}
				d = slot_getattr(slot, status_att, &isnull);
				if (!isnull)
					*status = TextDatumGetCString(d);
				else
					*status = NULL;
				break;
			case TM_SelfModified:
				/* changed by this very command after our snapshot: skipped */
				break;
			case TM_Updated:
				if (IsolationUsesXactSnapshot())
					ereport(ERROR,
							(errcode(ERRCODE_T_R_SERIALIZATION_FAILURE),
							 errmsg("could not serialize access due to concurrent update")));
				elog(ERROR, "unexpected table_tuple_lock status: %u", res);
				break;
			case TM_Deleted:
				if (IsolationUsesXactSnapshot())
					ereport(ERROR,
							(errcode(ERRCODE_T_R_SERIALIZATION_FAILURE),
							 errmsg("could not serialize access due to concurrent delete")));
				/* gone: like a row the query no longer finds */
				break;
			default:
				elog(ERROR, "unrecognized table_tuple_lock status: %u", res);
		}
		ExecDropSingleTupleTableSlot(slot);
	}
	UnregisterSnapshot(snapshot);
	index_close(pkey, NoLock);
	table_close(rel, NoLock);
	return true;
}

/*
 * WpLookupAllStepsComplete
 *		What "SELECT NOT EXISTS (a step definition without a complete row of
 *		the workshop)", run through SPI with the latest snapshot (after a
 *		command counter increment), answers, read directly: true when every
 *		step definition has a complete row for the workshop (and when there
 *		are none).  Returns false in *allowed, doing nothing, when the
 *		current user's privileges or row-level security on step_definitions
 *		or workshop_steps require the query instead.
 */
bool
WpLookupAllStepsComplete(text *workshop_id, bool *allowed)
{
	Snapshot	snapshot;
	WpStepProgress progress;

	AcceptInvalidationMessages();
	ensure_oids();
	*allowed = priv_passed[WP_PRIV_READ_STEPS] == GetUserId();
	if (!*allowed)
	{
		uint64		generation = priv_generation;

		*allowed = may_read_directly(oids.step_definitions, false) &&
			may_read_directly(oids.workshop_steps, false);
		if (!*allowed)
			return false;
		remember_pass(WP_PRIV_READ_STEPS, generation);
	}
	CommandCounterIncrement();
	snapshot = RegisterSnapshot(GetLatestSnapshot());
	step_progress(workshop_id, snapshot, false, &progress);
	UnregisterSnapshot(snapshot);
	return progress.completed == progress.total;
}

PG_FUNCTION_INFO_V1(wp_step_definitions_invalidate);

/*
 * wp_step_definitions_invalidate() -> trigger
 *		AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ... FOR EACH STATEMENT
 *		trigger on workshoppilot.step_definitions.  Sends a relcache
 *		invalidation for the table, so that every backend (this one at its
 *		next command, the others once this transaction commits) drops its
 *		cached step definitions.  Raises 39P01 when called any other way.
 */
Datum
wp_step_definitions_invalidate(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;

	if (!CALLED_AS_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("step_definitions_invalidate: not called by trigger manager")));
	if (!TRIGGER_FIRED_FOR_STATEMENT(trigdata->tg_event) ||
		!TRIGGER_FIRED_AFTER(trigdata->tg_event))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("step_definitions_invalidate: must be fired AFTER ... FOR EACH STATEMENT")));

	CacheInvalidateRelcache(trigdata->tg_relation);
	return PointerGetDatum(NULL);
}
