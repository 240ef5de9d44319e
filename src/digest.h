/*-------------------------------------------------------------------------
 *
 * digest.h
 *	  The serialisations a draw's digests hash (doc/record-format.md):
 *	  the sealed entry digest, the digest of a seeded draw's entries, and
 *	  the prize digest of every draw.
 *
 *-------------------------------------------------------------------------
 */
#ifndef PROMO_DRAW_DIGEST_H
#define PROMO_DRAW_DIGEST_H

#include "postgres.h"

#include "common/cryptohash.h"

#include "draw.h"

/* headers of the serialisations, each hashed first */
#define DIGEST_SEALED_V1	"promo_draw sealed draw v1"
#define DIGEST_SEALED_V2	"promo_draw sealed draw v2"
#define DIGEST_SEEDED_V2	"promo_draw seeded draw v2"
#define DIGEST_PRIZES_V1	"promo_draw prizes v1"

typedef struct Digest
{
	pg_cryptohash_ctx *ctx;
} Digest;

extern void DigestStart(Digest *digest, const char *header);
extern void DigestBytes(Digest *digest, const void *data, size_t len);
extern void DigestInt8(Digest *digest, int64 v);
extern void DigestText(Digest *digest, const char *s);
extern void DigestPrizes(Digest *digest, Prize *prizes, int nprizes, bool payloads);
extern void SeededDigestStart(Digest *digest, int64 draw_id, const uint8 *seed_hash,
							  int32 max_wins, const char *default_prize,
							  const char *lose_message, const char *eligibility,
							  Prize *prizes, int nprizes);
extern void DigestEntry(Digest *digest, const pg_uuid_t *ref, int64 tickets, int n,
						const pg_uuid_t *best);
extern void DigestFinish(Digest *digest, uint8 *out);
extern int64 UnixMicros(TimestampTz t);
extern void PrizeDigest(DrawState *draw, Prize *prizes, int nprizes, uint8 *out);
extern void StorePrizeDigest(DrawState *draw);

#endif							/* PROMO_DRAW_DIGEST_H */
