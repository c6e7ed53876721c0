/*
 * src/sha3.c
 *
 * SHA3-512 as specified in FIPS 202 (the Keccak-f[1600] permutation, the
 * sponge with rate 576 bits, domain padding 0x06 ... 0x80), written for this
 * extension: PostgreSQL offers no SHA-3 and workshoppilot links no library
 * besides PostgreSQL.  CUID2 (src/ids.c) hashes every id with it, so the
 * permutation is written for speed: the 25 lanes are 64-bit words, one round
 * is fully unrolled with constant lane indices and computes chi one plane at
 * a time (five rotated lanes live at once, so they stay in registers), two
 * rounds alternate between the state and a second array on the stack (no
 * lane is copied, no per-call allocation), and a CUID2 hash input of at most
 * 71 bytes costs a single permutation.
 *
 * Lane numbering follows FIPS 202: lane (x, y) is a[x + 5 * y], and the
 * state bytes map to lanes in little-endian order.  The file has no state.
 *
 * workshoppilot.sha3_512(bytea) exposes the hash to SQL so that the FIPS 202
 * known-answer tests run in the regression suite (sql/ids.sql).
 */
#include "postgres.h"

#include "fmgr.h"
#include "miscadmin.h"
#include "utils/builtins.h"

#include "sha3.h"
#include "workshoppilot.h"

/* SHA3-512 absorbs 72 bytes per permutation: 1600 - 2 * 512 bits. */
#define SHA3_512_RATE 72

/* Check for interrupts after this many absorbed blocks (about 72 kB). */
#define SHA3_BLOCKS_PER_INTERRUPT_CHECK 1024

#define ROL64(x, n) (((x) << (n)) | ((x) >> (64 - (n))))

/* Iota round constants of Keccak-f[1600] (FIPS 202, section 3.2.5). */
static const uint64 keccak_round_constants[24] = {
	UINT64CONST(0x0000000000000001), UINT64CONST(0x0000000000008082),
	UINT64CONST(0x800000000000808A), UINT64CONST(0x8000000080008000),
	UINT64CONST(0x000000000000808B), UINT64CONST(0x0000000080000001),
	UINT64CONST(0x8000000080008081), UINT64CONST(0x8000000000008009),
	UINT64CONST(0x000000000000008A), UINT64CONST(0x0000000000000088),
	UINT64CONST(0x0000000080008009), UINT64CONST(0x000000008000000A),
	UINT64CONST(0x000000008000808B), UINT64CONST(0x800000000000008B),
	UINT64CONST(0x8000000000008089), UINT64CONST(0x8000000000008003),
	UINT64CONST(0x8000000000008002), UINT64CONST(0x8000000000000080),
	UINT64CONST(0x000000000000800A), UINT64CONST(0x800000008000000A),
	UINT64CONST(0x8000000080008081), UINT64CONST(0x8000000000008080),
	UINT64CONST(0x0000000080000001), UINT64CONST(0x8000000080008008)
};

/*
 * KECCAK_CHI_PLANE, KECCAK_ROUND
 *		One round of Keccak-f[1600] from the lanes s[] into d[] (different
 *		arrays), with iota constant rc; KECCAK_CHI_PLANE writes the five
 *		lanes of plane y of d from the five b values of that plane.
 *
 * Theta, rho and pi are fused (b = rotated, moved lanes), then chi and
 * iota, one plane (five output lanes of one y) at a time: only five b values
 * are live at once, which keeps them in registers.  Pi moves lane (X, Y) to
 * (Y, 2X + 3Y), so output lane (x, y) of pi reads input lane
 * ((x + 3y) mod 5, x); the rotation of each b below is the rho offset of
 * that input lane.
 */
#define KECCAK_CHI_PLANE(d, y, x0, x1, x2, x3, x4) \
	do { \
		uint64		b0 = (x0); \
		uint64		b1 = (x1); \
		uint64		b2 = (x2); \
		uint64		b3 = (x3); \
		uint64		b4 = (x4); \
		\
		(d)[5 * (y) + 0] = b0 ^ (~b1 & b2); \
		(d)[5 * (y) + 1] = b1 ^ (~b2 & b3); \
		(d)[5 * (y) + 2] = b2 ^ (~b3 & b4); \
		(d)[5 * (y) + 3] = b3 ^ (~b4 & b0); \
		(d)[5 * (y) + 4] = b4 ^ (~b0 & b1); \
	} while (0)

