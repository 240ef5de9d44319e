/*-------------------------------------------------------------------------
 *
 * barrier.h
 *	  A draw's state and the barrier between ingest and the draw: which
 *	  draws take tickets, when a draw is ready, and the locks that order
 *	  award_tickets, record_stake, close_partition and run_draw.
 *
 *-------------------------------------------------------------------------
 */
#ifndef PROMO_DRAW_BARRIER_H
#define PROMO_DRAW_BARRIER_H

#include "postgres.h"

#include "datatype/timestamp.h"
#include "utils/numeric.h"

#define DRAW_SEED_LEN 32
#define DRAW_DIGEST_LEN 32

#define DRAW_OPEN		'o'
#define DRAW_SEALED		's'
#define DRAW_DRAWN		'd'
#define DRAW_CANCELLED	'c'

/* One draw's row, as read under the locks that protect it. */
typedef struct DrawState
{
	int64		draw_id;
	char		status;			/* DRAW_OPEN, DRAW_SEALED, DRAW_DRAWN or
								 * DRAW_CANCELLED */
	char	   *name;
	TimestampTz opens_at;
	TimestampTz closes_at;
	TimestampTz draw_at;
	bool		has_ready_at;	/* every partition has reported */
	TimestampTz ready_at;
	int32		partitions;		/* 0: ready at closes_at */
	int32		max_wins;
	Numeric		stake_per_ticket;	/* NULL: tickets are only pushed */
	Numeric		min_stake;
	int64		max_tickets;	/* 0: no cap */
	int32	   *milestones;		/* ascending, distinct */
	int			nmilestones;
	bool		requires_opt_in;
	Oid			eligibility;	/* InvalidOid: every customer is eligible */
	char	   *eligibility_identity;	/* its qualified name and arguments */
	Oid			created_by;		/* eligibility runs with this role's rights */
	char	   *default_prize;	/* NULL: customers who win nothing get lost */
	char	   *lose_message;
	uint8		seed[DRAW_SEED_LEN];	/* zeros for a sealed draw */
	bool		sealed;			/* a sealed draw (no seed) */
	char	   *beacon_source;
	bool		has_digest;		/* sealed: entry_digest is set */
	uint8		entry_digest[DRAW_DIGEST_LEN];
	TimestampTz sealed_at;
	bytea	   *beacon;			/* NULL until set_beacon() */
} DrawState;

extern void LockDrawIngest(int64 draw_id);
extern void LockDrawBarrier(int64 draw_id);
extern bool LockDrawRunner(int64 draw_id, bool nowait);

extern DrawState *LoadDraw(int64 draw_id, bool for_update);
extern TimestampTz DrawClock(void);
extern bool DrawIsReady(DrawState *draw);
extern void CheckDrawTakesTickets(DrawState *draw);
extern void CheckDrawNotFinished(DrawState *draw);
extern void CheckDrawNotSealed(DrawState *draw);
extern void CheckPartitionNumber(DrawState *draw, int32 partition);
extern void CheckPartitionOpen(DrawState *draw, int32 partition);
extern char *DrawNotReadyDetail(DrawState *draw);
extern void ReportDrawNotReady(DrawState *draw);
extern char *DigestHex(const uint8 *digest);
extern bool DatabaseIsShard(void);
extern void CheckNotShard(const char *what);

#endif							/* PROMO_DRAW_BARRIER_H */
