/*-------------------------------------------------------------------------
 *
 * wallet.h
 *	  A customer's entry in a draw: ticket count, stake and only the best
 *	  tickets, read and written under the entry's row lock.
 *
 *-------------------------------------------------------------------------
 */
#ifndef PROMO_DRAW_WALLET_H
#define PROMO_DRAW_WALLET_H

#include "postgres.h"

#include "utils/numeric.h"
#include "utils/uuid.h"

#include "barrier.h"

/* Most tickets issued to one customer in one call. */
#define WALLET_MAX_ISSUE 10000000

typedef struct Entry
{
	int64		customer_id;
	int64		tickets;
	Numeric		stake;
	int64		stake_tickets;	/* tickets issued from stake */
	int			nbest;
	pg_uuid_t  *best;			/* best first, room for the draw's max_wins */
	bool		opted_in;
	bool		changed;		/* needs writing */
} Entry;

/*
 * A change to an entry.  It may run more than once (when a concurrent
 * session creates the same entry first), each time on a fresh copy.
 */
typedef void (*WalletChange) (DrawState *draw, Entry *entry, void *arg);

/* The entries of one draw, open for changes. */
typedef struct Wallet
{
	DrawState  *draw;
	struct RowAccess *ra;
} Wallet;

extern Wallet *WalletOpen(DrawState *draw);
extern int64 WalletUpdate(Wallet *wallet, int64 customer_id,
						  WalletChange change, void *arg);
extern void WalletClose(Wallet *wallet);
extern int64 WalletIssue(DrawState *draw, Entry *entry, int64 n);
extern void CheckDrawOpenedForTickets(DrawState *draw);

#endif							/* PROMO_DRAW_WALLET_H */
