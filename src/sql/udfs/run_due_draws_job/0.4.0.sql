/*
 * For schedulers that judge a job by its error (pg_cron's
 * cron.job_run_details): run_due_draws, committed, then an error naming
 * every draw that failed in it (PD045), so that a failed draw shows as a
 * failed run while the other due draws are drawn and stay drawn.
 */
CREATE FUNCTION promo_draw.draw_failures_since(since timestamptz)
RETURNS TABLE (draw_id bigint, last_error text)
LANGUAGE sql STABLE STRICT SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
	SELECT d.draw_id, d.last_error FROM promo_draw.draw d
	WHERE d.last_error_at >= since ORDER BY d.draw_id;
END;
COMMENT ON FUNCTION promo_draw.draw_failures_since(timestamptz) IS
	'the draws whose last run failed at or after since, with the error';

-- no SET clause: a procedure with one cannot commit; it runs with its
-- caller's rights and names every object it uses with its schema
CREATE PROCEDURE promo_draw.run_due_draws_job()
LANGUAGE plpgsql
AS $$
DECLARE
	v_start timestamptz := clock_timestamp();
	v_drawn integer;
	v_failed text;
BEGIN
	v_drawn := promo_draw.run_due_draws();
	COMMIT;
	SELECT pg_catalog.string_agg(pg_catalog.format('draw %s: %s', f.draw_id, f.last_error), '; ')
	INTO v_failed FROM promo_draw.draw_failures_since(v_start) f;
	IF v_failed IS NOT NULL THEN
		RAISE EXCEPTION 'due draws failed: %', v_failed
			USING ERRCODE = 'PD045',
			      DETAIL = pg_catalog.format('%s other due draws were drawn and committed.', v_drawn),
			      HINT = 'The failed draws are tried again on the next run: fix the cause or cancel them (draw_summary shows failed_runs and last_error).';
	END IF;
END
$$;
COMMENT ON PROCEDURE promo_draw.run_due_draws_job() IS
	'run_due_draws for pg_cron: commits the draws drawn, then raises PD045 if any due draw failed, so that the job run shows as failed';
