CREATE FUNCTION promo_draw_proxy.prize_of(draw_id bigint)
RETURNS TABLE (prize_id bigint, draw_id bigint, name text, value numeric, quantity integer, payload jsonb)
LANGUAGE sql STABLE STRICT
SET search_path = pg_catalog, pg_temp
AS $$ SELECT * FROM promo_draw_proxy.prize_rows($1) $$;
