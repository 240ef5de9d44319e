/*-------------------------------------------------------------------------
 *
 * prize_walk.c
 *	  The walk of a draw's tickets against its prizes.
 *
 * The tickets come best first; the prizes, most valuable first:
 *
 *	  - with repeats (seeded draws), a ticket equal to the one before it is
 *		ignored;
 *	  - while prizes remain, each ticket of an eligible customer who has won
 *		fewer than max_wins prizes takes the next prize;
 *	  - the eligibility of a customer is asked once, when a ticket of theirs
 *		would first take a prize; an ineligible customer gets one result,
 *		"ineligible", and the prize passes on;
 *	  - once the prizes are gone, each customer's best ticket (rank 1)
 *		brings them their consolation; so does a best ticket ignored as a
 *		repeat while prizes remained, if its customer won nothing after.
 *
 * A node's run_draw (draw.c) walks its own sorted tickets and writes what
 * the walk finds; a proxy's run_draw (promo_draw_proxy) orders every node's
 * tickets in a temporary table and walks them here too (proxy.c), asking
 * each customer's node whether the customer is eligible.  There is one
 * walk.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "miscadmin.h"
#include "utils/hsearch.h"

#include "draw.h"
#include "ticket.h"

/* What the walk knows of a customer it met while prizes remained. */
typedef struct CustomerMark
{
	int64		customer_id;	/* hash key */
	int32		wins;
	char		eligible;		/* '?' not asked, 'y' or 'n' */
	int64		pending_place;	/* best ticket ignored as a repeat: 0 if none */
	pg_uuid_t	pending_ticket;
	pg_uuid_t	ref;			/* the entry's reference, with by_ref */
} CustomerMark;

/* Find or add what the walk knows of a customer. */
static CustomerMark *
MarkCustomer(PrizeWalk *walk, HTAB *customers, int64 customer_id)
{
	bool		found;
	CustomerMark *mark = hash_search(customers, &customer_id, HASH_ENTER, &found);

	if (!found)
	{
		mark->wins = 0;
		mark->eligible = walk->ask ? '?' : 'y';
		mark->pending_place = 0;
	}
	return mark;
}

/* Move on to the next prize with some left, if the current one has none. */
static int
NextPrize(PrizeWalk *walk, int next)
{
	while (next < walk->nprizes && walk->prizes[next].remaining <= 0)
		next++;
	return next;
}

/*
 * Walk the tickets that next() gives from source against the prizes, as the
 * header of this file says, telling walk's callbacks what it finds.  The
 * memory kept is one mark per customer met while prizes remain.
 */
void
WalkTickets(PrizeWalk *walk, NextTicket next, void *source)
{
	HASHCTL		ctl;
	HTAB	   *customers;
	HASH_SEQ_STATUS seq;
	CustomerMark *mark;
	pg_uuid_t	previous;
	bool		have_previous = false;
	int64		place = 0;
	int			next_prize = NextPrize(walk, 0);
	pg_uuid_t	ticket;
	pg_uuid_t	ref_buf;
	const pg_uuid_t *ref = walk->by_ref ? &ref_buf : NULL;
	int64		customer_id;
	int32		rank;

	memset(&ctl, 0, sizeof(ctl));
	ctl.keysize = sizeof(int64);
	ctl.entrysize = sizeof(CustomerMark);
	ctl.hcxt = CurrentMemoryContext;
	customers = hash_create("promo_draw walk customers", 1024, &ctl,
							HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);

	while (next(source, &ticket, &customer_id, &rank, &ref_buf))
	{
		bool		repeat = walk->repeats && have_previous && TicketCmp(&ticket, &previous) == 0;
		Prize	   *prize;

		place++;
		previous = ticket;
		have_previous = true;
		if ((place & 0x3FF) == 0)
			CHECK_FOR_INTERRUPTS();

		if (next_prize >= walk->nprizes)
		{
			/* no prizes left: consolation at the customer's best ticket */
			if (rank == 1)
				walk->console(walk->arg, place, customer_id, ref, &ticket);
			continue;
		}

		mark = MarkCustomer(walk, customers, customer_id);
		if (repeat)
		{
			/* ignored; if it was their best, console them later if need be */
			if (rank == 1)
			{
				mark->pending_place = place;
				mark->pending_ticket = ticket;
				mark->ref = ref_buf;
			}
			continue;
		}
		if (mark->eligible == 'n' || mark->wins >= walk->max_wins)
			continue;
		if (mark->eligible == '?')
		{
			mark->eligible = walk->eligible(walk->arg, customer_id) ? 'y' : 'n';
			if (mark->eligible == 'n')
			{
				walk->result(walk->arg, place, customer_id, ref, &ticket, NULL, "ineligible");
				continue;
			}
		}

		prize = &walk->prizes[next_prize];
		walk->result(walk->arg, place, customer_id, ref, &ticket, prize, "won");
		mark->wins++;
		if (--prize->remaining == 0)
			next_prize = NextPrize(walk, next_prize + 1);
	}

	/*
	 * Customers whose best ticket was ignored as a repeat while prizes
	 * remained and who won nothing afterwards (and were not found
	 * ineligible): console them at that ticket.  Ticket values are HMAC
	 * outputs, so this is vanishingly rare.
	 */
	hash_seq_init(&seq, customers);
	while ((mark = hash_seq_search(&seq)) != NULL)
	{
		if (mark->pending_place > 0 && mark->wins == 0 && mark->eligible != 'n')
			walk->console(walk->arg, mark->pending_place, mark->customer_id,
						  walk->by_ref ? &mark->ref : NULL, &mark->pending_ticket);
	}
	hash_destroy(customers);
}

/*
 * A ticket of the walk from the first four columns of a row: ticket,
 * entry_ref (NULL before references), customer_id, rank.
 */
void
WalkTicketFromRow(const Datum *values, const bool *nulls, pg_uuid_t *ticket,
				  int64 *customer_id, int32 *rank, pg_uuid_t *ref)
{
	if (nulls[0] || nulls[2] || nulls[3])
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("a ticket of the walk has no value, customer or rank")));
	*ticket = *DatumGetUUIDP(values[0]);
	if (nulls[1])
		memset(ref, 0, sizeof(pg_uuid_t));
	else
		*ref = *DatumGetUUIDP(values[1]);
	*customer_id = DatumGetInt64(values[2]);
	*rank = DatumGetInt32(values[3]);
}
