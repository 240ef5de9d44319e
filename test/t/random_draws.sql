-- Random draws for the verifier's tests (012_verifier.pl,
-- 013_verifier_page.pl): CALL public.random_draws(seed, draws) makes and
-- draws them, seeded and sealed in turn, among random customers holding
-- random tickets, with one to three wins each, a default prize or a lose
-- message, an eligibility rule that turns some customers away, prizes of
-- equal values and payloads.
CREATE FUNCTION public.not_sevens(c bigint) RETURNS boolean LANGUAGE sql STABLE RETURN c % 7 <> 0;
-- random draws among random customers: a sealed draw's beacon is due an
-- hour after its seal; the hour passes (its times move into the past,
-- and the digest, which covers the due time, follows)
CREATE PROCEDURE public.random_draws(test_seed double precision, draws integer)
LANGUAGE plpgsql AS $$
DECLARE
	d bigint;
	n integer;
	sealed boolean;
	prizes jsonb;
	customers bigint[];
BEGIN
	PERFORM setseed(test_seed);
	FOR i IN 1 .. draws LOOP
		sealed := i % 2 = 0;
		n := 1 + (random() * 40)::integer;
		SELECT jsonb_agg(jsonb_build_object(
		           'name', 'prize ' || k, 'value', (array[100, 25.5, 25.50, 10, 1])[1 + (random() * 4)::integer],
		           'quantity', 1 + (random() * 4)::integer,
		           'payload', CASE WHEN random() < 0.5 THEN jsonb_build_object('sku', 'sku-' || k, 'n', k) ELSE '{}' END))
		INTO prizes FROM generate_series(1, 1 + (random() * 3)::integer) k;
		customers := ARRAY(SELECT DISTINCT 1 + (random() * 200)::bigint FROM generate_series(1, n));
		d := promo_draw.draw_among('random ' || i, customers, prizes, CASE WHEN sealed THEN 'the test beacon' END, sealed => sealed,
			max_wins_per_customer => 1 + i % 3,
			default_prize => CASE WHEN i % 4 < 2 THEN 'a free spin' END,
			lose_message => (array['Better luck next time', 'Not this time', ''])[1 + i % 3],
			eligibility => CASE WHEN i % 5 < 2 THEN 'public.not_sevens(bigint)'::regprocedure END,
			beacon_due_at => CASE WHEN sealed THEN clock_timestamp() + interval '1 hour' END,
			tickets => ARRAY(SELECT 1 + (random() * random() * 6)::bigint FROM unnest(customers)));
		COMMIT;
		IF sealed THEN
			UPDATE promo_draw.draw
			SET opens_at = '2000-01-01', closes_at = '2000-01-02', draw_at = '2000-01-02',
			    sealed_at = '2000-01-02 12:00', seal_committed_at = '2000-01-02 12:00:01',
			    beacon_due_at = '2000-01-03'
			WHERE draw_id = d;
			UPDATE promo_draw.draw SET entry_digest = promo_draw.sealed_digest(d) WHERE draw_id = d;
			PERFORM promo_draw.set_beacon(d, sha256(convert_to(test_seed || ':' || i, 'UTF8')));
		END IF;
		PERFORM count(*) FROM promo_draw.run_draw(d);
		COMMIT;
	END LOOP;
END
$$;
