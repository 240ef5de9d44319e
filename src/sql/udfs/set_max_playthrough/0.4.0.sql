/*
 * The compliance cap on a bonus's playthrough, for the whole database:
 * grant_bonus refuses a higher one (PD035) on every connection from the
 * next call, pooled ones included.  NULL or 0 removes it.  Only the
 * extension's owner and superusers may call it (no GRANT).  The
 * promo_draw.max_playthrough setting still caps too, where it is set; the
 * lower cap applies.
 */
CREATE FUNCTION promo_draw.set_max_playthrough(cap numeric) RETURNS numeric
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF cap IS NULL OR cap = 0 THEN
		DELETE FROM promo_draw.setting s WHERE s.name = 'max_playthrough';
		RETURN NULL;
	END IF;
	IF cap < 0 OR cap > 1000000 THEN
		RAISE EXCEPTION 'max_playthrough must be between 0 and 1000000'
			USING ERRCODE = 'invalid_parameter_value', DETAIL = format('The cap given was %s.', cap);
	END IF;
	INSERT INTO promo_draw.setting AS s (name, value) VALUES ('max_playthrough', cap)
	ON CONFLICT (name) DO UPDATE SET value = excluded.value, set_by = current_user, set_at = now();
	RETURN cap;
END
$$;
COMMENT ON FUNCTION promo_draw.set_max_playthrough(numeric) IS
	'cap the playthrough grant_bonus accepts, on every connection at once (NULL or 0: no cap); owner and superusers only';
