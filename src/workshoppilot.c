/*
 * src/workshoppilot.c
 *
 * Module entry: the magic block and _PG_init.  _PG_init only registers
 * things (GUCs, cache invalidation callbacks) by delegating to each file's
 * WpXxxInit(); it never allocates per-backend state, because a preloaded
 * library runs it in the postmaster before fork.
 */
#include "postgres.h"

#include "fmgr.h"

#include "workshoppilot.h"
#include "compat.h"

WP_MODULE_MAGIC;

void		_PG_init(void);

/*
 * _PG_init
 *		Register GUCs and invalidation callbacks.  Safe to run in the
 *		postmaster (shared_preload_libraries) or in a backend on first use.
 */
void
_PG_init(void)
{
	WpLookupInit();
	WpJsonSchemaInit();
	WpDropGuardInit();
	WpSessionsInit();
	WpPlanCapInit();
	WpHealthInit();
	MarkGUCPrefixReserved("workshoppilot");
}
