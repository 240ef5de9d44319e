/*-------------------------------------------------------------------------
 *
 * ticket.c
 *	  Ticket values: ordered lists of best tickets.
 *
 * Every place that keeps "the best k tickets" (the best_tickets aggregate,
 * a customer's wallet) shares these helpers, so that they agree on order and
 * on what counts as a repeat.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "ticket.h"

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
