/*-------------------------------------------------------------------------
 *
 * ticket.h
 *	  Ticket values and the ordered lists of a customer's best tickets.
 *
 * A ticket is a uuid; "better" means greater in uuid (byte) order.  A list
 * of best tickets is kept best first, without repeats, and never longer than
 * its bound k.
 *
 *-------------------------------------------------------------------------
 */
#ifndef PROMO_DRAW_TICKET_H
#define PROMO_DRAW_TICKET_H

#include "postgres.h"

#include "common/hmac.h"
#include "utils/uuid.h"

/*
 * Makes the ticket values of one customer in one draw:
 * ticket n = first 16 bytes of HMAC-SHA256(key = seed,
 *            message = int8send(draw) || int8send(customer) || int8send(n)).
 */
typedef struct TicketMaker
{
	pg_hmac_ctx *hmac;
	const uint8 *seed;			/* DRAW_SEED_LEN bytes */
	uint8		message[24];
} TicketMaker;

/* Compare two tickets in uuid order: <0, 0, >0 as a is worse, equal, better. */
static inline int
TicketCmp(const pg_uuid_t *a, const pg_uuid_t *b)
{
	return memcmp(a->data, b->data, UUID_LEN);
}

extern void EntryRef(const uint8 *ref_key, int64 draw_id, int64 customer_id,
					 pg_uuid_t *ref);
extern void TicketMakerStart(TicketMaker *maker, const uint8 *seed,
							 int64 draw_id, int64 customer_id);
extern void TicketMakerSetCustomer(TicketMaker *maker, int64 customer_id);
extern void TicketMake(TicketMaker *maker, int64 number, pg_uuid_t *ticket);
extern void TicketMakerEnd(TicketMaker *maker);

extern bool TicketListInsert(pg_uuid_t *list, int *n, int k,
							 const pg_uuid_t *ticket);
extern int	TicketListMerge(const pg_uuid_t *a, int na,
							const pg_uuid_t *b, int nb,
							int k, pg_uuid_t *out);
extern bool TicketListIsOrdered(const pg_uuid_t *list, int n);

#endif							/* PROMO_DRAW_TICKET_H */
