/*
 * src/members.c
 *
 * The last-owner rule of workshop_members: a workshop never loses its last
 * owner row, whoever writes (the extension's functions, the app's plain
 * SQL, psql).
 *
 * The row trigger keep_owner fires BEFORE DELETE OR UPDATE OF role,
 * workshop_id, clerk_user_id, WHEN (OLD.role = 'owner'): inserts and
 * changes of other members never call it.  For a delete of an owner row,
 * or an update that takes it away from the workshop (another role or
 * another workshop), it
 *	1. locks the workshop row FOR NO KEY UPDATE (the lock the step and
 *	   session functions take; it does not block foreign key checks), and
 *	   allows the change when the workshop is gone: deleting a workshop
 *	   deletes its members by cascade after the workshop row;
 *	2. counts the workshop's other owner rows with the latest snapshot (so
 *	   it sees what an earlier holder of the lock committed, whatever the
 *	   isolation level, and, SPI advancing the command counter, the rows
 *	   this same statement already deleted), and refuses with 23514 when
 *	   there are none.
 * Two transactions removing the two owners of one workshop thus serialise
 * on the workshop row, and the second one fails.  Only writes to owner rows
 * of one workshop wait for each other.
 *
 * Only owner rows count: a workshop's creator (workshops.clerk_user_id) is
 * reported as owner by member_role() when it has no member row, but that
 * fallback does not stand in for an owner row here.
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

static SPIPlanPtr plan_other_owners = NULL;

/*
 * same_text_datum
 *		Whether two nullable text datums are equal byte for byte.
 */
static bool
same_text_datum(Datum a, bool a_null, Datum b, bool b_null)
{
	text	   *ta;
	text	   *tb;

	if (a_null || b_null)
		return a_null && b_null;
	ta = DatumGetTextPP(a);
	tb = DatumGetTextPP(b);
	return VARSIZE_ANY_EXHDR(ta) == VARSIZE_ANY_EXHDR(tb) &&
		memcmp(VARDATA_ANY(ta), VARDATA_ANY(tb), VARSIZE_ANY_EXHDR(ta)) == 0;
}

PG_FUNCTION_INFO_V1(wp_workshop_members_keep_owner);

/*
 * wp_workshop_members_keep_owner() -> trigger
 *		BEFORE DELETE OR UPDATE ... FOR EACH ROW on
 *		workshoppilot.workshop_members.  Refuses (23514) to delete an owner
 *		row, or to change its role or workshop, when it is the last owner
 *		row of a workshop that still exists; see the file header.  Returns
 *		OLD for a delete and NEW for an update.  Raises 39P01 when called any
 *		other way and 09000 when the table lacks the columns.
 */
Datum
wp_workshop_members_keep_owner(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;
	TupleDesc	tupdesc;
	HeapTuple	oldtuple;
	HeapTuple	result;
	bool		is_update;
	int			id_att;
	int			ws_att;
	int			role_att;
	Datum		old_ws;
	Datum		old_role;
	Datum		old_id;
	bool		isnull;
	Datum		args[2];
	int64		others;

	if (!CALLED_AS_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("workshop_members_keep_owner: not called by trigger manager")));
	if (!TRIGGER_FIRED_FOR_ROW(trigdata->tg_event) ||
		!TRIGGER_FIRED_BEFORE(trigdata->tg_event) ||
		TRIGGER_FIRED_BY_INSERT(trigdata->tg_event) ||
		TRIGGER_FIRED_BY_TRUNCATE(trigdata->tg_event))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("workshop_members_keep_owner: must be fired BEFORE DELETE OR UPDATE FOR EACH ROW")));

	is_update = TRIGGER_FIRED_BY_UPDATE(trigdata->tg_event);
	tupdesc = RelationGetDescr(trigdata->tg_relation);
	oldtuple = trigdata->tg_trigtuple;
	result = is_update ? trigdata->tg_newtuple : oldtuple;
	id_att = WpTriggerColumn(trigdata, "id", TEXTOID);
	ws_att = WpTriggerColumn(trigdata, "workshop_id", TEXTOID);
	role_att = WpTriggerColumn(trigdata, "role", TEXTOID);

	old_role = heap_getattr(oldtuple, role_att, tupdesc, &isnull);
	if (!WpTextEquals(old_role, isnull, "owner"))
		return PointerGetDatum(result);
	old_ws = heap_getattr(oldtuple, ws_att, tupdesc, &isnull);
	if (isnull)
		return PointerGetDatum(result);
	if (is_update)
	{
		bool		new_null;
		Datum		new_role = heap_getattr(result, role_att, tupdesc, &new_null);
		Datum		new_ws;

		if (WpTextEquals(new_role, new_null, "owner"))
		{
			new_ws = heap_getattr(result, ws_att, tupdesc, &new_null);
			if (same_text_datum(old_ws, false, new_ws, new_null))
				return PointerGetDatum(result); /* still an owner of it */
		}
	}
	old_id = heap_getattr(oldtuple, id_att, tupdesc, &isnull);
	if (isnull)
		return PointerGetDatum(result);

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	if (WpLockWorkshop(old_ws) == NULL)
	{
		/* the workshop is gone (deleted, cascading to its members) */
		SPI_finish();
		return PointerGetDatum(result);
	}
	if (plan_other_owners == NULL)
	{
		Oid			types[2] = {TEXTOID, TEXTOID};

		plan_other_owners = WpKeepPlan("SELECT pg_catalog.count(*) FROM workshoppilot.workshop_members m"
									   " WHERE m.workshop_id OPERATOR(pg_catalog.=) $1"
									   " AND m.role OPERATOR(pg_catalog.=) 'owner'::pg_catalog.text"
									   " AND m.id OPERATOR(pg_catalog.<>) $2",
									   2, types);
	}
	args[0] = old_ws;
	args[1] = old_id;
	WpRunLatest(plan_other_owners, args, NULL, SPI_OK_SELECT);
	others = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	if (others == 0)
	{
		bool		user_null;
		Datum		user = heap_getattr(oldtuple, WpTriggerColumn(trigdata, "clerk_user_id", TEXTOID),
										tupdesc, &user_null);

		ereport(ERROR,
				(errcode(ERRCODE_CHECK_VIOLATION),
				 errmsg("workshop \"%s\" must keep at least one owner",
						WpMessageTextDatum(old_ws)),
				 is_update ?
				 errdetail("User \"%s\" is its last owner, and this change of the member would leave it with none.",
						   user_null ? "" : TextDatumGetCString(user)) :
				 errdetail("User \"%s\" is its last owner, and removing the member would leave it with none.",
						   user_null ? "" : TextDatumGetCString(user)),
				 errhint("Make another member an owner first, or delete the workshop.")));
	}
	SPI_finish();
	return PointerGetDatum(result);
}
