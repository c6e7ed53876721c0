/*
 * src/plan_cap.c
 *
 * The plan cap: how many workshops one user may own (be the creator of,
 * workshops.clerk_user_id), set by the app per transaction, role or
 * database with the GUC workshoppilot.max_workshops_per_user (0, the
 * default, means no cap).
 *
 * The row trigger plan_cap fires BEFORE INSERT OR UPDATE OF clerk_user_id
 * on workshops.  With the setting at 0 it returns at once (no lock, no
 * query; cheaper than a WHEN clause, which PostgreSQL re-plans for every
 * statement).  Otherwise, for a row that gives the user a workshop (an
 * insert, or an update that changes the owner), it
 *	1. takes a transaction-level advisory lock on the pair
 *	   (WP_PLAN_CAP_LOCK_KEY, hash of the user id), so that inserts for one
 *	   user run one after the other while inserts for other users (other
 *	   hashes) never wait;
 *	2. counts the user's workshops through
 *	   workshops_clerk_user_id_idx with the latest snapshot after a command
 *	   counter increment (seeing what the previous holder of the lock
 *	   committed, whatever the isolation level, and the rows this statement
 *	   already inserted), and refuses with 53400 when the count has reached
 *	   the cap.
 * The lock is held to the end of the transaction, so the count cannot be
 * overtaken before the insert commits.
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/skey.h"
#include "access/stratnum.h"
#include "access/xact.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "common/hashfn.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "storage/lmgr.h"
#include "storage/lock.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"

#include "workshoppilot.h"

/* First key of the advisory lock pair: "wpCa" */
#define WP_PLAN_CAP_LOCK_KEY 0x77704361

/* workshoppilot.max_workshops_per_user; 0 means no cap */
static int	wp_max_workshops_per_user = 0;


/*
 * WpPlanCapInit
 *		Defines workshoppilot.max_workshops_per_user.  Called from _PG_init.
 */
void
WpPlanCapInit(void)
{
	DefineCustomIntVariable("workshoppilot.max_workshops_per_user",
							"Most workshops one user may own; 0 means no cap.",
							NULL,
							&wp_max_workshops_per_user,
							0,
							0,
							INT_MAX,
							PGC_USERSET,
							0,
							NULL, NULL, NULL);
}

/*
 * count_owned
 *		How many rows of rel (workshops) have clerk_user_id = user, read
 *		through workshops_clerk_user_id_idx with the latest snapshot after a
 *		command counter increment (so committed rows, and the rows this
 *		statement already inserted, count).  Below the cap that is every row
 *		anyway; at the cap the whole count goes into the message.  Raises
 *		55000 when the index is missing or is not on a text column of rel.
 */
static int64
count_owned(Relation rel, text *user)
{
	Oid			indexid = get_relname_relid("workshops_clerk_user_id_idx",
											RelationGetNamespace(rel));
	Relation	index;
	ScanKeyData key;
	SysScanDesc scan;
	Snapshot	snapshot;
	int64		count = 0;

	if (!OidIsValid(indexid))
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("index \"%s.workshops_clerk_user_id_idx\" does not exist",
						get_namespace_name(RelationGetNamespace(rel))),
				 errdetail("The plan cap counts a user's workshops through it."),
				 errhint("Restore the index, or reinstall the extension.")));
	index = index_open(indexid, AccessShareLock);
	if (index->rd_index->indrelid != RelationGetRelid(rel) ||
		index->rd_index->indnatts < 1 ||
		TupleDescAttr(RelationGetDescr(rel), index->rd_index->indkey.values[0] - 1)->atttypid != TEXTOID)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("index \"workshops_clerk_user_id_idx\" is not an index on the user column of \"%s\"",
						RelationGetRelationName(rel)),
				 errhint("Restore the index, or reinstall the extension.")));

	/* make the rows this statement inserted so far visible, as SPI would */
	CommandCounterIncrement();
	snapshot = RegisterSnapshot(GetLatestSnapshot());
	ScanKeyEntryInitialize(&key, 0, index->rd_index->indkey.values[0],
						   BTEqualStrategyNumber, InvalidOid,
						   index->rd_indcollation[0], F_TEXTEQ,
						   PointerGetDatum(user));
	scan = systable_beginscan_ordered(rel, index, snapshot, 1, &key);
	while (HeapTupleIsValid(systable_getnext_ordered(scan, ForwardScanDirection)))
	{
		CHECK_FOR_INTERRUPTS();
		count++;
	}
	systable_endscan_ordered(scan);
	UnregisterSnapshot(snapshot);
	index_close(index, AccessShareLock);
	return count;
}

