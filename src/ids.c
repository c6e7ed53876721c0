/*
 * src/ids.c
 *
 * CUID2 ids, generated exactly as the npm package @paralleldrive/cuid2 (v3)
 * generates them, so that an id made by the database cannot be told from an
 * id made by the app:
 *
 *	 id   = letter || body
 *	 letter = a uniformly random letter a-z
 *	 input  = base36(now in ms) || salt || base36(counter++) || fingerprint
 *	 salt   = `length` uniformly random base36 characters
 *	 digest = SHA3-512(input), read as a big-endian unsigned 512-bit integer
 *			  and written in lower-case base36 without leading zeros
 *	 body   = digest[2 .. 2 + length - 1)
 *
 * Two leading digest characters are dropped (the reference drops one in its
 * hash helper and one when it cuts the id) because they are not uniformly
 * distributed.  SQL: cuid2(prefix, length), is_cuid2(value [, prefix]) and
 * cuid2_digest(input, length), which returns the body for a given input.
 *
 * Per-backend state (the static Cuid2State below), created on the first
 * cuid2() call in a process, never in _PG_init (which a preloaded library
 * runs in the postmaster before fork):
 *	 - counter: starts at a uniformly random integer in [0, 476782367), as in
 *	   the reference, and is incremented per id;
 *	 - fingerprint: 32 base36 characters, the reference's hash of entropy
 *	   that differs between backends and machines (pid, backend start time,
 *	   system identifier, host name, 32 random base36 characters);
 *	 - a pool of WP_RANDOM_POOL_SIZE bytes from pg_strong_random, refilled
 *	   when used up, from which every random draw is taken; each byte is used
 *	   at most once.
 * The state records the pid that created it.  A process whose MyProcPid
 * differs (a child forked after the state existed) discards it and builds
 * its own, so no two processes ever share a counter, fingerprint or pool.
 * Parallel workers are separate processes with their own state, which is
 * why cuid2() is PARALLEL SAFE.  Nothing is shared between backends, so
 * there is no locking.
 *
 * Uniform draws use rejection sampling: a random byte b gives a base36
 * character only when b < 252 (= 7 * 36) and a letter only when b < 234
 * (= 9 * 26), so that b % 36 and b % 26 are unbiased.
 */
#include "postgres.h"

#include <unistd.h>

#include "access/xlog.h"
#include "fmgr.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "port.h"
#include "port/pg_bitutils.h"
#include "utils/builtins.h"
#include "utils/timestamp.h"

#include "sha3.h"
#include "workshoppilot.h"

/* Allowed id lengths (letter + body), as the reference allows. */
#define CUID2_MIN_LENGTH 2
#define CUID2_MAX_LENGTH 32

/* Prefix: 1 to 16 characters of [a-z0-9], starting with a letter. */
#define CUID2_MAX_PREFIX_LENGTH 16

/* Length of the fingerprint in base36 characters (reference: bigLength). */
#define CUID2_FINGERPRINT_LENGTH 32

/* Exclusive bound of the initial counter (reference: initialCountMax). */
#define CUID2_INITIAL_COUNT_MAX 476782367

/* Bytes drawn from pg_strong_random at a time. */
#define WP_RANDOM_POOL_SIZE 4096

/*
 * A 512-bit number has at most 100 base36 digits; conversion emits digits in
 * groups of six, so 17 groups (102 characters) always suffice.
 */
#define BASE36_GROUP 6
#define BASE36_GROUP_DIVISOR UINT64CONST(2176782336)	/* 36^6 */
#define BASE36_DIGEST_BUFSIZE 102

/* Longest base36 rendering of a uint64 (36^13 > 2^64). */
#define BASE36_UINT64_MAX_DIGITS 13

/*
 * Longest hash input: time and counter as uint64, the largest salt, the
 * fingerprint.
 */
#define CUID2_MAX_INPUT_LENGTH \
	(2 * BASE36_UINT64_MAX_DIGITS + CUID2_MAX_LENGTH + CUID2_FINGERPRINT_LENGTH)

static const char base36_digits[] = "0123456789abcdefghijklmnopqrstuvwxyz";

