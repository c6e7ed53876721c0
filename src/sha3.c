/*
 * src/sha3.c
 *
 * SHA3-512 as specified in FIPS 202 (the Keccak-f[1600] permutation, the
 * sponge with rate 576 bits, domain padding 0x06 ... 0x80), written for this
 * extension: PostgreSQL offers no SHA-3 and workshoppilot links no library
 * besides PostgreSQL.  CUID2 (src/ids.c) hashes every id with it, so the
 * permutation is written for speed: the 25 lanes are 64-bit words, one round
 * is fully unrolled with constant lane indices (the compiler keeps the state
 * in registers and on the stack, no per-call allocation), and a CUID2 hash
 * input of at most 71 bytes costs a single permutation.
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
 * keccak_f1600
 *		Apply the 24-round Keccak-f[1600] permutation to the state in place.
 *
 * Each round is theta, rho and pi fused (b = rotated, moved lanes), then
 * chi and iota.  Pi moves lane (X, Y) to (Y, 2X + 3Y), so output lane
 * (x, y) of pi reads input lane ((x + 3y) mod 5, x); the rotation of each
 * line below is the rho offset of that input lane.
 */
static void
keccak_f1600(uint64 a[25])
{
	int			round;

	for (round = 0; round < 24; round++)
	{
		uint64		c0,
					c1,
					c2,
					c3,
					c4;
		uint64		d0,
					d1,
					d2,
					d3,
					d4;
		uint64		b00,
					b01,
					b02,
					b03,
					b04,
					b05,
					b06,
					b07,
					b08,
					b09,
					b10,
					b11,
					b12,
					b13,
					b14,
					b15,
					b16,
					b17,
					b18,
					b19,
					b20,
					b21,
					b22,
					b23,
					b24;

		/* theta: column parities */
		c0 = a[0] ^ a[5] ^ a[10] ^ a[15] ^ a[20];
		c1 = a[1] ^ a[6] ^ a[11] ^ a[16] ^ a[21];
		c2 = a[2] ^ a[7] ^ a[12] ^ a[17] ^ a[22];
		c3 = a[3] ^ a[8] ^ a[13] ^ a[18] ^ a[23];
		c4 = a[4] ^ a[9] ^ a[14] ^ a[19] ^ a[24];
		d0 = c4 ^ ROL64(c1, 1);
		d1 = c0 ^ ROL64(c2, 1);
		d2 = c1 ^ ROL64(c3, 1);
		d3 = c2 ^ ROL64(c4, 1);
		d4 = c3 ^ ROL64(c0, 1);

		/* theta applied, then rho (rotate) and pi (move) */
		b00 = a[0] ^ d0;
		b01 = ROL64(a[6] ^ d1, 44);
		b02 = ROL64(a[12] ^ d2, 43);
		b03 = ROL64(a[18] ^ d3, 21);
		b04 = ROL64(a[24] ^ d4, 14);
		b05 = ROL64(a[3] ^ d3, 28);
		b06 = ROL64(a[9] ^ d4, 20);
		b07 = ROL64(a[10] ^ d0, 3);
		b08 = ROL64(a[16] ^ d1, 45);
		b09 = ROL64(a[22] ^ d2, 61);
		b10 = ROL64(a[1] ^ d1, 1);
		b11 = ROL64(a[7] ^ d2, 6);
		b12 = ROL64(a[13] ^ d3, 25);
		b13 = ROL64(a[19] ^ d4, 8);
		b14 = ROL64(a[20] ^ d0, 18);
		b15 = ROL64(a[4] ^ d4, 27);
		b16 = ROL64(a[5] ^ d0, 36);
		b17 = ROL64(a[11] ^ d1, 10);
		b18 = ROL64(a[17] ^ d2, 15);
		b19 = ROL64(a[23] ^ d3, 56);
		b20 = ROL64(a[2] ^ d2, 62);
		b21 = ROL64(a[8] ^ d3, 55);
		b22 = ROL64(a[14] ^ d4, 39);
		b23 = ROL64(a[15] ^ d0, 41);
		b24 = ROL64(a[21] ^ d1, 2);

		/* chi, row by row */
		a[0] = b00 ^ (~b01 & b02);
		a[1] = b01 ^ (~b02 & b03);
		a[2] = b02 ^ (~b03 & b04);
		a[3] = b03 ^ (~b04 & b00);
		a[4] = b04 ^ (~b00 & b01);
		a[5] = b05 ^ (~b06 & b07);
		a[6] = b06 ^ (~b07 & b08);
		a[7] = b07 ^ (~b08 & b09);
		a[8] = b08 ^ (~b09 & b05);
		a[9] = b09 ^ (~b05 & b06);
		a[10] = b10 ^ (~b11 & b12);
		a[11] = b11 ^ (~b12 & b13);
		a[12] = b12 ^ (~b13 & b14);
		a[13] = b13 ^ (~b14 & b10);
		a[14] = b14 ^ (~b10 & b11);
		a[15] = b15 ^ (~b16 & b17);
		a[16] = b16 ^ (~b17 & b18);
		a[17] = b17 ^ (~b18 & b19);
		a[18] = b18 ^ (~b19 & b15);
		a[19] = b19 ^ (~b15 & b16);
		a[20] = b20 ^ (~b21 & b22);
		a[21] = b21 ^ (~b22 & b23);
		a[22] = b22 ^ (~b23 & b24);
		a[23] = b23 ^ (~b24 & b20);
		a[24] = b24 ^ (~b20 & b21);

		/* iota */
		a[0] ^= keccak_round_constants[round];
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
