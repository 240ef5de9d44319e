-- Shared helpers for the benchmarks: time a query several times in this
-- session and keep the median, so a noisy neighbour moves one run, not the
-- figure.
CREATE SCHEMA IF NOT EXISTS bench;

CREATE OR REPLACE FUNCTION bench.median_ms(query text, runs int DEFAULT 3)
RETURNS numeric LANGUAGE plpgsql AS $$
DECLARE
	times numeric[] := '{}';
	t0 timestamptz;
BEGIN
	FOR i IN 1 .. runs LOOP
		t0 := clock_timestamp();
		EXECUTE query;
		times := times || (extract(epoch FROM clock_timestamp() - t0) * 1000)::numeric;
	END LOOP;
	RETURN round((SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x) FROM unnest(times) x)::numeric, 1);
END
$$;
