
/*
 * Shared by promo_draw and promo_draw_proxy, whose code_report and
 * redemption_report show codes the same way.
 *
 * Reports without secrets.  A single-use code (max_redemptions = 1, as
 * create_codes makes them) is a bearer secret until it is redeemed, and
 * again after a cancellation frees it: reports never show its last 12
 * characters (the random part create_codes adds, so a batch shows as its
 * prefix).  A shared code (unlimited, or a limit above 1) is announced to
 * customers anyway and is shown whole.
 */
CREATE FUNCTION promo_draw.code_label(code text, max_redemptions bigint) RETURNS text
	LANGUAGE sql IMMUTABLE PARALLEL SAFE
	RETURN CASE WHEN max_redemptions OPERATOR(pg_catalog.=) 1
	            THEN pg_catalog.left(code, GREATEST(pg_catalog.length(code) OPERATOR(pg_catalog.-) 12, 0))
	                 OPERATOR(pg_catalog.||) '************'
	            ELSE code END;
COMMENT ON FUNCTION promo_draw.code_label(text, bigint) IS
	'a promotion code as reports show it: whole for a shared code, without its last 12 characters for a single-use code';