/* Per-backend generator state; see the file header. */
typedef struct Cuid2State
{
	int			owner_pid;		/* MyProcPid of the creator; 0 = none yet */
	uint64		counter;		/* next counter value */
	char		fingerprint[CUID2_FINGERPRINT_LENGTH];
	int			pool_pos;		/* next unused byte of pool */
	unsigned char pool[WP_RANDOM_POOL_SIZE];
} Cuid2State;

static Cuid2State cuid2_state;

/*
 * refill_random_pool
 *		Fill the per-backend pool with fresh bytes from pg_strong_random.
 *		Raises ERRCODE_INTERNAL_ERROR when no strong randomness is available.
 */
static void
refill_random_pool(void)
{
	if (!pg_strong_random(cuid2_state.pool, WP_RANDOM_POOL_SIZE))
		ereport(ERROR,
				(errcode(ERRCODE_INTERNAL_ERROR),
				 errmsg("could not generate random values")));
	cuid2_state.pool_pos = 0;
}

/*
 * random_byte
 *		The next unused random byte of the pool, refilling it when empty.
 */
static inline unsigned char
random_byte(void)
{
	if (unlikely(cuid2_state.pool_pos >= WP_RANDOM_POOL_SIZE))
		refill_random_pool();
	return cuid2_state.pool[cuid2_state.pool_pos++];
}

/*
 * random_base36_char
 *		A uniformly random character of [0-9a-z] (rejection sampling).
 */
static inline char
random_base36_char(void)
{
	for (;;)
	{
		unsigned char b = random_byte();

		if (b < 252)
			return base36_digits[b % 36];
	}
}

/*
 * random_letter
 *		A uniformly random letter a-z (rejection sampling).
 */
static inline char
random_letter(void)
{
	for (;;)
	{
		unsigned char b = random_byte();

		if (b < 234)
			return 'a' + b % 26;
	}
}

/*
 * random_uint32_below
 *		A uniformly random integer in [0, bound), bound > 0.
 */
static uint32
random_uint32_below(uint32 bound)
{
	/* largest multiple of bound that fits in 2^32; draws at or above retry */
	uint64		limit = (UINT64CONST(0x100000000) / bound) * bound;

	for (;;)
	{
		uint64		r = ((uint64) random_byte() << 24) |
			((uint64) random_byte() << 16) |
			((uint64) random_byte() << 8) |
			(uint64) random_byte();

		if (r < limit)
			return (uint32) (r % bound);
	}
}

/*
 * append_base36_uint64
 *		Write v in lower-case base36 without leading zeros ("0" for 0) at
 *		dst; return the number of characters written (at most 13).
 */
static int
append_base36_uint64(char *dst, uint64 v)
{
	char		tmp[BASE36_UINT64_MAX_DIGITS];
	int			n = 0;
	int			i;

	do
	{
		tmp[n++] = base36_digits[v % 36];
		v /= 36;
	} while (v != 0);
	for (i = 0; i < n; i++)
		dst[i] = tmp[n - 1 - i];
	return n;
}

/*
 * limbs_to_base36
 *		Write the number held in limbs[first .. 15] (32-bit limbs, most
 *		significant first; the array is destroyed) in lower-case base36
 *		without leading zeros into buf (of BASE36_DIGEST_BUFSIZE bytes, not
 *		NUL-terminated).  Return a pointer to the first digit inside buf and
 *		set *ndigits (1 to 100; "0" for zero).
 *
 * The number is divided by 36^6 repeatedly; each remainder gives six
 * digits.  Dividing a 64-bit value by the constant 36^6 compiles to a
 * multiplication, and the leading zero limbs are skipped.
 */
