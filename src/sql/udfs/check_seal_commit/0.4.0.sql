/*
 * The seal of a sealed draw must commit before its beacon value is due:
 * else the operator could seal in an open transaction, wait for the value,
 * work out the winner, and commit only if it suits.  A deferred constraint
 * trigger checks the clock when the sealing transaction commits (a
 * transaction that seals may not be prepared, src/seal.c) and records when
 * the seal committed.  Only a superuser who disables the trigger or moves
 * the clock gets past it: the digest published outside, with a timestamp
 * of its own, is what holds against that.
 */
CREATE FUNCTION promo_draw.check_seal_commit() RETURNS trigger
	LANGUAGE plpgsql SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v_due timestamptz;
	v_now timestamptz := clock_timestamp();
BEGIN
	SELECT d.beacon_due_at INTO v_due FROM promo_draw.draw d WHERE d.draw_id = NEW.draw_id;
	IF v_due IS NOT NULL AND v_now >= v_due THEN
		RAISE EXCEPTION 'the seal of draw % would commit after its beacon is due', NEW.draw_id
			USING ERRCODE = 'PD042',
			      DETAIL = format('The beacon value was due at %s and the seal is committing at %s.', v_due, v_now),
			      HINT = 'Nothing was sealed; the draw can only be cancelled now.';
	END IF;
	UPDATE promo_draw.draw d SET seal_committed_at = v_now
	WHERE d.draw_id = NEW.draw_id AND d.seal_committed_at IS NULL;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION promo_draw.check_seal_commit() IS
	'at the commit of a seal: refuse it when the draw''s beacon is due (PD042), else record seal_committed_at';

CREATE CONSTRAINT TRIGGER seal_commit AFTER UPDATE OF status ON promo_draw.draw
	DEFERRABLE INITIALLY DEFERRED
	FOR EACH ROW WHEN (OLD.status = 'open' AND NEW.status = 'sealed')
	EXECUTE FUNCTION promo_draw.check_seal_commit();
