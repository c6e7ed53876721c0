/*
 * src/compat.h
 *
 * Every difference between the PostgreSQL major versions we build on (14-18)
 * lives here, so the rest of the code is written against one API.
 */
#ifndef WP_COMPAT_H
#define WP_COMPAT_H

#include "utils/guc.h"

/*
 * PG 16 moved the varlena macros (VARDATA, VARSIZE_ANY_EXHDR, ...) out of
 * postgres.h into varatt.h.
 */
#if PG_VERSION_NUM >= 160000
#include "varatt.h"
#endif

/* PG 15 renamed EmitWarningsOnPlaceholders to MarkGUCPrefixReserved. */
#if PG_VERSION_NUM < 150000
#define MarkGUCPrefixReserved(prefix) EmitWarningsOnPlaceholders(prefix)
#endif

/* PG 18 adds name and version to the module magic block. */
#if PG_VERSION_NUM >= 180000
#define WP_MODULE_MAGIC PG_MODULE_MAGIC_EXT(.name = "workshoppilot", .version = WP_VERSION)
#else
#define WP_MODULE_MAGIC PG_MODULE_MAGIC
#endif

/*
 * Before PG 16 the regex library allocates compiled regexes with malloc
 * (freed by pg_regfree); from PG 16 on it pallocs into the current context.
 */
#if PG_VERSION_NUM < 160000
#define WP_REGEX_MALLOCS 1
#endif

/* PG 18 adds an instrumentation argument to index_beginscan. */
#if PG_VERSION_NUM >= 180000
#define wp_index_beginscan(heap, index, snapshot, nkeys, norderbys) \
	index_beginscan(heap, index, snapshot, NULL, nkeys, norderbys)
#else
#define wp_index_beginscan(heap, index, snapshot, nkeys, norderbys) \
	index_beginscan(heap, index, snapshot, nkeys, norderbys)
#endif

/*
 * PG 16 renamed rd_newRelfilenodeSubid to rd_newRelfilelocatorSubid: the
 * subtransaction that gave the relation new storage, if any (then, as when
 * rd_createSubid is set, TRUNCATE empties that storage in place).
 */
#if PG_VERSION_NUM >= 160000
#define WP_REL_NEW_STORAGE_SUBID(rel) ((rel)->rd_newRelfilelocatorSubid)
#else
#define WP_REL_NEW_STORAGE_SUBID(rel) ((rel)->rd_newRelfilenodeSubid)
#endif

#endif							/* WP_COMPAT_H */
