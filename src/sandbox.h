/*-------------------------------------------------------------------------
 *
 * sandbox.h
 *	  Calling code a user supplied (a draw's eligibility function) so that
 *	  it can neither use the caller's rights nor leave anything behind in
 *	  the caller's session.
 *
 *-------------------------------------------------------------------------
 */
#ifndef PROMO_DRAW_SANDBOX_H
#define PROMO_DRAW_SANDBOX_H

#include "postgres.h"

#include "fmgr.h"

/* One user function, made ready for sandboxed calls. */
typedef struct SandboxedFunction
{
	FmgrInfo	flinfo;
	Oid			role;			/* it runs with this role's rights */
	const char *what;			/* for errors: "the eligibility function of draw 7" */
	MemoryContext callcxt;		/* reset after every call */
} SandboxedFunction;

extern void SandboxInit(void);
extern void SandboxPrepare(SandboxedFunction *fn, Oid fn_oid, Oid role, const char *what);
extern Datum SandboxCall1(SandboxedFunction *fn, Datum arg, bool *isnull);

#endif							/* PROMO_DRAW_SANDBOX_H */
