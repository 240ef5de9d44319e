/*-------------------------------------------------------------------------
 *
 * draw.h
 *	  A prize draw, for every file that works on one: its state and prize
 *	  table (draw_state.c), its ingest partitions (partition.c), the seal
 *	  of a sealed draw (seal.c) and the order of its tickets
 *	  (sealed_order.c), its eligibility function (eligibility.c), the run
 *	  (draw.c) and the shard side of a sharded draw (shard.c).
 *
 * Dependencies run one way: draw_state.c uses none of the others;
 * seal.c and eligibility.c use draw_state.c; sealed_order.c uses seal.c;
 * shard.c (the shard_* entry points) uses those; partition.c uses
 * draw_state.c, seal.c and shard.c (a shard leaves the seal to the proxy);
 * draw.c, the run, uses them all, and nothing uses draw.c.
 *
 *-------------------------------------------------------------------------
 */
#ifndef PROMO_DRAW_DRAW_H
#define PROMO_DRAW_DRAW_H

#include "postgres.h"

#include "datatype/timestamp.h"
#include "utils/numeric.h"
#include "utils/uuid.h"

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
	TimestampTz created_at;
	uint8		seed[DRAW_SEED_LEN];	/* zeros for a sealed draw */
	uint8		seed_hash[DRAW_DIGEST_LEN];	/* sha256(seed): zeros when sealed */
	bool		has_ref_key;	/* entries get references (from 0.4.0) */
	uint8		ref_key[DRAW_SEED_LEN];	/* the key of the entry references */
	bool		sealed;			/* a sealed draw (no seed) */
	char	   *beacon_source;
	bool		has_digest;		/* sealed: entry_digest is set */
	uint8		entry_digest[DRAW_DIGEST_LEN];
	TimestampTz sealed_at;
	bytea	   *beacon;			/* NULL until set_beacon() */
	bool		has_beacon_due; /* sealed from 0.4.0: beacon_due_at is set */
	TimestampTz beacon_due_at;
	int			digest_version; /* of entry_digest: 1, 2, or 0 if none */
	bool		has_prize_digest_column;	/* tables of 0.4.0: digests,
												 * references */
	bool		has_prize_digest;
	uint8		prize_digest[DRAW_DIGEST_LEN];
} DrawState;

/* A row of the prize table, with the units not yet given out. */
typedef struct Prize
{
	int64		prize_id;
	char	   *name;
	Numeric		value;
	Datum		payload;		/* jsonb */
	int32		quantity;
	int32		remaining;
} Prize;

/*
 * draw_state.c: locking and loading a draw.  The three heavyweight locks of
 * a draw are taken in this order by LockDraw (see draw_state.c).
 */
#define LOCK_DRAW_INGEST	0x01	/* the barrier, shared: ingest */
#define LOCK_DRAW_RUNNER	0x02	/* the runner lock: one runner per draw */
#define LOCK_DRAW_NOWAIT	0x04	/* with RUNNER: NULL if another holds it */
#define LOCK_DRAW_BARRIER	0x08	/* the barrier, exclusive: ingest drained */
#define LOCK_DRAW_ROW		0x10	/* the draw's row, FOR NO KEY UPDATE */

extern DrawState *LockDraw(int64 draw_id, int flags);
extern DrawState *LoadDraw(int64 draw_id, bool for_update);
extern Prize *LoadPrizes(int64 draw_id, int *nprizes);
extern TimestampTz DrawClock(void);
extern bool DrawIsReady(DrawState *draw);
extern void CheckDrawTakesTickets(DrawState *draw);
extern void CheckDrawNotFinished(DrawState *draw);
extern void CheckDrawNotSealed(DrawState *draw);
extern char *DrawNotReadyDetail(DrawState *draw);
extern void ReportDrawNotReady(DrawState *draw);
extern char *DigestHex(const uint8 *digest);

/* partition.c: ingest partitions and their barrier */
extern void CheckPartitionNumber(DrawState *draw, int32 partition);
extern void CheckPartitionOpen(DrawState *draw, int32 partition);
extern void ReportPartitionClosed(DrawState *draw, int32 partition,
								  TimestampTz closed_at);

/* seal.c: the seal of a sealed draw and its entry digest */
typedef void (*SealedEntryFn) (void *arg, int64 customer_id, int64 tickets,
							   const pg_uuid_t *ref);

extern void SealDraw(DrawState *draw, uint8 *digest);
extern void CheckDrawSealed(DrawState *draw);
extern void CheckSealedDrawable(DrawState *draw);
extern void ScanSealedEntries(DrawState *draw, Prize *prizes, int nprizes,
							  SealedEntryFn fn, void *arg, uint8 *digest);
extern TimestampTz RecordSeal(DrawState *draw, bytea *digest, int version);
extern void CheckSealInTime(DrawState *draw);
extern int	SealDigestVersion(DrawState *draw);
extern void SealInit(void);

/* sealed_order.c: the order of a sealed draw's tickets, from its beacon */
typedef struct SealedSort SealedSort;

extern SealedSort *SealedSortBegin(DrawState *draw, Prize *prizes, int nprizes,
								   int sort_mem, bool check_digest, int part, int parts,
								   int64 *participants, Numeric *tickets_total);
extern bool SealedSortNext(void *source, pg_uuid_t *ticket, int64 *customer_id,
						   int32 *rank, pg_uuid_t *ref);
extern void SealedSortLast(SealedSort *ss, double *key, int64 *tickets);
extern void SealedSortEnd(SealedSort *ss);

/*
 * prize_walk.c: the walk of a draw's tickets, best first, against its
 * prizes, most valuable first.  A node's run_draw and a proxy's run_draw
 * both walk with it; each says what to do with what the walk finds.
 */
typedef bool (*NextTicket) (void *source, pg_uuid_t *ticket, int64 *customer_id,
							int32 *rank, pg_uuid_t *ref);

typedef struct PrizeWalk
{
	Prize	   *prizes;			/* most valuable first; remaining counts down */
	int			nprizes;
	int32		max_wins;		/* prizes a customer may win */
	bool		ask;			/* ask eligible() before a customer's first prize */
	bool		by_ref;			/* entries have references: pass them on */
	bool		repeats;		/* a ticket equal to the one before is ignored */
	/* whether a customer is eligible, asked once per customer at most */
	bool		(*eligible) (void *arg, int64 customer_id);
	/* a prize won (outcome "won"), or "ineligible" with prize NULL */
	void		(*result) (void *arg, int64 place, int64 customer_id, const pg_uuid_t *ref,
						   pg_uuid_t *ticket, Prize *prize, const char *outcome);
	/* the consolation of a customer who won nothing, at their best ticket */
	void		(*console) (void *arg, int64 place, int64 customer_id, const pg_uuid_t *ref,
							pg_uuid_t *ticket);
	void	   *arg;
} PrizeWalk;

extern void WalkTickets(PrizeWalk *walk, NextTicket next, void *source);
extern void WalkTicketFromRow(const Datum *values, const bool *nulls, pg_uuid_t *ticket,
							  int64 *customer_id, int32 *rank, pg_uuid_t *ref);

/* eligibility.c: a draw's eligibility function, asked in a sandbox */
typedef struct Eligibility Eligibility;

extern Eligibility *EligibilityPrepare(DrawState *draw);
extern bool EligibilityAsk(Eligibility *eligibility, int64 customer_id);

/* shard.c: whether this database is a shard of a sharded deployment */
extern bool DatabaseIsShard(void);
extern void CheckNotShard(const char *what);

#endif							/* PROMO_DRAW_DRAW_H */