static const char *
limbs_to_base36(uint32 *limbs, int first, char *buf, int *ndigits)
{
	int			pos = BASE36_DIGEST_BUFSIZE;
	int			i;

	while (first < 16 && limbs[first] == 0)
		first++;

	while (first < 16)
	{
		uint64		rem = 0;
		uint32		group;

		for (i = first; i < 16; i++)
		{
			uint64		cur = (rem << 32) | limbs[i];
			uint64		q = cur / BASE36_GROUP_DIVISOR;

			rem = cur - q * BASE36_GROUP_DIVISOR;
			limbs[i] = (uint32) q;
		}
		while (first < 16 && limbs[first] == 0)
			first++;

		group = (uint32) rem;
		for (i = 0; i < BASE36_GROUP; i++)
		{
			buf[--pos] = base36_digits[group % 36];
			group /= 36;
		}
	}

	/* drop the leading zeros of the most significant group */
	while (pos < BASE36_DIGEST_BUFSIZE - 1 && buf[pos] == '0')
		pos++;
	if (pos == BASE36_DIGEST_BUFSIZE)
	{
		/* the number was zero: BigInt 0 is written "0" */
		buf[--pos] = '0';
	}
	*ndigits = BASE36_DIGEST_BUFSIZE - pos;
	return buf + pos;
}

/*
 * digest_limbs
 *		The 64-byte digest, read as a big-endian unsigned integer, as 16
 *		32-bit limbs, most significant first.
 */
static void
digest_limbs(const unsigned char *digest, uint32 *limbs)
{
	int			i;

	for (i = 0; i < 16; i++)
		limbs[i] = ((uint32) digest[4 * i] << 24) |
			((uint32) digest[4 * i + 1] << 16) |
			((uint32) digest[4 * i + 2] << 8) |
			(uint32) digest[4 * i + 3];
}

/*
 * digest_to_base36
 *		Write the 64-byte digest, read as a big-endian unsigned integer, in
 *		lower-case base36 without leading zeros into buf (see
 *		limbs_to_base36, which this returns).
 */
static const char *
digest_to_base36(const unsigned char *digest, char *buf, int *ndigits)
{
	uint32		limbs[16];

	digest_limbs(digest, limbs);
	return limbs_to_base36(limbs, 0, buf, ndigits);
}

/* 9^10, the largest power of 9 below 2^32 */
#define NINE_POW_10 UINT64CONST(3486784401)

/*
 * digest_to_base36_prefix
 *		Like digest_to_base36, but an id needs only the first few digits:
 *		writes a prefix of the digest's base36 digits that has at least
 *		`need` digits (all of them when the number has fewer), setting
 *		*ndigits to the prefix's length.
 *
 * The first D - m digits of a D-digit number N are the digits of
 * floor(N / 36^m), for any m <= D - need.  Since 36^m = 2^(2m) * 9^m, that
 * is floor(floor(N / 2^(2m)) / 9^m): a right shift by 2m bits, then m / 10
 * divisions by 9^10 (m is chosen a multiple of 10), each a multiplication
 * per remaining limb, on a number that shrinks by 32 bits per division.
 * Only the quotient, of about need + 10 digits, is then converted.  D is
 * bounded from below by the bit length b of N: N >= 2^(b-1), so
 * D - 1 >= floor((b - 1) / log2(36)); the bound is computed with a divisor
 * slightly above log2(36) = 5.16992500..., so it never exceeds the true
 * value.  About half the work of converting all 100 digits.
 */
static const char *
digest_to_base36_prefix(const unsigned char *digest, int need, char *buf,
						int *ndigits)
{
	uint32		limbs[16];
	int			first = 0;
	int			bits;
	int			dlow;
	int			m;
	int			shift;
	int			i;
	int			k;

	digest_limbs(digest, limbs);
	while (first < 16 && limbs[first] == 0)
		first++;
	if (first == 16)
		return limbs_to_base36(limbs, first, buf, ndigits);
	bits = 32 * (16 - first) - (31 - pg_leftmost_one_pos32(limbs[first]));
	dlow = (int) (((int64) (bits - 1) * 100000000) / 516992501) + 1;
	m = (dlow - need) / 10 * 10;
	if (m <= 0)
		return limbs_to_base36(limbs, first, buf, ndigits);

	/* limbs >>= 2m bits */
	shift = 2 * m;
	k = shift / 32;
	shift %= 32;
	for (i = 15; i >= 0; i--)
	{
		int			src = i - k;
		uint32		lo = src >= 0 ? limbs[src] : 0;
		uint32		hi = src - 1 >= 0 ? limbs[src - 1] : 0;

		limbs[i] = shift == 0 ? lo : (lo >> shift) | (hi << (32 - shift));
	}
	first = 0;

	/* limbs /= 9^m, in steps of 9^10 */
	for (k = 0; k < m / 10; k++)
	{
		uint64		rem = 0;

		while (first < 16 && limbs[first] == 0)
			first++;
		for (i = first; i < 16; i++)
		{
			uint64		cur = (rem << 32) | limbs[i];
			uint64		q = cur / NINE_POW_10;

			rem = cur - q * NINE_POW_10;
			limbs[i] = (uint32) q;
		}
	}
	return limbs_to_base36(limbs, first, buf, ndigits);
}

