-- the entry digest of a sealed draw over the participants given: version 2
-- (draws sealed from 0.4.0, which name their beacon's due time) by entry
-- reference, version 1 by customer id (doc/record-format.md)
CREATE FUNCTION promo_draw_proxy.sealed_digest(for_draw bigint, customer_ids bigint[],
	entry_refs uuid[], tickets bigint[])
RETURNS bytea
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT CASE WHEN coalesce(d.digest_version, CASE WHEN d.beacon_due_at IS NULL THEN 1 ELSE 2 END) = 1
	       THEN sha256(convert_to('promo_draw sealed draw v1', 'UTF8') || int8send(d.draw_id)
	              || promo_draw.digest_text(d.beacon_source) || int8send(d.max_wins_per_customer::bigint)
	              || promo_draw.digest_text(d.default_prize)
	              || promo_draw.digest_text(CASE WHEN d.eligibility IS NOT NULL THEN d.eligibility_identity END)
	              || int8send(pz.n) || pz.plain
	              || coalesce((SELECT string_agg(int8send(x.c) || int8send(x.t), ''::bytea ORDER BY x.c)
	                           FROM unnest(customer_ids, tickets) AS x(c, t)), ''::bytea))
	       ELSE sha256(convert_to('promo_draw sealed draw v2', 'UTF8') || int8send(d.draw_id)
	              || promo_draw.digest_text(d.beacon_source)
	              || int8send((extract(epoch FROM d.beacon_due_at) * 1000000)::bigint)
	              || int8send(d.max_wins_per_customer::bigint)
	              || promo_draw.digest_text(d.default_prize) || promo_draw.digest_text(d.lose_message)
	              || promo_draw.digest_text(CASE WHEN d.eligibility IS NOT NULL THEN d.eligibility_identity END)
	              || int8send(pz.n) || pz.with_payload
	              || coalesce((SELECT string_agg(uuid_send(x.r) || int8send(x.t), ''::bytea ORDER BY x.r)
	                           FROM unnest(entry_refs, tickets) AS x(r, t)), ''::bytea))
	       END
	FROM promo_draw_proxy.draw_rows(for_draw) d, LATERAL (
		SELECT count(*) AS n,
		       coalesce(string_agg(int8send(p.prize_id) || promo_draw.digest_text(p.name)
		                           || promo_draw.digest_text(p.value::text) || int8send(p.quantity::bigint),
		                           ''::bytea ORDER BY p.value DESC, p.prize_id), ''::bytea) AS plain,
		       coalesce(string_agg(int8send(p.prize_id) || promo_draw.digest_text(p.name)
		                           || promo_draw.digest_text(p.value::text) || int8send(p.quantity::bigint)
		                           || promo_draw.digest_text(p.payload::text),
		                           ''::bytea ORDER BY p.value DESC, p.prize_id), ''::bytea) AS with_payload
		FROM promo_draw_proxy.prize_rows(for_draw) p
	) pz
	WHERE d.node = 0
$$;
COMMENT ON FUNCTION promo_draw_proxy.sealed_digest(bigint, bigint[], uuid[], bigint[]) IS
	'the entry digest of a sealed draw over the participants given (customer ids, entry references and ticket counts)';
