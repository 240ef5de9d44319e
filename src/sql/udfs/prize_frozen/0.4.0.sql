/*
 * Once a draw is ready its prize table is final: the draw walks it, the
 * prize digest covers it, and the customers' outcome messages show it.
 * add_prize refuses new prizes then (PD004); this trigger refuses changing
 * or deleting the prize rows of a draw that is ready, sealed, drawn or
 * cancelled, even by the table's owner, and TRUNCATE altogether.  (INSERT
 * stays open to the owner, so that pg_restore can load the table; a row
 * added behind add_prize's back, or any change made with the trigger
 * disabled, no longer matches the draw's prize digest, which verify_draw
 * checks.)
 */
CREATE FUNCTION promo_draw.prize_frozen() RETURNS trigger
	LANGUAGE plpgsql SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v promo_draw.draw%ROWTYPE;
	v_draw_id bigint;
BEGIN
	IF TG_OP = 'TRUNCATE' THEN
		RAISE EXCEPTION 'promo_draw.prize cannot be truncated'
			USING ERRCODE = 'PD004',
			      DETAIL = 'It holds the final prize tables of ready and drawn draws.';
	END IF;
	FOR v_draw_id IN
		SELECT x.draw_id FROM (VALUES (OLD.draw_id),
		                              (CASE WHEN TG_OP = 'UPDATE' THEN NEW.draw_id END)) x(draw_id)
		WHERE x.draw_id IS NOT NULL
	LOOP
		SELECT * INTO v FROM promo_draw.draw d WHERE d.draw_id = v_draw_id;
		IF FOUND AND (v.status <> 'open' OR v.prize_digest IS NOT NULL
		              OR (v.partitions > 0 AND v.ready_at IS NOT NULL)
		              OR (v.partitions = 0 AND clock_timestamp() >= v.closes_at)) THEN
			RAISE EXCEPTION 'the prizes of draw % are final', v_draw_id
				USING ERRCODE = 'PD004',
				      DETAIL = format('The draw is %s; its prize table was fixed when it became ready.',
				                      CASE WHEN v.status = 'open' THEN 'ready' ELSE v.status END),
				      HINT = 'Cancel the draw and create another to change its prizes.';
		END IF;
	END LOOP;
	RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END
$$;
COMMENT ON FUNCTION promo_draw.prize_frozen() IS
	'refuse changing or deleting the prize rows of a draw that is ready, sealed, drawn or cancelled (PD004), and TRUNCATE';

CREATE TRIGGER prize_frozen BEFORE UPDATE OR DELETE ON promo_draw.prize
	FOR EACH ROW EXECUTE FUNCTION promo_draw.prize_frozen();
CREATE TRIGGER prize_frozen_truncate BEFORE TRUNCATE ON promo_draw.prize
	FOR EACH STATEMENT EXECUTE FUNCTION promo_draw.prize_frozen();