PG_FUNCTION_INFO_V1(wp_workshops_plan_cap);

/*
 * wp_workshops_plan_cap() -> trigger
 *		BEFORE INSERT OR UPDATE ... FOR EACH ROW on workshoppilot.workshops.
 *		Raises 53400 (configuration_limit_exceeded) when the row would give
 *		its user more workshops than workshoppilot.max_workshops_per_user;
 *		see the file header.  Returns NEW.  Raises 39P01 when called any
 *		other way and 09000 when the table lacks clerk_user_id.
 */
Datum
wp_workshops_plan_cap(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;
	TupleDesc	tupdesc;
	HeapTuple	newtuple;
	int			user_att;
	Datum		user;
	bool		isnull;
	text	   *u;
	LOCKTAG		tag;
	int64		count;
	int			cap = wp_max_workshops_per_user;

	if (!CALLED_AS_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("workshops_plan_cap: not called by trigger manager")));
	if (!TRIGGER_FIRED_FOR_ROW(trigdata->tg_event) ||
		!TRIGGER_FIRED_BEFORE(trigdata->tg_event) ||
		TRIGGER_FIRED_BY_DELETE(trigdata->tg_event))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("workshops_plan_cap: must be fired BEFORE INSERT OR UPDATE FOR EACH ROW")));

	newtuple = TRIGGER_FIRED_BY_UPDATE(trigdata->tg_event) ?
		trigdata->tg_newtuple : trigdata->tg_trigtuple;
	if (cap <= 0)
		return PointerGetDatum(newtuple);	/* no cap: the common path */

	tupdesc = RelationGetDescr(trigdata->tg_relation);
	user_att = WpTriggerColumn(trigdata, "clerk_user_id", TEXTOID);
	user = heap_getattr(newtuple, user_att, tupdesc, &isnull);
	if (isnull)
		return PointerGetDatum(newtuple);	/* NOT NULL reports it */
	u = DatumGetTextPP(user);
	if (TRIGGER_FIRED_BY_UPDATE(trigdata->tg_event))
	{
		bool		old_null;
		Datum		old = heap_getattr(trigdata->tg_trigtuple, user_att, tupdesc, &old_null);

		if (!old_null)
		{
			text	   *o = DatumGetTextPP(old);

			if (VARSIZE_ANY_EXHDR(o) == VARSIZE_ANY_EXHDR(u) &&
				memcmp(VARDATA_ANY(o), VARDATA_ANY(u), VARSIZE_ANY_EXHDR(u)) == 0)
				return PointerGetDatum(newtuple);	/* same owner */
		}
	}

	SET_LOCKTAG_ADVISORY(tag, MyDatabaseId, WP_PLAN_CAP_LOCK_KEY,
						 hash_bytes((const unsigned char *) VARDATA_ANY(u),
									VARSIZE_ANY_EXHDR(u)), 2);
	(void) LockAcquire(&tag, ExclusiveLock, false, false);

	count = count_owned(trigdata->tg_relation, u);

	if (count >= cap)
		ereport(ERROR,
				(errcode(ERRCODE_CONFIGURATION_LIMIT_EXCEEDED),
				 errmsg("user \"%s\" already owns %lld workshops; the cap is %d",
						WpMessageTextDatum(PointerGetDatum(u)), (long long) count, cap),
				 errdetail("workshoppilot.max_workshops_per_user is %d.", cap),
				 errhint("Delete one of the user's workshops, or move the user to a plan with a higher cap.")));
	return PointerGetDatum(newtuple);
}
