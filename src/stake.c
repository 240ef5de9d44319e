/*-------------------------------------------------------------------------
 *
 * stake.c
 *	  Stake rules: record_stake and record_stakes turn a live feed of bets
 *	  into tickets.
 *
 * Every counted bet adds to the customer's exact (numeric) stake in the
 * draw; each time the stake crosses another stake_per_ticket the customer
 * earns a ticket, made with the committed formula and numbered after the
 * customer's existing ones, up to max_tickets_per_customer.  A bet counts
 * when its time is inside [opens_at, closes_at) and it is at least
 * min_stake; otherwise it is a normal part of a stream and returns 0.
 *
 * Delivery is at least once: each ingest partition's last applied source
 * offset is kept in partition_mark, and a bet at or below it changes
 * nothing.  The batch form applies a batch exactly as the single calls
 * would in order, with one barrier lock, one read of the draw and one
 * update of the partition's offset.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"

#include "draw.h"
#include "money.h"
#include "promo_draw.h"
#include "row_access.h"
#include "entry.h"

/* One bet of a stream. */
typedef struct Bet
{
	int64		customer_id;
	Numeric		amount;
	TimestampTz at;
	bool		has_offset;
	int64		source_offset;
	bool		counts;			/* in the window, big enough, not a repeat */
	int64		issued;			/* tickets it brought */
} Bet;

/* The columns of promo_draw.partition_mark. */
typedef enum MarkColumn
{
	MC_DRAW_ID,
	MC_PARTITION,
	MC_LAST_OFFSET,
	MC_CLOSED_AT,
	MC_COUNT
} MarkColumn;

static const char *const mark_column_names[MC_COUNT] = {
	"draw_id", "partition", "last_offset", "closed_at"
};
static Oid	mark_columns_relid = InvalidOid;
static AttrNumber mark_columns[MC_COUNT];

/* Raise an error unless the draw turns stakes into tickets. */
static inline void
CheckStakeRule(DrawState *draw)
{
	if (draw->stake_per_ticket == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_PD_NO_STAKE_RULE),
				 errmsg("draw %lld has no stake rule", (long long) draw->draw_id),
				 errdetail("It was created without stake_per_ticket, so its tickets are only awarded."),
				 errhint("Use award_tickets() for this draw, or create one with stake_per_ticket.")));
}

/* Does a bet count: inside [opens_at, closes_at) and at least min_stake? */
static inline bool
BetInWindow(DrawState *draw, Bet *bet)
{
	return bet->at >= draw->opens_at && bet->at < draw->closes_at &&
		MoneyCmp(bet->amount, draw->min_stake) >= 0;
}

/*
 * Offsets of a stream run from 0 to OFFSET_LIMIT, and a bet's offset is at
 * most OFFSET_MAX_JUMP past its partition's last one: a wild offset would
 * otherwise make every later bet of the partition a repeat, silently.
 */
#define OFFSET_LIMIT		(INT64CONST(1) << 62)
#define OFFSET_MAX_JUMP		INT64CONST(1000000000)

/* Refuse (22023) an offset out of range, or too far past the last one. */
static void
CheckOffset(DrawState *draw, int32 partition, int64 offset, bool has_last, int64 last)
{
	if (offset < 0 || offset >= OFFSET_LIMIT)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("source_offset %lld is out of range", (long long) offset),
				 errdetail("Offsets run from 0 to 2^62 - 1.")));
	if (has_last && offset > last && offset - last > OFFSET_MAX_JUMP)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("source_offset %lld is too far past the last offset of partition %d of draw %lld",
						(long long) offset, partition, (long long) draw->draw_id),
				 errdetail("The last offset is %lld; an offset may be at most %lld past it.",
						   (long long) last, (long long) OFFSET_MAX_JUMP),
				 errhint("Nothing of the batch was applied.  A jump this far is an error of the feed: otherwise every bet of the partition up to that offset would be taken as a repeat.")));
}

/*
 * Decide which bets of a stream count: not repeats of bets already applied
 * from their partition, inside the draw's window, big enough.  Refuses bets
 * from a closed partition.  With offsets, the partition's mark moves past
 * the last one, written once: if another batch of the same partition moved
 * it first, the update waits for that batch, and the decisions are made
 * again on the newer offset.
 */
