/*
 * src/triggers.c
 *
 * The updated_at trigger: on every UPDATE of a row, set a timestamp column to
 * the current transaction time, whatever the client wrote there.  Also the
 * helpers every row trigger of the extension shares (WpTriggerColumn,
 * WpTextEquals, WpTransactionTimestamp).
 *
 * Modelled on contrib/spi/moddatetime.c.  The value is "the same kind of
 * value" a DEFAULT now() would give the column: for `timestamp` columns the
 * transaction start time converted to the session time zone, for
 * `timestamptz` the instant itself; both rounded to the column's declared
 * precision (timestamp(3) keeps milliseconds), because a trigger that writes
 * into the tuple directly bypasses the typmod coercion an INSERT would do.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/xact.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "fmgr.h"
#include "executor/spi.h"
#include "pgtime.h"
#include "utils/builtins.h"
#include "utils/rel.h"
#include "utils/timestamp.h"

#include "workshoppilot.h"

/*
 * The last few values of WpTransactionTimestamp, with everything they were
 * computed from.
 */
#define WP_XACT_TIMESTAMP_MEMO_SIZE 4

typedef struct WpXactTimestampMemo
{
	bool		valid;
	TimestampTz start;			/* the transaction start time */
	pg_tz	   *zone;			/* session_timezone then */
	Oid			type;
	int32		typmod;
	Timestamp	value;			/* the same int64 for both types */
} WpXactTimestampMemo;

static WpXactTimestampMemo xact_timestamp_memo[WP_XACT_TIMESTAMP_MEMO_SIZE];
static int	xact_timestamp_memo_next = 0;

/*
 * WpTransactionTimestamp
 *		The transaction start time as a value of a column of type type
 *		(TIMESTAMPOID: converted to the session time zone; TIMESTAMPTZOID:
 *		the instant itself) and typmod typmod (rounded to it when >= 0):
 *		what a DEFAULT now() stores in such a column.  The conversion looks
 *		up the session time zone's rules, the dearest part of a row
 *		trigger's timestamps, and its inputs are only the transaction start,
 *		the session time zone (pg_tz structs are cached for the life of the
 *		process, so the pointer names the zone) and the type, so the last
 *		few results are remembered with them.
 */
Datum
WpTransactionTimestamp(Oid type, int32 typmod)
{
	TimestampTz start = GetCurrentTransactionStartTimestamp();
	WpXactTimestampMemo *m;
	Datum		value;
	int			i;

	Assert(type == TIMESTAMPOID || type == TIMESTAMPTZOID);
	for (i = 0; i < WP_XACT_TIMESTAMP_MEMO_SIZE; i++)
	{
		m = &xact_timestamp_memo[i];
		if (m->valid && m->start == start && m->zone == session_timezone &&
			m->type == type && m->typmod == typmod)
			return TimestampGetDatum(m->value);
	}

	if (type == TIMESTAMPOID)
		value = DirectFunctionCall1(timestamptz_timestamp, TimestampTzGetDatum(start));
	else
		value = TimestampTzGetDatum(start);
	/* timestamp(p) and timestamptz(p) share the same rounding function */
	if (typmod >= 0)
		value = DirectFunctionCall2(timestamp_scale, value, Int32GetDatum(typmod));

	m = &xact_timestamp_memo[xact_timestamp_memo_next];
	xact_timestamp_memo_next = (xact_timestamp_memo_next + 1) % WP_XACT_TIMESTAMP_MEMO_SIZE;
	m->start = start;
	m->zone = session_timezone;
	m->type = type;
	m->typmod = typmod;
	m->value = DatumGetTimestamp(value);
	m->valid = true;
	return value;
}

PG_FUNCTION_INFO_V1(wp_set_updated_at);

/*
 * wp_set_updated_at() -> trigger
 *		BEFORE UPDATE ... FOR EACH ROW trigger taking one argument, the name
 *		of a timestamp(tz) column.  Returns the new row with that column set
 *		to now(), rounded to the column's typmod.
 *
 *		Called any other way it raises 39P01 (trigger protocol violated); a
 *		missing, unknown or wrongly typed column raises 09000 (triggered
 *		action exception) naming the trigger and the table.
 */
