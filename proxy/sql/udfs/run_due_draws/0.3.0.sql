CREATE FUNCTION promo_draw.run_due_draws() RETURNS integer
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v_drawn integer := 0;
	v_id bigint;
	v_seal boolean;
BEGIN
	FOR v_id, v_seal IN SELECT x.draw_id, x.to_seal FROM promo_draw_proxy.due_draws_on_0() x LOOP
		BEGIN
			IF v_seal THEN
				PERFORM promo_draw.seal_draw(v_id);
			ELSE
				PERFORM count(*) FROM promo_draw.run_draw(v_id);
				v_drawn := v_drawn + 1;
			END IF;
		EXCEPTION WHEN OTHERS THEN
			RAISE WARNING 'draw % was not drawn: %', v_id, SQLERRM
				USING HINT = 'run_due_draws() will try again on its next call.';
		END;
	END LOOP;
	RETURN v_drawn;
END
$$;
COMMENT ON FUNCTION promo_draw.run_due_draws() IS
	'draw every ready draw whose draw_at has passed and seal every sealed draw past closes_at, over every node, for pg_cron on the proxy; returns how many it drew';
