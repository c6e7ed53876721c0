/*
 * src/spi_plans.c
 *
 * SPI plans kept for the life of the backend: the one way the product
 * files (step functions, sessions, members, build packs) prepare their
 * fixed queries.  A kept plan is invalidated and replanned by PostgreSQL's
 * plan cache when a table it reads changes, so it is never stale.
 */
#include "postgres.h"

#include "executor/spi.h"

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
