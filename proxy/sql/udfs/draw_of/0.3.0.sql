CREATE FUNCTION promo_draw_proxy.draw_of(draw_id bigint) RETURNS SETOF promo_draw_proxy.draw_row
LANGUAGE sql STABLE STRICT
SET search_path = pg_catalog, pg_temp
AS $$ SELECT * FROM promo_draw_proxy.draws(draw_id) $$;