/*
 * cuid2_hash_digits
 *		SHA3-512 of input in base36 as digest_to_base36 writes it (digits
 *		point into buf, BASE36_DIGEST_BUFSIZE bytes).
 */
static const char *
cuid2_hash_digits(const char *input, Size len, char *buf, int *ndigits)
{
	unsigned char digest[WP_SHA3_512_DIGEST_LENGTH];

	WpSha3_512((const unsigned char *) input, len, digest);
	return digest_to_base36(digest, buf, ndigits);
}

/*
 * cuid2_body
 *		Copy the body of an id of the given length for hash input `input`
 *		into dst: the length - 1 digest characters that follow the first two.
 *		Return how many were copied: length - 1, unless the digest had
 *		fewer than length + 1 digits (probability below 2^-340), in which case
 *		the shorter tail is copied, as JavaScript's substring would.
 */
static int
cuid2_body(const char *input, Size len, int length, char *dst)
{
	char		buf[BASE36_DIGEST_BUFSIZE];
	int			ndigits;
	unsigned char digest[WP_SHA3_512_DIGEST_LENGTH];
	const char *digits;
	int			n;

	/* the first length + 1 digits suffice (see digest_to_base36_prefix) */
	WpSha3_512((const unsigned char *) input, len, digest);
	digits = digest_to_base36_prefix(digest, length + 1, buf, &ndigits);
	n = Min(length - 1, Max(ndigits - 2, 0));

	if (n > 0)
		memcpy(dst, digits + 2, n);
	return n;
}

/*
 * cuid2_state_init
 *		Create this process's generator state: a fresh random pool, the
 *		initial counter and the fingerprint.  Errors: randomness unavailable.
 */
static void
cuid2_state_init(void)
{
	char		source[256];
	char		host[64];
	char		buf[BASE36_DIGEST_BUFSIZE];
	const char *digits;
	int			ndigits;
	int			len;
	int			i;

	cuid2_state.owner_pid = 0;
	refill_random_pool();

	cuid2_state.counter = random_uint32_below(CUID2_INITIAL_COUNT_MAX);

	/*
	 * Fingerprint entropy: what tells this backend from others on this
	 * server (pid, start time) and on other servers (system identifier, host
	 * name), plus 32 random base36 characters as the reference uses.
	 */
	if (gethostname(host, sizeof(host)) != 0)
		host[0] = '\0';
	host[sizeof(host) - 1] = '\0';
	len = snprintf(source, sizeof(source) - CUID2_FINGERPRINT_LENGTH,
				   "%d:" INT64_FORMAT ":" UINT64_FORMAT ":%s:",
				   MyProcPid, (int64) MyStartTimestamp,
				   GetSystemIdentifier(), host);
	if (len < 0 || len >= (int) sizeof(source) - CUID2_FINGERPRINT_LENGTH)
		len = (int) strlen(source);
	for (i = 0; i < CUID2_FINGERPRINT_LENGTH; i++)
		source[len++] = random_base36_char();

	/* as the reference: hash(source), itself minus one digit, first 32 */
	digits = cuid2_hash_digits(source, len, buf, &ndigits);
	Assert(ndigits >= CUID2_FINGERPRINT_LENGTH + 1);
	for (i = 0; i < CUID2_FINGERPRINT_LENGTH; i++)
		cuid2_state.fingerprint[i] = (i + 1 < ndigits) ? digits[i + 1] : '0';

	cuid2_state.owner_pid = MyProcPid;
}

