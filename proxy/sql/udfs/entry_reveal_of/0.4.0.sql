CREATE FUNCTION promo_draw_proxy.entry_reveal_of(draw_id bigint)
RETURNS TABLE (draw_id bigint, customer_id bigint, tickets bigint, best uuid[], opted_in boolean,
	entry_ref uuid)
LANGUAGE sql STABLE STRICT
SET search_path = pg_catalog, pg_temp
AS $$ SELECT * FROM promo_draw_proxy.entry_reveal_rows($1) $$;
