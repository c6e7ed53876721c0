/*
 * src/spi_plans.c
 *
 * SPI plans kept for the life of the backend: the one way the product
 * files (step functions, the lifecycle trigger, sessions, members, build
 * packs) prepare their fixed queries, and the one way they run one with
 * the latest snapshot (WpRunLatest).  A kept plan is invalidated and replanned by PostgreSQL's
 * plan cache when a table it reads changes, so it is never stale.
 */
#include "postgres.h"

#include "executor/spi.h"
#include "utils/snapmgr.h"

#include "workshoppilot.h"

/*
 * WpKeepPlan
 *		Prepares query with nargs arguments of the given types and keeps the
 *		plan for the life of the backend.  Call inside SPI.  A failure is a
 *		bug (the queries are fixed), so it is an internal error.
 */
SPIPlanPtr
WpKeepPlan(const char *query, int nargs, Oid *argtypes)
{
	SPIPlanPtr	plan = SPI_prepare(query, nargs, argtypes);

	if (plan == NULL)
		elog(ERROR, "SPI_prepare failed for \"%s\": %s",
			 query, SPI_result_code_string(SPI_result));
	if (SPI_keepplan(plan) != 0)
		elog(ERROR, "SPI_keepplan failed");
	return plan;
}

/*
 * WpRunLatest
 *		Executes a kept plan with the latest snapshot (so that, after a lock
 *		was granted, it sees what the previous holder committed, whatever
 *		the isolation level), read-write.  nulls may be NULL (no NULL
 *		argument).  Checks the result code against expected.
 */
void
WpRunLatest(SPIPlanPtr plan, Datum *args, const char *nulls, int expected)
{
	int			ret;

	ret = SPI_execute_snapshot(plan, args, nulls, GetLatestSnapshot(),
							   InvalidSnapshot, false, true, 0);
	if (ret != expected)
		elog(ERROR, "SPI_execute_snapshot returned %s, expected %s",
			 SPI_result_code_string(ret), SPI_result_code_string(expected));
}