Datum
wp_set_updated_at(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;
	Trigger    *trigger;
	Relation	rel;
	TupleDesc	tupdesc;
	const char *colname;
	int			attnum;
	Form_pg_attribute attr;
	Datum		value;
	bool		isnull = false;
	HeapTuple	newtuple;

	if (!CALLED_AS_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("set_updated_at: not called by trigger manager")));
	if (!TRIGGER_FIRED_FOR_ROW(trigdata->tg_event) ||
		!TRIGGER_FIRED_BEFORE(trigdata->tg_event) ||
		!TRIGGER_FIRED_BY_UPDATE(trigdata->tg_event))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("set_updated_at: must be fired BEFORE UPDATE FOR EACH ROW")));

	trigger = trigdata->tg_trigger;
	rel = trigdata->tg_relation;
	tupdesc = RelationGetDescr(rel);

	if (trigger->tgnargs != 1)
		ereport(ERROR,
				(errcode(ERRCODE_TRIGGERED_ACTION_EXCEPTION),
				 errmsg("trigger \"%s\" on \"%s\" needs exactly one argument",
						trigger->tgname, RelationGetRelationName(rel)),
				 errhint("Pass the name of the timestamp column to set, e.g. 'updated_at'.")));

	colname = trigger->tgargs[0];
	attnum = SPI_fnumber(tupdesc, colname);
	if (attnum <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_TRIGGERED_ACTION_EXCEPTION),
				 errmsg("trigger \"%s\" on \"%s\": column \"%s\" does not exist",
						trigger->tgname, RelationGetRelationName(rel), colname)));
	attr = TupleDescAttr(tupdesc, attnum - 1);

	if (attr->atttypid != TIMESTAMPOID && attr->atttypid != TIMESTAMPTZOID)
		ereport(ERROR,
				(errcode(ERRCODE_TRIGGERED_ACTION_EXCEPTION),
				 errmsg("trigger \"%s\" on \"%s\": column \"%s\" is not of type timestamp or timestamptz",
						trigger->tgname, RelationGetRelationName(rel), colname)));
	value = WpTransactionTimestamp(attr->atttypid, attr->atttypmod);

	newtuple = heap_modify_tuple_by_cols(trigdata->tg_newtuple, tupdesc,
										 1, &attnum, &value, &isnull);
	return PointerGetDatum(newtuple);
}

/*
 * The attribute numbers WpTriggerColumn found last, per (table, column
 * name): the row triggers ask for the same few columns on every row, and
 * SPI_fnumber compares the name with each column in turn.  An entry is only
 * a guess: it is used when the column at that number still has that name,
 * that type and is not dropped, which the current tuple descriptor says, so
 * a stale entry (a column dropped, renamed or added since) can never give a
 * wrong answer; it is looked up again and replaced.
 */
#define WP_TRIGGER_COLUMN_CACHE_SIZE 32

typedef struct WpTriggerColumnGuess
{
	Oid			relid;
	const char *name;			/* the caller's string, compared by address */
	int			attnum;
} WpTriggerColumnGuess;

static WpTriggerColumnGuess column_guesses[WP_TRIGGER_COLUMN_CACHE_SIZE];
static int	column_guess_next = 0;

/*
 * column_matches
 *		Whether column attnum of tupdesc exists, is not dropped and has
 *		this name and type.
 */
static bool
column_matches(TupleDesc tupdesc, int attnum, const char *name, Oid type)
{
	Form_pg_attribute attr;

	if (attnum <= 0 || attnum > tupdesc->natts)
		return false;
	attr = TupleDescAttr(tupdesc, attnum - 1);
	return !attr->attisdropped && attr->atttypid == type &&
		strcmp(NameStr(attr->attname), name) == 0;
}

/*
 * WpTriggerColumn
 *		Attribute number of a column of the trigger's table; raises 09000
 *		naming the trigger when it is missing or not of the expected type.
 *		name should be a string constant: the guess cache keys on its
 *		address (another string with the same text only misses the cache).
 */
int
WpTriggerColumn(TriggerData *trigdata, const char *name, Oid type)
{
	TupleDesc	tupdesc = RelationGetDescr(trigdata->tg_relation);
	Oid			relid = RelationGetRelid(trigdata->tg_relation);
	int			attnum;
	int			i;

	for (i = 0; i < WP_TRIGGER_COLUMN_CACHE_SIZE; i++)
	{
		WpTriggerColumnGuess *g = &column_guesses[i];

		if (g->relid == relid && g->name == name &&
			column_matches(tupdesc, g->attnum, name, type))
			return g->attnum;
	}

	attnum = SPI_fnumber(tupdesc, name);
	if (!column_matches(tupdesc, attnum, name, type))
		ereport(ERROR,
				(errcode(ERRCODE_TRIGGERED_ACTION_EXCEPTION),
				 errmsg("trigger \"%s\" on \"%s\" needs a column \"%s\" of type %s",
						trigdata->tg_trigger->tgname,
						RelationGetRelationName(trigdata->tg_relation),
						name, format_type_be(type))));

	column_guesses[column_guess_next].relid = relid;
	column_guesses[column_guess_next].name = name;
	column_guesses[column_guess_next].attnum = attnum;
	column_guess_next = (column_guess_next + 1) % WP_TRIGGER_COLUMN_CACHE_SIZE;
	return attnum;
}

/*
 * WpTextEquals
 *		Whether a nullable text datum equals a C string.
 */
bool
WpTextEquals(Datum value, bool isnull, const char *s)
{
	text	   *t;
	int			len = strlen(s);

	if (isnull)
		return false;
	t = DatumGetTextPP(value);
	return VARSIZE_ANY_EXHDR(t) == len && memcmp(VARDATA_ANY(t), s, len) == 0;
}