#define KECCAK_ROUND(s, d, rc) \
	do { \
		uint64		c0 = (s)[0] ^ (s)[5] ^ (s)[10] ^ (s)[15] ^ (s)[20]; \
		uint64		c1 = (s)[1] ^ (s)[6] ^ (s)[11] ^ (s)[16] ^ (s)[21]; \
		uint64		c2 = (s)[2] ^ (s)[7] ^ (s)[12] ^ (s)[17] ^ (s)[22]; \
		uint64		c3 = (s)[3] ^ (s)[8] ^ (s)[13] ^ (s)[18] ^ (s)[23]; \
		uint64		c4 = (s)[4] ^ (s)[9] ^ (s)[14] ^ (s)[19] ^ (s)[24]; \
		uint64		d0 = c4 ^ ROL64(c1, 1); \
		uint64		d1 = c0 ^ ROL64(c2, 1); \
		uint64		d2 = c1 ^ ROL64(c3, 1); \
		uint64		d3 = c2 ^ ROL64(c4, 1); \
		uint64		d4 = c3 ^ ROL64(c0, 1); \
		\
		KECCAK_CHI_PLANE(d, 0, (s)[0] ^ d0, ROL64((s)[6] ^ d1, 44), \
						 ROL64((s)[12] ^ d2, 43), ROL64((s)[18] ^ d3, 21), \
						 ROL64((s)[24] ^ d4, 14)); \
		(d)[0] ^= (rc); \
		KECCAK_CHI_PLANE(d, 1, ROL64((s)[3] ^ d3, 28), ROL64((s)[9] ^ d4, 20), \
						 ROL64((s)[10] ^ d0, 3), ROL64((s)[16] ^ d1, 45), \
						 ROL64((s)[22] ^ d2, 61)); \
		KECCAK_CHI_PLANE(d, 2, ROL64((s)[1] ^ d1, 1), ROL64((s)[7] ^ d2, 6), \
						 ROL64((s)[13] ^ d3, 25), ROL64((s)[19] ^ d4, 8), \
						 ROL64((s)[20] ^ d0, 18)); \
		KECCAK_CHI_PLANE(d, 3, ROL64((s)[4] ^ d4, 27), ROL64((s)[5] ^ d0, 36), \
						 ROL64((s)[11] ^ d1, 10), ROL64((s)[17] ^ d2, 15), \
						 ROL64((s)[23] ^ d3, 56)); \
		KECCAK_CHI_PLANE(d, 4, ROL64((s)[2] ^ d2, 62), ROL64((s)[8] ^ d3, 55), \
						 ROL64((s)[14] ^ d4, 39), ROL64((s)[15] ^ d0, 41), \
						 ROL64((s)[21] ^ d1, 2)); \
	} while (0)

/*
 * keccak_f1600
 *		Apply the 24-round Keccak-f[1600] permutation to the state in place:
 *		two rounds per iteration, a -> e -> a, so no lane is copied.
 */
static void
keccak_f1600(uint64 a[25])
{
	uint64		e[25];
	int			round;

	for (round = 0; round < 24; round += 2)
	{
		KECCAK_ROUND(a, e, keccak_round_constants[round]);
		KECCAK_ROUND(e, a, keccak_round_constants[round + 1]);
	}
}

/*
 * load_lane_le
 *		The 64-bit lane stored little-endian at p (any alignment).
 */
static inline uint64
load_lane_le(const unsigned char *p)
{
	return (uint64) p[0] | ((uint64) p[1] << 8) | ((uint64) p[2] << 16) |
		((uint64) p[3] << 24) | ((uint64) p[4] << 32) |
		((uint64) p[5] << 40) | ((uint64) p[6] << 48) |
		((uint64) p[7] << 56);
}

/*
 * WpSha3_512
 *		Write the SHA3-512 digest of len bytes at data into digest (64 bytes).
 *
 * Any length is accepted (the caller bounds it, e.g. by MaxAllocSize); long
 * inputs check for interrupts every SHA3_BLOCKS_PER_INTERRUPT_CHECK blocks.
 * Raises no errors other than a query cancel.
 */
void
WpSha3_512(const unsigned char *data, Size len,
		   unsigned char digest[WP_SHA3_512_DIGEST_LENGTH])
{
	uint64		a[25];
	unsigned char last[SHA3_512_RATE];
	Size		blocks = 0;
	int			i;

	memset(a, 0, sizeof(a));

	/* absorb every full block */
	while (len >= SHA3_512_RATE)
	{
		for (i = 0; i < SHA3_512_RATE / 8; i++)
			a[i] ^= load_lane_le(data + 8 * i);
		keccak_f1600(a);
		data += SHA3_512_RATE;
		len -= SHA3_512_RATE;
		if (++blocks % SHA3_BLOCKS_PER_INTERRUPT_CHECK == 0)
			CHECK_FOR_INTERRUPTS();
	}

	/* last, partial block with the SHA-3 domain bits 01, pad10*1 */
	memset(last, 0, sizeof(last));
	if (len > 0)
		memcpy(last, data, len);
	last[len] = 0x06;
	last[SHA3_512_RATE - 1] |= 0x80;
	for (i = 0; i < SHA3_512_RATE / 8; i++)
		a[i] ^= load_lane_le(last + 8 * i);
	keccak_f1600(a);

	/* squeeze: the digest is the first 64 state bytes, lanes little-endian */
	for (i = 0; i < WP_SHA3_512_DIGEST_LENGTH; i++)
		digest[i] = (unsigned char) (a[i / 8] >> (8 * (i % 8)));
}

PG_FUNCTION_INFO_V1(wp_sha3_512);

/*
 * wp_sha3_512(data bytea) -> bytea
 *		SQL workshoppilot.sha3_512: the 64-byte SHA3-512 digest of data.
 *		IMMUTABLE STRICT; raises no errors of its own.
 */
Datum
wp_sha3_512(PG_FUNCTION_ARGS)
{
	bytea	   *data = PG_GETARG_BYTEA_PP(0);
	bytea	   *result = (bytea *) palloc(VARHDRSZ + WP_SHA3_512_DIGEST_LENGTH);

	WpSha3_512((const unsigned char *) VARDATA_ANY(data),
			   VARSIZE_ANY_EXHDR(data),
			   (unsigned char *) VARDATA(result));
	SET_VARSIZE(result, VARHDRSZ + WP_SHA3_512_DIGEST_LENGTH);
	PG_RETURN_BYTEA_P(result);
}
