CREATE FUNCTION promo_draw_proxy.result_of(draw_id bigint)
RETURNS TABLE (draw_id bigint, place bigint, customer_id bigint, ticket uuid, prize_id bigint, outcome text,
	entry_ref uuid)
LANGUAGE sql STABLE STRICT
SET search_path = pg_catalog, pg_temp
AS $$ SELECT * FROM promo_draw_proxy.result_rows($1) $$;