static void
DecideBets(DrawState *draw, int32 partition, Bet *bets, int nbets, bool any_offset)
{
	Datum		key[2] = {Int64GetDatum(draw->draw_id), Int32GetDatum(partition)};
	RowAccess  *ra;
	bool		lock = false;

	CheckPartitionNumber(draw, partition);
	if (!any_offset && draw->partitions == 0)
	{
		/* no barrier, no offsets: nothing to read */
		for (int i = 0; i < nbets; i++)
			bets[i].counts = BetInWindow(draw, &bets[i]);
		return;
	}

	ra = RowAccessOpen("partition_mark", any_offset);
	RowColumns(ra, mark_column_names, MC_COUNT, MC_COUNT, &mark_columns_relid, mark_columns);
	for (;;)
	{
		TupleTableSlot *next;
		bool		isnull;
		bool		has_offset;
		int64		last_offset;
		bool		moved = false;
		Datum		d;

		if (!RowFind(ra, key, lock))
		{
			if (!any_offset)
			{
				/* a draw with partitions always has their marks */
				for (int i = 0; i < nbets; i++)
					bets[i].counts = BetInWindow(draw, &bets[i]);
				break;
			}
			/* the first offset of a partition of a draw without partitions */
			next = RowStart(ra, false);
			next->tts_values[mark_columns[MC_DRAW_ID] - 1] = key[0];
			next->tts_isnull[mark_columns[MC_DRAW_ID] - 1] = false;
			next->tts_values[mark_columns[MC_PARTITION] - 1] = key[1];
			next->tts_isnull[mark_columns[MC_PARTITION] - 1] = false;
			lock = !RowInsert(ra);	/* lost the race: wait for the winner */
			continue;
		}

		d = RowGet(ra, mark_columns[MC_CLOSED_AT], &isnull);
		if (!isnull)
			ReportPartitionClosed(draw, partition, DatumGetTimestampTz(d));
		d = RowGet(ra, mark_columns[MC_LAST_OFFSET], &isnull);
		has_offset = !isnull;
		last_offset = isnull ? 0 : DatumGetInt64(d);

		for (int i = 0; i < nbets; i++)
		{
			Bet		   *bet = &bets[i];
			bool		repeat = false;

			if (bet->has_offset)
			{
				CheckOffset(draw, partition, bet->source_offset, has_offset, last_offset);
				repeat = has_offset && bet->source_offset <= last_offset;
				if (!repeat)
				{
					has_offset = true;
					last_offset = bet->source_offset;
					moved = true;
				}
			}
			bet->counts = !repeat && BetInWindow(draw, bet);
		}
		if (!moved)
			break;

		next = RowStart(ra, true);
		next->tts_values[mark_columns[MC_LAST_OFFSET] - 1] = Int64GetDatum(last_offset);
		next->tts_isnull[mark_columns[MC_LAST_OFFSET] - 1] = false;
		if (RowUpdate(ra))
			break;
		lock = false;
		CHECK_FOR_INTERRUPTS();
	}
	RowAccessClose(ra);
}


/*
 * Add one bet's stake to an entry and issue the tickets it crossed:
 * floor(stake / stake_per_ticket) minus those already issued from stake,
 * within max_tickets_per_customer.  Stake keeps adding up past the cap.
 */
static void
StakeChange(DrawState *draw, Entry *entry, void *arg)
{
	Bet		   *bet = (Bet *) arg;
	int64		due;

	entry->stake = numeric_add_opt_error(entry->stake, bet->amount, NULL);
	entry->changed = true;
	due = StakeTickets(entry->stake, draw->stake_per_ticket) - entry->stake_tickets;
	bet->issued = 0;
	if (due > 0)
	{
		bet->issued = EntryIssue(draw, entry, due);
		entry->stake_tickets += bet->issued;
	}
}

/*
 * Apply the counted bets of a stream.  They are applied customer by
 * customer, each customer's bets in stream order: every bet's result is the
 * one the single calls in order would give, and concurrent streams lock
 * entries in the same order, so they cannot deadlock.
 */
static int64
ApplyBets(DrawState *draw, Bet *bets, int nbets)
{
	Bet		  **counted = palloc(sizeof(Bet *) * Max(nbets, 1));
	int64	   *customers = palloc(sizeof(int64) * Max(nbets, 1));
	int		   *order;
	int			n = 0;
	int64		issued = 0;
	Entries	   *entries;
	MemoryContext betcxt;

	for (int i = 0; i < nbets; i++)
		if (bets[i].counts)
		{
			customers[n] = bets[i].customer_id;
			counted[n++] = &bets[i];
		}
	order = CustomerOrder(customers, n);

	entries = EntriesOpen(draw);
	betcxt = AllocSetContextCreate(CurrentMemoryContext, "promo_draw bet",
								   ALLOCSET_DEFAULT_SIZES);
	for (int i = 0; i < n; i++)
	{
		MemoryContext old = MemoryContextSwitchTo(betcxt);

		Bet		   *bet = counted[order[i]];

		EntryUpdate(entries, bet->customer_id, StakeChange, bet);
		issued += bet->issued;
		MemoryContextSwitchTo(old);
		MemoryContextReset(betcxt);
		CHECK_FOR_INTERRUPTS();
	}
	EntriesClose(entries);
	MemoryContextDelete(betcxt);
	pfree(order);
	pfree(customers);
	pfree(counted);
	return issued;
}

