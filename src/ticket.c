/*-------------------------------------------------------------------------
 *
 * ticket.c
 *	  Ticket values and entry references, and ordered lists of best
 *	  tickets.
 *
 * Every place that keeps "the best k tickets" (the best_tickets aggregate,
 * a customer's entries) shares these helpers, so that they agree on order and
 * on what counts as a repeat.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "common/hmac.h"
#include "fmgr.h"
#include "port/pg_bswap.h"
#include "utils/builtins.h"

#include "draw.h"
#include "ticket.h"

/*
 * new_seed(): 32 bytes from pg_strong_random() for a new draw.  There is no
 * fallback: if the strong source fails, so does the draw's creation.
 */
PG_FUNCTION_INFO_V1(new_seed);
Datum
new_seed(PG_FUNCTION_ARGS)
{
	bytea	   *seed = palloc(VARHDRSZ + DRAW_SEED_LEN);

	SET_VARSIZE(seed, VARHDRSZ + DRAW_SEED_LEN);
	if (!pg_strong_random(VARDATA(seed), DRAW_SEED_LEN))
		ereport(ERROR,
				(errcode(ERRCODE_INTERNAL_ERROR),
				 errmsg("could not generate a random seed"),
				 errdetail("pg_strong_random() failed; promo_draw never falls back to a weaker source.")));
	PG_RETURN_BYTEA_P(seed);
}

/* Write v into buf as int8send() would: 8 bytes, big-endian. */
static inline void
PutInt8(uint8 *buf, int64 v)
{
	uint64		be = pg_hton64((uint64) v);

	memcpy(buf, &be, sizeof(be));
}

/*
 * A customer's entry reference in a draw: the first 16 bytes of
 * HMAC-SHA256(key = the draw's ref_key, message = int8send(draw) ||
 * int8send(customer)).  The key is never published, so nobody but the
 * operator and the customer, who is told, can link the reference to the
 * customer.
 */
void
EntryRef(const uint8 *ref_key, int64 draw_id, int64 customer_id, pg_uuid_t *ref)
{
	pg_hmac_ctx *hmac = pg_hmac_create(PG_SHA256);
	uint8		message[16];
	uint8		h[32];

	PutInt8(message, draw_id);
	PutInt8(message + 8, customer_id);
	if (hmac == NULL || pg_hmac_init(hmac, ref_key, DRAW_SEED_LEN) < 0 ||
		pg_hmac_update(hmac, message, sizeof(message)) < 0 ||
		pg_hmac_final(hmac, h, sizeof(h)) < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INTERNAL_ERROR),
				 errmsg("could not compute an entry reference")));
	pg_hmac_free(hmac);
	memcpy(ref->data, h, UUID_LEN);
}

/* Start making tickets of one customer in one draw. */
void
TicketMakerStart(TicketMaker *maker, const uint8 *seed, int64 draw_id,
				 int64 customer_id)
{
	maker->hmac = pg_hmac_create(PG_SHA256);
	if (maker->hmac == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_OUT_OF_MEMORY),
				 errmsg("out of memory")));
	maker->seed = seed;
	PutInt8(maker->message, draw_id);
	PutInt8(maker->message + 8, customer_id);
}

/* Switch a ticket maker to another customer of the same draw. */
void
TicketMakerSetCustomer(TicketMaker *maker, int64 customer_id)
{
	PutInt8(maker->message + 8, customer_id);
}

/* Report a failure of the HMAC implementation. */
static void
TicketHmacFailed(TicketMaker *maker)
{
	ereport(ERROR,
			(errcode(ERRCODE_INTERNAL_ERROR),
			 errmsg("could not compute a ticket value: %s",
					pg_hmac_error(maker->hmac))));
}

/* Make ticket number n (1, 2, 3, ...) of the maker's customer. */
void
TicketMake(TicketMaker *maker, int64 number, pg_uuid_t *ticket)
{
	uint8		digest[32];

	PutInt8(maker->message + 16, number);
	if (pg_hmac_init(maker->hmac, maker->seed, DRAW_SEED_LEN) < 0 ||
		pg_hmac_update(maker->hmac, maker->message, sizeof(maker->message)) < 0 ||
		pg_hmac_final(maker->hmac, digest, sizeof(digest)) < 0)
		TicketHmacFailed(maker);
	memcpy(ticket->data, digest, UUID_LEN);
}

/* Release what the maker holds. */
void
TicketMakerEnd(TicketMaker *maker)
{
	pg_hmac_free(maker->hmac);
	maker->hmac = NULL;
}

/*
 * Offer a ticket to a best-first list of n distinct tickets bounded by k.
 * The list must have room for min(n + 1, k) entries.  Returns true when the
 * ticket was kept (possibly pushing the worst one out), false when it is not
 * better than the k held or is already held.
 */
bool
TicketListInsert(pg_uuid_t *list, int *n, int k, const pg_uuid_t *ticket)
{
	int			lo = 0;
	int			hi = *n;
	int			keep;

	Assert(*n <= k);
	if (*n == k && TicketCmp(ticket, &list[k - 1]) <= 0)
		return false;

	/* find the first position whose ticket is not better than this one */
	while (lo < hi)
	{
		int			mid = lo + (hi - lo) / 2;

		if (TicketCmp(&list[mid], ticket) > 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < *n && TicketCmp(&list[lo], ticket) == 0)
		return false;

	keep = (*n < k) ? *n : k - 1;
	if (keep > lo)
		memmove(&list[lo + 1], &list[lo], (keep - lo) * sizeof(pg_uuid_t));
	list[lo] = *ticket;
	if (*n < k)
		(*n)++;
	return true;
}

/*
 * Merge two best-first lists of distinct tickets into out, dropping repeats
 * and keeping at most k.  out must have room for min(na + nb, k) tickets and
 * must not overlap the inputs.  Returns the number of tickets written.
 */
int
TicketListMerge(const pg_uuid_t *a, int na, const pg_uuid_t *b, int nb,
				int k, pg_uuid_t *out)
{
	int			i = 0;
	int			j = 0;
	int			n = 0;

	while (n < k && (i < na || j < nb))
	{
		int			c;

		if (i >= na)
			c = -1;
		else if (j >= nb)
			c = 1;
		else
			c = TicketCmp(&a[i], &b[j]);

		if (c >= 0)
		{
			out[n++] = a[i++];
			if (c == 0)
				j++;
		}
		else
			out[n++] = b[j++];
	}
	return n;
}

/* Is the list strictly best first (and so free of repeats)? */
bool
TicketListIsOrdered(const pg_uuid_t *list, int n)
{
	for (int i = 1; i < n; i++)
	{
		if (TicketCmp(&list[i - 1], &list[i]) <= 0)
			return false;
	}
	return true;
}