/*
 * check_length
 *		Raise 22023 unless length is an allowed id length.
 */
static void
check_length(int32 length)
{
	if (length < CUID2_MIN_LENGTH || length > CUID2_MAX_LENGTH)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid cuid2 length \"%d\"", length),
				 errhint("The length must be an integer from %d to %d.",
						 CUID2_MIN_LENGTH, CUID2_MAX_LENGTH)));
}

/*
 * is_lower_word
 *		True when the len bytes at p are minlen to maxlen characters of
 *		[a-z0-9] starting with a letter a-z: the shape of both a CUID2 id and
 *		an id prefix.
 */
static bool
is_lower_word(const char *p, int len, int minlen, int maxlen)
{
	int			i;

	if (len < minlen || len > maxlen)
		return false;
	if (p[0] < 'a' || p[0] > 'z')
		return false;
	for (i = 1; i < len; i++)
		if (!((p[i] >= 'a' && p[i] <= 'z') || (p[i] >= '0' && p[i] <= '9')))
			return false;
	return true;
}

/*
 * prefix_is_valid
 *		True when the len bytes at p are 1-16 characters of [a-z0-9]
 *		starting with a letter.
 */
static bool
prefix_is_valid(const char *p, int len)
{
	return is_lower_word(p, len, 1, CUID2_MAX_PREFIX_LENGTH);
}

/*
 * check_prefix
 *		Raise 22023 unless prefix (a text datum) is a valid id prefix.
 */
static void
check_prefix(text *prefix)
{
	if (!prefix_is_valid(VARDATA_ANY(prefix), VARSIZE_ANY_EXHDR(prefix)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid cuid2 prefix \"%s\"", WpMessageTextDatum(PointerGetDatum(prefix))),
				 errhint("A prefix is 1 to %d characters of a-z and 0-9 and starts with a letter a-z.",
						 CUID2_MAX_PREFIX_LENGTH)));
}

/*
 * id_is_valid
 *		The reference's isCuid: 2 to 32 characters matching ^[a-z][0-9a-z]+$.
 */
static bool
id_is_valid(const char *p, int len)
{
	return is_lower_word(p, len, CUID2_MIN_LENGTH, CUID2_MAX_LENGTH);
}

PG_FUNCTION_INFO_V1(wp_cuid2);

/*
 * wp_cuid2(prefix text, length integer) -> text
 *		SQL workshoppilot.cuid2: a new CUID2 id of `length` characters, as
 *		prefix || '_' || id when prefix is not NULL.  Not STRICT: a NULL
 *		prefix means no prefix.  Errors (22023): length NULL or outside
 *		2..32, malformed prefix; (XX000) randomness unavailable.
 */
Datum
wp_cuid2(PG_FUNCTION_ARGS)
{
	text	   *prefix = NULL;
	int			prefix_len = 0;
	int32		length;
	char		input[CUID2_MAX_INPUT_LENGTH];
	int			input_len;
	int64		now_ms;
	text	   *result;
	char	   *out;
	int			body_len;
	int			i;

	if (PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cuid2 length must not be null"),
				 errhint("Pass an integer from %d to %d, or omit the argument for the default of 24.",
						 CUID2_MIN_LENGTH, CUID2_MAX_LENGTH)));
	length = PG_GETARG_INT32(1);
	check_length(length);
	if (!PG_ARGISNULL(0))
	{
		prefix = PG_GETARG_TEXT_PP(0);
		check_prefix(prefix);
		prefix_len = VARSIZE_ANY_EXHDR(prefix);
	}

	if (unlikely(cuid2_state.owner_pid != MyProcPid))
		cuid2_state_init();

	result = (text *) palloc(VARHDRSZ + prefix_len + 1 + length);
	out = VARDATA(result);
	if (prefix != NULL)
	{
		memcpy(out, VARDATA_ANY(prefix), prefix_len);
		out += prefix_len;
		*out++ = '_';
	}
	*out++ = random_letter();

	/* hash input: time in ms, salt, counter, fingerprint (all base36) */
	now_ms = GetCurrentTimestamp() / 1000 +
		(int64) (POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * SECS_PER_DAY * 1000;
	input_len = append_base36_uint64(input, (uint64) now_ms);
	for (i = 0; i < length; i++)
		input[input_len++] = random_base36_char();
	input_len += append_base36_uint64(input + input_len, cuid2_state.counter++);
	memcpy(input + input_len, cuid2_state.fingerprint, CUID2_FINGERPRINT_LENGTH);
	input_len += CUID2_FINGERPRINT_LENGTH;

	body_len = cuid2_body(input, input_len, length, out);
	SET_VARSIZE(result, VARHDRSZ + prefix_len + (prefix ? 1 : 0) + 1 + body_len);
	PG_RETURN_TEXT_P(result);
}

