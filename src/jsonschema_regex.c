/*
 * src/jsonschema_regex.c
 *
 * ECMA-262 (u flag) regular expressions translated to PostgreSQL AREs.
 * STUB: the real translator is being written; this version compiles every
 * pattern to an object that matches everything.
 */
#include "postgres.h"

#include "workshoppilot.h"
#include "jsonschema_regex.h"

struct WpEcmaRegex
{
	int			dummy;
};

/*
 * WpEcmaRegexCompile
 *		Stub: always succeeds.
 */
WpEcmaRegex *
WpEcmaRegexCompile(const char *pattern, int len, MemoryContext mcxt, char **error)
{
	*error = NULL;
	return (WpEcmaRegex *) MemoryContextAllocZero(mcxt, sizeof(WpEcmaRegex));
}

/*
 * WpEcmaRegexMatch
 *		Stub: always matches.
 */
bool
WpEcmaRegexMatch(WpEcmaRegex *re, const char *str, int len)
{
	return true;
}
