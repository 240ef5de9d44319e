-- the entry digest of a sealed draw over the participants given
CREATE FUNCTION promo_draw_proxy.sealed_digest(for_draw bigint, customer_ids bigint[], tickets bigint[])
RETURNS bytea
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT sha256(convert_to('promo_draw sealed draw v1', 'UTF8') || int8send(d.draw_id)
	              || promo_draw.digest_text(d.beacon_source) || int8send(d.max_wins_per_customer::bigint)
	              || promo_draw.digest_text(d.default_prize)
	              || promo_draw.digest_text(CASE WHEN d.eligibility IS NOT NULL THEN d.eligibility_identity END)
	              || int8send(pz.n) || pz.bytes
	              || coalesce((SELECT string_agg(int8send(x.c) || int8send(x.t), ''::bytea ORDER BY x.c)
	                           FROM unnest(customer_ids, tickets) AS x(c, t)), ''::bytea))
	FROM promo_draw_proxy.draw_rows(for_draw) d, LATERAL (
		SELECT count(*) AS n,
		       coalesce(string_agg(int8send(p.prize_id) || promo_draw.digest_text(p.name)
		                           || promo_draw.digest_text(p.value::text) || int8send(p.quantity::bigint),
		                           ''::bytea ORDER BY p.value DESC, p.prize_id), ''::bytea) AS bytes
		FROM promo_draw_proxy.prize_rows(for_draw) p
	) pz
	WHERE d.node = 0
$$;
COMMENT ON FUNCTION promo_draw_proxy.sealed_digest(bigint, bigint[], bigint[]) IS
	'the entry digest of a sealed draw over the participants given (customer ids and ticket counts)';
