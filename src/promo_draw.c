/*-------------------------------------------------------------------------
 *
 * promo_draw.c
 *	  Module entry point: PG_MODULE_MAGIC, _PG_init and the settings.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"
#include "utils/guc.h"

#include "promo_draw.h"

PG_MODULE_MAGIC;

void		_PG_init(void);

/*
 * Define the promo_draw.* settings and reserve the prefix, so that a
 * misspelt setting is reported instead of silently ignored.
 */
void
_PG_init(void)
{
	MarkGUCPrefixReserved("promo_draw");
}