PG_FUNCTION_INFO_V1(wp_cuid2_digest);

/*
 * wp_cuid2_digest(input text, length integer) -> text
 *		SQL workshoppilot.cuid2_digest: the length - 1 body characters that
 *		CUID2 derives from the hash input `input` (its UTF-8 bytes).
 *		IMMUTABLE STRICT.  Errors (22023): length outside 2..32; input not
 *		convertible to UTF-8 (the conversion's own error).
 */
Datum
wp_cuid2_digest(PG_FUNCTION_ARGS)
{
	text	   *input = PG_GETARG_TEXT_PP(0);
	int32		length = PG_GETARG_INT32(1);
	int			len = VARSIZE_ANY_EXHDR(input);
	const char *bytes;
	text	   *result;
	int			body_len;

	check_length(length);

	/* the reference hashes UTF-8; convert unless the database is UTF-8 */
	bytes = pg_server_to_any(VARDATA_ANY(input), len, PG_UTF8);
	if (bytes != VARDATA_ANY(input))
		len = strlen(bytes);

	result = (text *) palloc(VARHDRSZ + length - 1);
	body_len = cuid2_body(bytes, len, length, VARDATA(result));
	SET_VARSIZE(result, VARHDRSZ + body_len);
	PG_RETURN_TEXT_P(result);
}

PG_FUNCTION_INFO_V1(wp_is_cuid2);

/*
 * wp_is_cuid2(value text) -> boolean
 *		SQL workshoppilot.is_cuid2: true exactly when the reference's isCuid
 *		would be: 2 to 32 characters matching ^[a-z][0-9a-z]+$.
 *		IMMUTABLE STRICT; no errors.
 */
Datum
wp_is_cuid2(PG_FUNCTION_ARGS)
{
	text	   *value = PG_GETARG_TEXT_PP(0);

	PG_RETURN_BOOL(id_is_valid(VARDATA_ANY(value), VARSIZE_ANY_EXHDR(value)));
}

PG_FUNCTION_INFO_V1(wp_is_cuid2_prefixed);

/*
 * wp_is_cuid2_prefixed(value text, prefix text) -> boolean
 *		SQL workshoppilot.is_cuid2(value, prefix): true exactly when value is
 *		prefix || '_' || id with is_cuid2(id).  IMMUTABLE STRICT.
 *		Errors (22023): malformed prefix (the same rule as cuid2()).
 */
Datum
wp_is_cuid2_prefixed(PG_FUNCTION_ARGS)
{
	text	   *value = PG_GETARG_TEXT_PP(0);
	text	   *prefix = PG_GETARG_TEXT_PP(1);
	const char *v = VARDATA_ANY(value);
	int			vlen = VARSIZE_ANY_EXHDR(value);
	int			plen = VARSIZE_ANY_EXHDR(prefix);

	check_prefix(prefix);
	if (vlen <= plen || memcmp(v, VARDATA_ANY(prefix), plen) != 0 ||
		v[plen] != '_')
		PG_RETURN_BOOL(false);
	PG_RETURN_BOOL(id_is_valid(v + plen + 1, vlen - plen - 1));
}
