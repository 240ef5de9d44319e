/*
 * What reporting roles read, as on one node: single-use codes without
 * their random part (code_label).  The counts are added up over the nodes
 * with the codes whole, then labelled, so the function that reads them
 * runs with the extension owner's rights: reporting roles get it and not
 * the functions beneath it, which show the codes whole.
 */
CREATE FUNCTION promo_draw_proxy.code_report_rows(
	OUT code_label text, OUT single_use boolean, OUT starts_at timestamptz, OUT ends_at timestamptz,
	OUT max_redemptions bigint, OUT redeemed bigint, OUT cancelled bigint, OUT remaining numeric,
	OUT reward jsonb)
RETURNS SETOF record
LANGUAGE sql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT promo_draw.code_label(s.code, s.max_redemptions), s.max_redemptions = 1, s.starts_at,
	       s.ends_at, s.max_redemptions, s.redeemed, s.cancelled, s.remaining, s.reward
	FROM promo_draw.code_summary s
$$;
COMMENT ON FUNCTION promo_draw_proxy.code_report_rows() IS
	'code_summary with single-use codes labelled, for code_report';
