/*-------------------------------------------------------------------------
 *
 * seal.h
 *	  Sealed draws: the entry digest, the seal, and the order of a sealed
 *	  draw's tickets from its public beacon.
 *
 *-------------------------------------------------------------------------
 */
#ifndef PROMO_DRAW_SEAL_H
#define PROMO_DRAW_SEAL_H

#include "postgres.h"

#include "utils/numeric.h"
#include "utils/uuid.h"

#include "barrier.h"
#include "draw.h"

typedef struct SealedSort SealedSort;

extern void SealDraw(DrawState *draw, uint8 *digest);
extern void CheckSealedDrawable(DrawState *draw);
extern SealedSort *SealedSortBegin(DrawState *draw, Prize *prizes, int nprizes,
								   int sort_mem, bool check_digest, int part, int parts,
								   int64 *participants, Numeric *tickets_total);
extern bool SealedSortNext(void *source, pg_uuid_t *ticket, int64 *customer_id,
						   int32 *rank);
extern void SealedSortEnd(SealedSort *ss);

#endif							/* PROMO_DRAW_SEAL_H */