/*
 * The steps every stake call shares once its bets are read: the barrier,
 * the draw, the partition, repeats, the window, then the tickets.  Returns
 * the tickets issued.
 */
static int64
RecordStream(int64 draw_id, int32 partition, Bet *bets, int nbets)
{
	DrawState  *draw;
	bool		any_offset = false;
	int64		issued;

	for (int i = 0; i < nbets; i++)
		any_offset |= bets[i].has_offset;

	SPI_connect();
	draw = LockDraw(draw_id, LOCK_DRAW_INGEST);
	CheckDrawTakesTickets(draw);
	CheckStakeRule(draw);
	DecideBets(draw, partition, bets, nbets, any_offset);
	issued = ApplyBets(draw, bets, nbets);
	SPI_finish();
	return issued;
}

/*
 * record_stake(draw_id, customer_id, amount, at, partition, source_offset):
 * one bet.  Returns the tickets it brought.
 */
PG_FUNCTION_INFO_V1(record_stake);
Datum
record_stake(PG_FUNCTION_ARGS)
{
	Bet			bet;

	CHECK_ARG_NOT_NULL(fcinfo, 0, "draw_id");
	CHECK_ARG_NOT_NULL(fcinfo, 1, "customer_id");
	CHECK_ARG_NOT_NULL(fcinfo, 2, "amount");
	CHECK_ARG_NOT_NULL(fcinfo, 3, "at");
	CHECK_ARG_NOT_NULL(fcinfo, 4, "partition");

	memset(&bet, 0, sizeof(bet));
	bet.customer_id = PG_GETARG_INT64(1);
	bet.amount = PG_GETARG_NUMERIC(2);
	bet.at = PG_GETARG_TIMESTAMPTZ(3);
	bet.has_offset = !PG_ARGISNULL(5);
	bet.source_offset = bet.has_offset ? PG_GETARG_INT64(5) : 0;
	CheckAmount(bet.amount, "stake", true);

	PG_RETURN_INT64(RecordStream(PG_GETARG_INT64(0), PG_GETARG_INT32(4), &bet, 1));
}

/*
 * record_stakes(draw_id, customer_ids, amounts, ats, partition,
 * source_offsets): a batch of bets from one partition, with the same
 * results as single calls in order.  ats NULL means now() for every bet;
 * source_offsets NULL means no repeat detection.  Returns the tickets the
 * batch brought.  A bad bet anywhere rejects the whole batch.
 */
PG_FUNCTION_INFO_V1(record_stakes);
Datum
record_stakes(PG_FUNCTION_ARGS)
{
	Datum	   *customers;
	Datum	   *amounts;
	Datum	   *ats = NULL;
	Datum	   *offsets = NULL;
	int			n;
	int			namounts;
	int			nats;
	int			noffsets;
	Bet		   *bets;
	TimestampTz now = GetCurrentTransactionStartTimestamp();

	CHECK_ARG_NOT_NULL(fcinfo, 0, "draw_id");
	CHECK_ARG_NOT_NULL(fcinfo, 1, "customer_ids");
	CHECK_ARG_NOT_NULL(fcinfo, 2, "amounts");
	CHECK_ARG_NOT_NULL(fcinfo, 4, "partition");

	customers = ArrayArgument(fcinfo, 1, "customer_ids", INT8OID, &n);
	amounts = ArrayArgument(fcinfo, 2, "amounts", NUMERICOID, &namounts);
	if (!PG_ARGISNULL(3))
		ats = ArrayArgument(fcinfo, 3, "ats", TIMESTAMPTZOID, &nats);
	if (!PG_ARGISNULL(5))
		offsets = ArrayArgument(fcinfo, 5, "source_offsets", INT8OID, &noffsets);
	CheckBatchSize(n, "bets");
	if (namounts != n || (ats && nats != n) || (offsets && noffsets != n))
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("the arrays of a batch must have the same length"),
				 errdetail("customer_ids has %d elements, amounts %d, ats %d and source_offsets %d.",
						   n, namounts, ats ? nats : n, offsets ? noffsets : n)));

	bets = palloc0(sizeof(Bet) * Max(n, 1));
	for (int i = 0; i < n; i++)
	{
		bets[i].customer_id = DatumGetInt64(customers[i]);
		bets[i].amount = DatumGetNumeric(amounts[i]);
		bets[i].at = ats ? DatumGetTimestampTz(ats[i]) : now;
		bets[i].has_offset = offsets != NULL;
		bets[i].source_offset = offsets ? DatumGetInt64(offsets[i]) : 0;
		CheckAmount(bets[i].amount, "stake", true);
		if ((i & 0x3FFF) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	if (n == 0)
		PG_RETURN_INT64(0);

	PG_RETURN_INT64(RecordStream(PG_GETARG_INT64(0), PG_GETARG_INT32(4), bets, n));
}
