/*-------------------------------------------------------------------------
 *
 * entry.h
 *	  A customer's entry in a draw: ticket count, stake and only the best
 *	  tickets, read and written under the entry's row lock.
 *
 *-------------------------------------------------------------------------
 */
#ifndef PROMO_DRAW_ENTRY_H
#define PROMO_DRAW_ENTRY_H

#include "postgres.h"

#include "utils/numeric.h"
#include "utils/uuid.h"

#include "draw.h"

/* Most tickets issued to one customer in one call. */
#define ENTRY_MAX_ISSUE 10000000

typedef struct Entry
{
	int64		customer_id;
	int64		tickets;
	Numeric		stake;
	int64		stake_tickets;	/* tickets issued from stake */
	int			nbest;
	pg_uuid_t  *best;			/* best first, room for the draw's max_wins */
	bool		opted_in;
	bool		has_ref;		/* ref is set (tables of 0.4.0) */
	pg_uuid_t	ref;			/* the entry's public reference */
	bool		changed;		/* needs writing */
} Entry;

/*
 * A change to an entry.  It may run more than once (when a concurrent
 * session creates the same entry first), each time on a fresh copy.
 */
typedef void (*EntryChange) (DrawState *draw, Entry *entry, void *arg);

/* The entries of one draw, open for changes. */
typedef struct Entries
{
	DrawState  *draw;
	struct RowAccess *ra;
	struct Outbox *outbox;		/* milestone messages, opened on the first */
	MemoryContext cxt;			/* where the entries were opened */
} Entries;

extern Entries *EntriesOpen(DrawState *draw);
extern int64 EntryUpdate(Entries *entries, int64 customer_id,
						  EntryChange change, void *arg);
extern void EntriesClose(Entries *entries);
extern int64 EntryIssue(DrawState *draw, Entry *entry, int64 n);
extern void CheckDrawOpenedForTickets(DrawState *draw);

#endif							/* PROMO_DRAW_ENTRY_H */
