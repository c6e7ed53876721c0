/*
 * src/sha3.h
 *
 * SHA3-512 (FIPS 202), implemented in src/sha3.c.  Used by src/ids.c for
 * CUID2; PostgreSQL has no SHA-3 and the extension links no other library.
 */
#ifndef WP_SHA3_H
#define WP_SHA3_H

/* Size in bytes of a SHA3-512 digest. */
#define WP_SHA3_512_DIGEST_LENGTH 64

extern void WpSha3_512(const unsigned char *data, Size len,
					   unsigned char digest[WP_SHA3_512_DIGEST_LENGTH]);

#endif							/* WP_SHA3_H */
